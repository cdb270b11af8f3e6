package dev.roomkeeper.platform.entity;

import jakarta.json.Json;
import jakarta.json.JsonNumber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.StringReader;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WholeNumberTest {

    @Test
    void textOfAsciiDigitsWithinBoundsIsRead() {
        assertEquals(OptionalLong.of(0), WholeNumber.parse("0", 0, Long.MAX_VALUE));
        assertEquals(OptionalLong.of(42), WholeNumber.parse("042", 0, 100));
        assertEquals(OptionalLong.of(Long.MAX_VALUE), WholeNumber.parse("9223372036854775807", 0, Long.MAX_VALUE));
        assertEquals(OptionalLong.of(-5), WholeNumber.parse("-5", -10, 10), "a minus where the bounds allow one");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " 5", "5 ", "+5", "-5", "5.0", "1e3", "0x10", "٥", "５", "9223372036854775808",
            "18446744073709551619", "1208925819614629174706176", "5a", "-", "1_000"})
    void anythingElseIsNotANumber(String text) {
        assertEquals(OptionalLong.empty(), WholeNumber.parse(text, 0, Long.MAX_VALUE), text);
    }

    @Test
    void boundsAreInclusive() {
        assertEquals(OptionalLong.of(1), WholeNumber.parse("1", 1, 200));
        assertEquals(OptionalLong.of(200), WholeNumber.parse("200", 1, 200));
        assertEquals(OptionalLong.empty(), WholeNumber.parse("201", 1, 200));
        assertEquals(OptionalLong.empty(), WholeNumber.parse("0", 1, 200));
        assertEquals(OptionalLong.empty(), WholeNumber.parse(null, 1, 200));
    }

    @Test
    void jsonNumbersAreReadExactlyWhateverTheirNotation() {
        assertEquals(OptionalLong.of(10_000), WholeNumber.of(number("1e4"), 0, Long.MAX_VALUE));
        assertEquals(OptionalLong.of(3), WholeNumber.of(number("3.00"), 0, Long.MAX_VALUE));
        assertEquals(OptionalLong.of(0), WholeNumber.of(number("-0.0"), 0, Long.MAX_VALUE));
        assertEquals(OptionalLong.of(Long.MAX_VALUE), WholeNumber.of(number("9223372036854775807"), 0, Long.MAX_VALUE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"18446744073709551619", "1208925819614629174706176", "9223372036854775808", "-1", "1.5",
            "1e-1", "1e999999999", "-1e999999999", "1e-999999999", "0.9999999999999999999999"})
    void jsonNumbersThatWrapTruncateOrLeaveTheRangeAreRefused(String text) {
        assertEquals(OptionalLong.empty(), WholeNumber.of(number(text), 0, Long.MAX_VALUE), text);
    }

    private static JsonNumber number(String text) {
        try (var reader = Json.createReader(new StringReader("[" + text + "]"))) {
            return reader.readArray().getJsonNumber(0);
        }
    }
}
