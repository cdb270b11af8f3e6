package dev.roomkeeper.presence.entity;

import dev.roomkeeper.stream.entity.RoomEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AttendanceChangeTest {

    private static final String ROOM = "6f1c2a9e-0b7d-4c1e-9a55-3f2d8c7b1e40";
    private static final long JOINED = 1_740_823_200_000L;
    private static final PresenceSession SESSION =
            new PresenceSession("tab-1", "bob", "{}", SessionState.ONLINE, JOINED, JOINED + 30_000);

    private static PresenceChange change(ChangeKind kind, LeaveReason reason, long eventTime) {
        return new PresenceChange(ROOM, "bob", SESSION, kind, reason,
                new RoomEvent(ROOM, 7, kind.eventType(), "{}", eventTime));
    }

    @Test
    void joinsAndAddedSessionsStartAtTheSessionsJoinTime() {
        AttendanceChange started = new AttendanceChange(ROOM, "bob", "tab-1", Instant.ofEpochMilli(JOINED), null, null);

        assertEquals(Optional.of(started), AttendanceChange.of(change(ChangeKind.USER_JOINED, null, JOINED + 5), 0));
        assertEquals(Optional.of(started), AttendanceChange.of(change(ChangeKind.SESSION_ADDED, null, JOINED + 5), 0));
        assertFalse(started.ended());
    }

    @Test
    void endsTakeTheEventsTimeAndReason() {
        AttendanceChange ended = AttendanceChange.of(change(ChangeKind.USER_LEFT, LeaveReason.KICKED, JOINED + 90_000), 0)
                .orElseThrow();

        assertEquals(Instant.ofEpochMilli(JOINED), ended.joinedAt());
        assertEquals(Instant.ofEpochMilli(JOINED + 90_000), ended.leftAt());
        assertEquals(LeaveReason.KICKED, ended.reason());
        assertEquals(ended.key(), AttendanceChange.of(change(ChangeKind.USER_JOINED, null, 0), 0).orElseThrow().key());
        assertTrue(AttendanceChange.of(change(ChangeKind.SESSION_REMOVED, LeaveReason.LEFT, JOINED + 1), 0)
                .orElseThrow().ended());
    }

    @Test
    void otherKindsAreNotAttendance() {
        for (ChangeKind kind : new ChangeKind[]{ChangeKind.META_UPDATED, ChangeKind.RECONNECTING, ChangeKind.RESUMED}) {
            assertEquals(Optional.empty(), AttendanceChange.of(change(kind, null, JOINED), 0), kind::name);
        }
    }

    @Test
    void anEndNeverPrecedesItsStartWhateverTheClocksSay() {
        AttendanceChange ended = AttendanceChange.of(change(ChangeKind.USER_LEFT, LeaveReason.EXPIRED, JOINED - 500), 0)
                .orElseThrow();

        assertEquals(ended.joinedAt(), ended.leftAt());
    }

    @Test
    void idsLongerThanTheirColumnsDoNotFit() {
        Instant t = Instant.ofEpochMilli(JOINED);
        assertTrue(new AttendanceChange(ROOM, "u".repeat(128), "s".repeat(64), t, null, null).fitsColumns());
        assertFalse(new AttendanceChange(ROOM, "bob", "s".repeat(65), t, null, null).fitsColumns());
        assertFalse(new AttendanceChange(ROOM, "u".repeat(129), "tab", t, null, null).fitsColumns());
    }
}
