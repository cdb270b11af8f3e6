package dev.roomkeeper.watch.control;

import dev.roomkeeper.rooms.TestDatabase;
import dev.roomkeeper.rooms.entity.Membership;
import dev.roomkeeper.rooms.entity.Room;
import dev.roomkeeper.watch.entity.CreditRow;
import dev.roomkeeper.watch.entity.CreditsResponse;
import dev.roomkeeper.watch.entity.RoomCreditResponse;
import dev.roomkeeper.watch.entity.WatchCredit;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The credit writes and reads on the migrated schema (V6), H2 here; the PostgreSQL IT runs the same. */
class WatchCreditsTest {

    static final String ROOM = "11111111-1111-4111-8111-111111111111";
    static final String OTHER = "22222222-2222-4222-8222-222222222222";
    static final Instant T = Instant.parse("2026-01-01T10:00:00Z");

    SessionFactory factory;
    Session session;
    final WatchCredits credits = new WatchCredits();

    String databaseUrl() {
        return TestDatabase.migrated();
    }

    @BeforeEach
    void open() {
        factory = TestDatabase.sessionFactory(databaseUrl(), Room.class, Membership.class, WatchCredit.class);
        factory.inTransaction(s -> {
            s.persist(new Room(ROOM, "daily", "Daily", "huddle", "ann", T));
            s.persist(new Room(OTHER, "other", "Other", "huddle", "ann", T));
        });
        session = factory.openSession();
        credits.em = session;
    }

    @AfterEach
    void close() {
        session.close();
        factory.close();
    }

    private int write(CreditRow... rows) {
        session.beginTransaction();
        int changed = credits.write(List.of(rows));
        session.getTransaction().commit();
        session.clear();
        return changed;
    }

    private static CreditRow row(String room, String user, String run, long ms, long atOffsetMs) {
        return new CreditRow(room, user, run, ms, T.toEpochMilli(), T.toEpochMilli() + atOffsetMs);
    }

    @Test
    void aRunIsWrittenOnceAndOnlyRaisedSoRepeatedAndOlderReadingsChangeNothing() {
        assertEquals(1, write(row(ROOM, "bob", "r1", 30_000, 30_000)));
        assertEquals(1, write(row(ROOM, "bob", "r1", 60_000, 60_000)));
        assertEquals(0, write(row(ROOM, "bob", "r1", 60_000, 61_000)), "the same reading again (a retried batch)");
        assertEquals(0, write(row(ROOM, "bob", "r1", 45_000, 62_000)), "an older reading (another node's, late)");
        assertEquals(Map.of("bob", Map.of("r1", 60_000L)), credits.ofRoom(ROOM));
    }

    @Test
    void aUsersCreditIsTheSumOfItsRunsPerRoomAndInTotal() {
        write(row(ROOM, "bob", "r1", 60_999, 60_000), row(ROOM, "bob", "r2", 30_001, 90_000),
                row(OTHER, "bob", "r3", 5_000, 10_000), row(ROOM, "carol", "r4", 7_000, 10_000));
        CreditsResponse bob = credits.ofUser("bob");
        assertEquals(96, bob.totalSeconds());
        assertEquals(List.of(new RoomCreditResponse(ROOM, 91, T.plusSeconds(90)),
                new RoomCreditResponse(OTHER, 5, T.plusSeconds(10))), bob.rooms());
        assertEquals(new CreditsResponse("nobody", 0, List.of()), credits.ofUser("nobody"));
        assertEquals(Map.of("bob", Map.of("r1", 60_999L, "r2", 30_001L), "carol", Map.of("r4", 7_000L)), credits.ofRoom(ROOM));
    }

    @Test
    void aRunIsUniqueAndGoesWithItsRoom() {
        factory.inTransaction(s -> s.persist(new WatchCredit(ROOM, "bob", "r1", 1, T, T)));
        assertThrows(RuntimeException.class, () -> factory.inTransaction(s -> s.persist(new WatchCredit(ROOM, "bob", "r1", 2, T, T))));
        assertThrows(RuntimeException.class, () -> factory.inTransaction(s -> s.persist(
                new WatchCredit("33333333-3333-4333-8333-333333333333", "bob", "r1", 2, T, T))));
        factory.inTransaction(s -> s.createNativeMutationQuery("delete from room").executeUpdate());
        assertEquals(Map.of(), credits.ofRoom(ROOM));
    }
}
