package dev.roomkeeper.platform.entity;

import jakarta.json.JsonNumber;

import java.math.BigDecimal;
import java.util.OptionalLong;

/**
 * A whole number a client sent, read exactly: never wrapped, truncated, rounded or guessed at. What the JDK's own
 * readers let through is refused here: {@code JsonNumber.longValue()} turns 2^64+3 into 3 and 2^80 into 0 (a
 * {@code since} that asks for a full replay), {@code Long.parseLong} takes a sign ({@code +5}) and any script's
 * digits ({@code ٥}).
 */
public final class WholeNumber {

    private static final int MAX_DIGITS = 19; // Long.MAX_VALUE has 19

    private WholeNumber() {
    }

    /**
     * A number written as text (a query parameter, a header, a path segment): ASCII digits only, with a leading
     * {@code -} only when {@code min} is negative; no sign otherwise, no spaces, no exponent, no fraction.
     *
     * @return the number, or empty when {@code text} is not such a number from {@code min} to {@code max}
     */
    public static OptionalLong parse(CharSequence text, long min, long max) {
        if (text == null) {
            return OptionalLong.empty();
        }
        int start = text.length() > 0 && text.charAt(0) == '-' && min < 0 ? 1 : 0;
        int digits = text.length() - start;
        if (digits < 1 || digits > MAX_DIGITS) {
            return OptionalLong.empty();
        }
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return OptionalLong.empty();
            }
        }
        long value;
        try {
            value = Long.parseLong(text, 0, text.length(), 10); // only ASCII digits are left: exact or overflow
        } catch (NumberFormatException overflow) {
            return OptionalLong.empty();
        }
        return value < min || value > max ? OptionalLong.empty() : OptionalLong.of(value);
    }

    /**
     * A JSON number that is a whole number from {@code min} to {@code max}, whatever its notation ({@code 3},
     * {@code 3.0}, {@code 3e0} are all 3); anything else, however close, is empty.
     */
    public static OptionalLong of(JsonNumber number, long min, long max) {
        if (number == null) {
            return OptionalLong.empty();
        }
        BigDecimal exact = number.bigDecimalValue();
        // the range first: comparing a number such as 1e999999999 costs nothing, making it whole would
        if (exact.compareTo(BigDecimal.valueOf(min)) < 0 || exact.compareTo(BigDecimal.valueOf(max)) > 0) {
            return OptionalLong.empty();
        }
        if (exact.signum() != 0 && exact.stripTrailingZeros().scale() > 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(exact.longValueExact());
    }
}
