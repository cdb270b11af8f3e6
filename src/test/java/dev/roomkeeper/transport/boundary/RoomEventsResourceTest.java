package dev.roomkeeper.transport.boundary;

import dev.roomkeeper.platform.entity.Problem.FieldError;
import dev.roomkeeper.transport.boundary.RoomEventsResource.Resume;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RoomEventsResourceTest {

    private final List<FieldError> errors = new ArrayList<>();

    @Test
    void lastEventIdAsTheServerSendsItResumesInItsEpoch() {
        assertEquals(new Resume(40L, "9f3a2c1b"), RoomEventsResource.resume("9f3a2c1b:40", null, errors));
        assertEquals(new Resume(9223372036854775807L, "c41d07a2e9b35f10"),
                RoomEventsResource.resume("c41d07a2e9b35f10:9223372036854775807", "3", errors), "and wins over since");
        assertEquals(new Resume(7L, null), RoomEventsResource.resume("7", null, errors), "a seq alone");
        assertEquals(new Resume(5L, null), RoomEventsResource.resume(null, "5", errors));
        assertEquals(new Resume(null, null), RoomEventsResource.resume("", "", errors));
        assertEquals(List.of(), errors);
    }

    @ParameterizedTest
    @ValueSource(strings = {":5", "abc:", "abc:xyz", "9f3a:+5", "9f3a:-5", "9f3a: 5", "9f3a:5:6", "9f3a:5.0", "9f3a:٥",
            "9f3a:18446744073709551619", "9f3a:9223372036854775808", "9f/3a:5", " ", "x"})
    void aMalformedLastEventIdIsRefusedNeverGuessedAt(String lastEventId) {
        RoomEventsResource.resume(lastEventId, null, errors);
        assertEquals(List.of("Last-Event-ID"), errors.stream().map(FieldError::field).toList(), lastEventId);
    }

    @ParameterizedTest
    @ValueSource(strings = {"+5", "-1", " 5", "5 ", "1e3", "18446744073709551619", "1208925819614629174706176", "٥"})
    void aSinceThatIsNotExactlyASeqIsRefused(String since) {
        RoomEventsResource.resume(null, since, errors);
        assertEquals(List.of("since"), errors.stream().map(FieldError::field).toList(), since);
    }

    @Test
    void bothAreNamedWhenBothAreMalformed() {
        RoomEventsResource.resume(":5", "+5", errors);
        assertEquals(List.of("since", "Last-Event-ID"), errors.stream().map(FieldError::field).toList());
    }
}
