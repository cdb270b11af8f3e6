package dev.roomkeeper.platform.entity;

import dev.roomkeeper.platform.entity.Problem;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PageRequestTest {

    private final List<Problem.FieldError> errors = new ArrayList<>();

    private List<String> fields() {
        return errors.stream().map(Problem.FieldError::field).toList();
    }

    @Test
    void absentOrBlankParametersMeanTheFirstPageOfFifty() {
        assertEquals(new PageRequest(0, 50), PageRequest.parse(null, null, errors));
        assertEquals(new PageRequest(0, 50), PageRequest.parse("", " ", errors));
        assertTrue(errors.isEmpty());
    }

    @Test
    void boundsAreOffsetZeroAndLimitOneToTwoHundred() {
        assertEquals(new PageRequest(0, 1), PageRequest.parse("0", "1", errors));
        assertEquals(new PageRequest(1000, 200), PageRequest.parse("1000", "200", errors));
        assertTrue(errors.isEmpty());
    }

    @Test
    void outOfBoundsValuesAreReportedByField() {
        PageRequest page = PageRequest.parse("-1", "201", errors);

        assertEquals(List.of("offset", "limit"), fields());
        assertEquals(PageRequest.first(), page);
    }

    @Test
    void aZeroLimitIsReported() {
        PageRequest.parse(null, "0", errors);

        assertEquals(List.of("limit"), fields());
    }

    @Test
    void nonNumbersAreReportedNotTurnedIntoNotFound() {
        PageRequest.parse("ten", "1e3", errors);
        PageRequest.parse("99999999999", "5.5", errors);

        assertEquals(List.of("offset", "limit", "offset", "limit"), fields());
    }

    @Test
    void numbersAreReadExactlyNotLeniently() {
        PageRequest.parse("+5", " 10", errors);
        PageRequest.parse("٥", "١٠", errors);
        PageRequest.parse("4294967301", "18446744073709551626", errors); // 2^32+5 and 2^64+10: never 5 and 10

        assertEquals(List.of("offset", "limit", "offset", "limit", "offset", "limit"), fields());
    }

    @Test
    void aPageRequestCannotBeBuiltOutOfBounds() {
        assertThrows(IllegalArgumentException.class, () -> new PageRequest(-1, 10));
        assertThrows(IllegalArgumentException.class, () -> new PageRequest(0, 0));
        assertThrows(IllegalArgumentException.class, () -> new PageRequest(0, 201));
    }
}
