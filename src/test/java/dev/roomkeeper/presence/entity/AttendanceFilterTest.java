package dev.roomkeeper.presence.entity;

import dev.roomkeeper.platform.entity.Problem;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AttendanceFilterTest {

    private final List<Problem.FieldError> errors = new ArrayList<>();

    private List<String> fields() {
        return errors.stream().map(Problem.FieldError::field).toList();
    }

    @Test
    void absentOrBlankParametersDoNotNarrow() {
        assertEquals(AttendanceFilter.ALL, AttendanceFilter.parse(null, null, null, errors));
        assertEquals(AttendanceFilter.ALL, AttendanceFilter.parse(" ", "", "  ", errors));
        assertTrue(errors.isEmpty());
    }

    @Test
    void instantsAreReadInUtcOrWithAnOffset() {
        AttendanceFilter filter = AttendanceFilter.parse(" bob ", "2025-03-01T10:00:00Z", "2025-03-01T12:30:00.5+01:00", errors);

        assertEquals(new AttendanceFilter("bob", Instant.parse("2025-03-01T10:00:00Z"),
                Instant.parse("2025-03-01T11:30:00.5Z")), filter);
        assertTrue(errors.isEmpty());
    }

    @Test
    void invalidInstantsAreReportedByFieldAndIgnored() {
        AttendanceFilter filter = AttendanceFilter.parse(null, "yesterday", "2025-03-01T10:00:00", errors);

        assertEquals(List.of("from", "to"), fields());
        assertEquals(AttendanceFilter.ALL, filter);
        assertEquals(AttendanceFilter.INSTANT_RULE, errors.get(0).message());
    }

    @Test
    void toMustComeAfterFrom() {
        AttendanceFilter.parse(null, "2025-03-01T10:00:00Z", "2025-03-01T10:00:00Z", errors);

        assertEquals(List.of(new Problem.FieldError("to", "must be after from")), errors);
    }

    @Test
    void aUserIdLongerThanAnyStoredOneIsReported() {
        assertEquals(AttendanceFilter.ALL, AttendanceFilter.parse("u".repeat(129), null, null, errors));
        assertEquals(List.of("userId"), fields());
        errors.clear();
        assertEquals("u".repeat(128), AttendanceFilter.parse("u".repeat(128), null, null, errors).userId());
        assertTrue(errors.isEmpty());
    }
}
