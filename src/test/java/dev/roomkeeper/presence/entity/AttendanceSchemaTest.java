package dev.roomkeeper.presence.entity;

import dev.roomkeeper.rooms.TestDatabase;
import dev.roomkeeper.rooms.entity.Membership;
import dev.roomkeeper.rooms.entity.Room;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The attendance entity must validate against the migrations (V1 and V2), as hbm2ddl=validate does at deployment. */
class AttendanceSchemaTest {

    private static final String ROOM = "11111111-1111-4111-8111-111111111111";
    private static final Instant JOINED = Instant.parse("2025-03-01T10:00:00.123Z");

    private static SessionFactory database() {
        return TestDatabase.sessionFactory(TestDatabase.migrated(), Room.class, Membership.class, AttendanceRecord.class);
    }

    private static void room(SessionFactory factory) {
        factory.inTransaction(session -> session.persist(new Room(ROOM, "daily", "Daily", "huddle", "ann", JOINED)));
    }

    @Test
    void attendanceMappingValidatesAgainstTheMigratedSchema() {
        try (SessionFactory factory = database()) {
            assertTrue(factory.isOpen());
        }
    }

    @Test
    void recordsGetGeneratedIdsAndKeepTheReasonAsItsLowerCaseWireName() {
        Instant left = JOINED.plusSeconds(90);
        try (SessionFactory factory = database()) {
            room(factory);
            AttendanceRecord closed = new AttendanceRecord(ROOM, "bob", "tab-1", JOINED, left, LeaveReason.EXPIRED);
            AttendanceRecord open = new AttendanceRecord(ROOM, "bob", "tab-2", JOINED, null, null);
            factory.inTransaction(session -> {
                session.persist(closed);
                session.persist(open);
            });
            assertNotNull(closed.getId());
            assertNotEquals(closed.getId(), open.getId());
            factory.inSession(session -> {
                assertEquals("expired", session.createNativeQuery(
                        "select leave_reason from attendance where session_id = 'tab-1'", String.class).getSingleResult());
                AttendanceRecord read = session.find(AttendanceRecord.class, closed.getId());
                assertEquals(JOINED, read.getJoinedAt());
                assertEquals(left, read.getLeftAt());
                assertEquals(LeaveReason.EXPIRED, read.getLeaveReason());
                AttendanceRecord stillOpen = session.find(AttendanceRecord.class, open.getId());
                assertNull(stillOpen.getLeftAt());
                assertNull(stillOpen.getLeaveReason());
            });
        }
    }

    @Test
    void recordsNeedAnExistingRoomAndGoWithIt() {
        try (SessionFactory factory = database()) {
            assertThrows(RuntimeException.class, () -> factory.inTransaction(session -> session.persist(
                    new AttendanceRecord("22222222-2222-4222-8222-222222222222", "bob", "tab", JOINED, null, null))));
            room(factory);
            factory.inTransaction(session -> session.persist(new AttendanceRecord(ROOM, "bob", "tab", JOINED, null, null)));

            factory.inTransaction(session -> session.createNativeMutationQuery("delete from room").executeUpdate());

            long left = factory.fromSession(session -> session.createNativeQuery(
                    "select count(*) from attendance", Long.class).getSingleResult());
            assertEquals(0, left);
        }
    }
}
