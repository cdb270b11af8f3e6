package dev.roomkeeper.rooms.entity;

import dev.roomkeeper.auth.entity.Role;

import dev.roomkeeper.rooms.TestDatabase;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** V3 (invites) as Flyway applies it after V1, validated against the {@link Invite} mapping. */
class InvitesSchemaTest {

    private static final String ROOM = "11111111-1111-4111-8111-111111111111";
    private static final String HASH = "a".repeat(64);
    private static final Instant NOW = Instant.parse("2025-01-02T03:04:05.123456Z");

    private SessionFactory factory;

    @BeforeEach
    void database() {
        factory = TestDatabase.rooms();
        factory.inTransaction(session -> session.persist(new Room(ROOM, "daily", "Daily", "huddle", "ann", NOW)));
    }

    @AfterEach
    void close() {
        factory.close();
    }

    private void insert(String id, String hash, Integer maxUses) {
        factory.inTransaction(session -> session.persist(
                new Invite(id, ROOM, hash, Role.OBSERVER, maxUses, NOW.plusSeconds(60), "ann", NOW)));
    }

    private void sql(String statement) {
        factory.inTransaction(session -> session.createNativeMutationQuery(statement).executeUpdate());
    }

    @Test
    void invitesRoundTripWithLowerCaseRoleAndOptionalLimits() {
        factory.inTransaction(session -> session.persist(
                new Invite("i-1", ROOM, HASH, Role.PRESENTER, null, null, "ann", NOW)));

        factory.inSession(session -> {
            Object role = session.createNativeQuery("select role from invite", Object.class).getSingleResult();
            assertEquals("presenter", role);
            Invite invite = session.find(Invite.class, "i-1");
            assertEquals(Role.PRESENTER, invite.getRole());
            assertNull(invite.getMaxUses());
            assertNull(invite.getExpiresAt());
            assertEquals(0, invite.getUses());
            assertEquals(NOW, invite.getCreatedAt());
        });
    }

    @Test
    void twoInvitesCannotShareATokenHash() {
        insert("i-1", HASH, null);

        assertThrows(RuntimeException.class, () -> insert("i-2", HASH, null));
    }

    @Test
    void theDatabaseRefusesMoreUsesThanTheLimit() {
        insert("i-1", HASH, 2);
        sql("update invite set uses = 2 where id = 'i-1'");

        assertThrows(RuntimeException.class, () -> sql("update invite set uses = 3 where id = 'i-1'"));
        assertThrows(RuntimeException.class, () -> sql("update invite set role = 'owner' where id = 'i-1'"));
    }

    @Test
    void deletingTheRoomDeletesItsInvites() {
        insert("i-1", HASH, null);

        sql("delete from room where id = '" + ROOM + "'");

        factory.inSession(session -> assertEquals(0L,
                session.createNativeQuery("select count(*) from invite", Long.class).getSingleResult()));
    }
}
