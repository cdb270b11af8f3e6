package dev.roomkeeper.presence.control;

import dev.roomkeeper.presence.control.AttendanceBatch.Close;
import dev.roomkeeper.presence.control.AttendanceBatch.Insert;
import dev.roomkeeper.presence.entity.AttendanceChange;
import dev.roomkeeper.presence.entity.LeaveReason;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AttendanceBatchTest {

    static final String ROOM = "6f1c2a9e-0b7d-4c1e-9a55-3f2d8c7b1e40";
    static final Instant T = Instant.parse("2025-03-01T10:00:00Z");

    static AttendanceChange start(String session, int joinedSecond) {
        return new AttendanceChange(ROOM, "bob", session, T.plusSeconds(joinedSecond), null, null);
    }

    static AttendanceChange end(String session, int joinedSecond, int leftSecond, LeaveReason reason) {
        return new AttendanceChange(ROOM, "bob", session, T.plusSeconds(joinedSecond), T.plusSeconds(leftSecond), reason);
    }

    @Test
    void aStartAndItsEndInOneBatchBecomeOneClosedInsert() {
        AttendanceBatch batch = AttendanceBatch.of(List.of(start("a", 0), start("b", 1), end("a", 0, 30, LeaveReason.LEFT)));

        assertEquals(List.of(new Insert(end("a", 0, 30, LeaveReason.LEFT)), new Insert(start("b", 1))), batch.steps());
        assertEquals(3, batch.size());
    }

    @Test
    void anEndWithoutItsStartClosesTheStoredRecord() {
        AttendanceBatch batch = AttendanceBatch.of(List.of(end("a", 0, 30, LeaveReason.EXPIRED)));

        assertEquals(List.of(new Close(end("a", 0, 30, LeaveReason.EXPIRED))), batch.steps());
    }

    @Test
    void aStartThatArrivesAfterItsEndIsAlreadyRecordedByTheEnd() {
        AttendanceBatch batch = AttendanceBatch.of(List.of(end("a", 0, 30, LeaveReason.LEFT), start("a", 0)));

        assertEquals(List.of(new Close(end("a", 0, 30, LeaveReason.LEFT))), batch.steps());
    }

    @Test
    void aTabThatLeavesAndJoinsAgainStartsASecondRecordInOrder() {
        AttendanceBatch batch = AttendanceBatch.of(List.of(
                end("a", 0, 30, LeaveReason.LEFT), start("a", 40), end("a", 40, 50, LeaveReason.KICKED), start("a", 60)));

        assertEquals(List.of(
                new Close(end("a", 0, 30, LeaveReason.LEFT)),
                new Insert(end("a", 40, 50, LeaveReason.KICKED)),
                new Insert(start("a", 60))), batch.steps());
    }

    @Test
    void repeatedChangesAreRecordedOnce() {
        AttendanceBatch batch = AttendanceBatch.of(List.of(start("a", 0), start("a", 0),
                end("b", 0, 9, LeaveReason.LEFT), end("b", 0, 9, LeaveReason.LEFT)));

        assertEquals(List.of(new Insert(start("a", 0)), new Close(end("b", 0, 9, LeaveReason.LEFT))), batch.steps());
    }

    @Test
    void anEmptyBatchHasNoSteps() {
        assertEquals(List.of(), AttendanceBatch.of(List.of()).steps());
    }
}
