package dev.roomkeeper.presence.control;

import dev.roomkeeper.presence.entity.AttendanceChange;
import dev.roomkeeper.presence.entity.AttendanceRecord;
import dev.roomkeeper.presence.entity.LeaveReason;
import dev.roomkeeper.rooms.TestDatabase;
import dev.roomkeeper.rooms.entity.Membership;
import dev.roomkeeper.rooms.entity.Room;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static dev.roomkeeper.presence.control.AttendanceBatchTest.ROOM;
import static dev.roomkeeper.presence.control.AttendanceBatchTest.T;
import static dev.roomkeeper.presence.control.AttendanceBatchTest.end;
import static dev.roomkeeper.presence.control.AttendanceBatchTest.start;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The writer over a migrated H2 database, one transaction per batch as the interceptor would run it. */
class AttendanceWriterTest {

    SessionFactory factory;
    private final AttendanceWriter writer = new AttendanceWriter();

    /** The migrated database the test runs on. */
    String databaseUrl() {
        return TestDatabase.migrated();
    }

    @BeforeEach
    void room() {
        factory = TestDatabase.sessionFactory(databaseUrl(), Room.class, Membership.class, AttendanceRecord.class);
        factory.inTransaction(session -> session.persist(new Room(ROOM, "daily", "Daily", "huddle", "ann", T)));
    }

    @AfterEach
    void close() {
        factory.close();
    }

    private void write(AttendanceChange... changes) {
        try (Session session = factory.openSession()) {
            writer.em = session;
            session.getTransaction().begin();
            writer.write(AttendanceBatch.of(List.of(changes)));
            session.getTransaction().commit();
        }
    }

    /** Every row, as "session joinedSecond..leftSecond reason", oldest id first. */
    private List<String> rows() {
        return factory.fromSession(session -> session.createQuery(
                        "select a from AttendanceRecord a order by a.id", AttendanceRecord.class).getResultList()).stream()
                .map(a -> a.getSessionId() + " " + (a.getJoinedAt().getEpochSecond() - T.getEpochSecond()) + ".."
                        + (a.getLeftAt() == null ? "" : a.getLeftAt().getEpochSecond() - T.getEpochSecond() + " "
                        + a.getLeaveReason().wireName()))
                .toList();
    }

    @Test
    void aStartOpensARecordAndALaterEndClosesIt() {
        write(start("a", 0), start("b", 5));
        assertEquals(List.of("a 0..", "b 5.."), rows());

        write(end("a", 0, 60, LeaveReason.EXPIRED));

        assertEquals(List.of("a 0..60 expired", "b 5.."), rows());
    }

    @Test
    void aStartAndEndInOneBatchAreOneClosedRecord() {
        write(start("a", 0), end("a", 0, 30, LeaveReason.LEFT));

        assertEquals(List.of("a 0..30 left"), rows());
    }

    @Test
    void anEndWithoutAStoredStartIsRecordedClosedAndTheLateStartIsNotRecordedAgain() {
        write(end("a", 0, 30, LeaveReason.CLOSED));
        assertEquals(List.of("a 0..30 closed"), rows());

        write(start("a", 0));

        assertEquals(List.of("a 0..30 closed"), rows());
    }

    @Test
    void anEndClosesTheRecordOfItsOwnSessionNotAnEarlierOneWithTheSameId() {
        write(start("a", 0));
        write(end("a", 0, 10, LeaveReason.LEFT), start("a", 20));
        write(end("a", 20, 25, LeaveReason.KICKED));

        assertEquals(List.of("a 0..10 left", "a 20..25 kicked"), rows());
    }

    @Test
    void writingABatchTwiceRecordsItOnce() {
        write(start("a", 0), end("b", 0, 9, LeaveReason.LEFT), start("c", 1));
        write(start("a", 0), end("b", 0, 9, LeaveReason.LEFT), start("c", 1));

        assertEquals(List.of("a 0..", "b 0..9 left", "c 1.."), rows());
    }

    @Test
    void aRetriedStartIsSkippedWhileANewSessionWithTheSameIdIsRecorded() {
        write(start("a", 0));

        write(start("a", 0), start("a", 20), start("b", 0));

        assertEquals(List.of("a 0..", "a 20..", "b 0.."), rows());
    }

    @Test
    void millisecondJoinTimesMatchExactlyWhenClosing() {
        Instant joined = T.plusMillis(1234);
        write(new AttendanceChange(ROOM, "bob", "ms", joined, null, null));

        write(new AttendanceChange(ROOM, "bob", "ms", joined, joined.plusMillis(500), LeaveReason.LEFT));

        assertEquals(List.of("ms 1..1 left"), rows());
    }
}
