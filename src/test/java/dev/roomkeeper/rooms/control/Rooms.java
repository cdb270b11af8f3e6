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

    final SessionFactory factory;
    final Session session;
    final RecordingEvent<RoomChange> changes = new RecordingEvent<>();
    final RoomDirectory directory = new RoomDirectory();
    final Memberships memberships = new Memberships();
    final RoomAccess access = new RoomAccess();
    final TouchedRooms touched = new TouchedRooms();
    final StoredRoomActivity stored = new StoredRoomActivity();
    final RoomActivity activity = new RoomActivity();
    final Invites invites = new Invites();
    private final boolean ownsFactory;
    private Instant now = Instant.parse("2025-03-01T10:00:00Z");

    Rooms() {
        this(TestDatabase.rooms(), true);
    }

    private Rooms(SessionFactory factory, boolean ownsFactory) {
        this.factory = factory;
        this.ownsFactory = ownsFactory;
        this.session = factory.openSession();
        directory.em = session;
        directory.changes = changes;
        memberships.em = session;
        memberships.rooms = directory;
        memberships.changes = changes;
        access.rooms = directory;
        access.memberships = memberships;
        access.ttl = Duration.ZERO;
        stored.rooms = directory;
        activity.sources = new Beans<>(stored, touched);
        activity.touched = touched;
        invites.em = session;
        invites.rooms = directory;
        invites.access = access;
        invites.memberships = memberships;
        invites.activity = activity;
        tick(Duration.ZERO);
    }

    /** The beans again over the same database, with a session (a connection) of their own. */
    Rooms another() {
        Rooms other = new Rooms(factory, false);
        other.now = now;
        other.tick(Duration.ZERO);
        return other;
    }

    /** Moves the beans' clock on, so creation order is visible in timestamps. */
    void tick(Duration by) {
        now = now.plus(by);
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        directory.clock = clock;
        memberships.clock = clock;
        touched.clock = clock;
        activity.clock = clock;
        invites.clock = clock;
    }

    Instant now() {
        return now;
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

    /** Same as {@link #tx(Supplier)}, for work that answers nothing. */
    void run(Runnable work) {
        tx(() -> {
            work.run();
            return null;
        });
    }

    @Override
    public void close() {
        session.close();
        if (ownsFactory) {
            factory.close();
        }
    }
}
