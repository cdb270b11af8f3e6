package dev.roomkeeper.rooms.control;

import dev.roomkeeper.rooms.TestDatabase;
import dev.roomkeeper.rooms.entity.RoomChange;
import org.hibernate.Session;
import org.hibernate.SessionFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.function.Supplier;

/**
 * The rooms control beans built by hand over a migrated H2 database, sharing one session as the
 * container's transaction-scoped persistence context would within a transaction.
 */
class Rooms implements AutoCloseable {

    final SessionFactory factory = TestDatabase.rooms();
    final Session session = factory.openSession();
    final RecordingEvent<RoomChange> changes = new RecordingEvent<>();
    final RoomDirectory directory = new RoomDirectory();
    final Memberships memberships = new Memberships();
    private Instant now = Instant.parse("2025-03-01T10:00:00Z");

    Rooms() {
        directory.em = session;
        directory.changes = changes;
        memberships.em = session;
        memberships.rooms = directory;
        memberships.changes = changes;
        tick(Duration.ZERO);
    }

    /** Moves the beans' clock on, so creation order is visible in timestamps. */
    void tick(Duration by) {
        now = now.plus(by);
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        directory.clock = clock;
        memberships.clock = clock;
    }

    /** Runs {@code work} in a transaction, as the @Transactional interceptor would: rolled back when it throws. */
    <T> T tx(Supplier<T> work) {
        session.getTransaction().begin();
        try {
            T result = work.get();
            session.getTransaction().commit();
            return result;
        } catch (RuntimeException e) {
            if (session.getTransaction().isActive()) {
                session.getTransaction().rollback();
            }
            throw e;
        } finally {
            session.clear();
        }
    }

    @Override
    public void close() {
        session.close();
        factory.close();
    }
}
