package dev.roomkeeper.rooms.entity;

import dev.roomkeeper.auth.entity.Role;

import dev.roomkeeper.rooms.TestDatabase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rooms entities must validate against the Flyway migrations, as hbm2ddl=validate does at deployment. */
class RoomsSchemaTest {

    @Test
    void roomAndMembershipMappingsValidateAgainstTheMigratedSchema() {
        try (SessionFactory factory = TestDatabase.rooms()) {
            assertTrue(factory.isOpen());
        }
    }

    @Test
    void aMappingThatDoesNotMatchTheSchemaFailsValidation() {
        String url = TestDatabase.migrated();
        RuntimeException failure = assertThrows(RuntimeException.class,
                () -> TestDatabase.sessionFactory(url, Mismatched.class).close());
        assertTrue(String.valueOf(failure.getMessage()).contains("no_such_column"), failure::toString);
    }

    @Test
    void roomsAndMembershipsRoundTripWithLowerCaseStateAndRole() {
        Instant now = Instant.parse("2025-01-02T03:04:05.123456Z");
        try (SessionFactory factory = TestDatabase.rooms()) {
            factory.inTransaction(session -> {
                session.persist(new Room("11111111-1111-4111-8111-111111111111", "daily", "Daily", "huddle", "ann", now));
                session.flush();
                session.persist(new Membership("11111111-1111-4111-8111-111111111111", "bob", Role.PRESENTER, now));
            });
            factory.inSession(session -> {
                Object[] row = (Object[]) session.createNativeQuery(
                        "select r.state, m.role from room r join membership m on m.room_id = r.id", Object[].class)
                        .getSingleResult();
                assertEquals("open", row[0]);
                assertEquals("presenter", row[1]);
                Room room = session.find(Room.class, "11111111-1111-4111-8111-111111111111");
                assertEquals(now, room.getCreatedAt());
                assertEquals(RoomState.OPEN, room.getState());
                Membership member = session.find(Membership.class,
                        new Membership.Key("11111111-1111-4111-8111-111111111111", "bob"));
                assertEquals(Role.PRESENTER, member.getRole());
            });
        }
    }

    /** Maps the room table with a column the migration does not have. */
    @Entity
    @Table(name = "room")
    static class Mismatched {
        @Id
        @Column(name = "id")
        String id;

        @Column(name = "no_such_column")
        String missing;
    }
}
