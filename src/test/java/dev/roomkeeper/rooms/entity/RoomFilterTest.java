package dev.roomkeeper.rooms.entity;

import dev.roomkeeper.platform.entity.Problem;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoomFilterTest {

    private final List<Problem.FieldError> errors = new ArrayList<>();

    @Test
    void absentOrBlankParametersDoNotNarrow() {
        assertEquals(RoomFilter.ALL, RoomFilter.parse(null, "", errors));
        assertTrue(errors.isEmpty());
    }

    @Test
    void stateIsReadInAnyCaseAndKindAsSent() {
        assertEquals(new RoomFilter(RoomState.CLOSED, "town_hall"), RoomFilter.parse("Closed", " town_hall ", errors));
        assertEquals(new RoomFilter(RoomState.OPEN, null), RoomFilter.parse("open", null, errors));
        assertTrue(errors.isEmpty());
    }

    @Test
    void unknownStatesAndInvalidKindsAreReportedByField() {
        RoomFilter filter = RoomFilter.parse("archived", "Town Hall", errors);

        assertEquals(RoomFilter.ALL, filter);
        assertEquals(List.of("state", "kind"), errors.stream().map(Problem.FieldError::field).toList());
    }
}
