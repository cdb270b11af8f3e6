package dev.roomkeeper.rooms.control;

import dev.roomkeeper.platform.control.Backlogs;
import dev.roomkeeper.platform.control.DatabaseAvailability;
import dev.roomkeeper.platform.control.DatabaseProbe;
import dev.roomkeeper.platform.control.Jobs;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.engine.memory.MemoryStreamBroker;
import dev.roomkeeper.engine.memory.MemoryPresenceStore;
import dev.roomkeeper.engine.entity.EngineSettings;
import dev.roomkeeper.presence.control.PresenceStore;
import dev.roomkeeper.rooms.TestDatabase;
import dev.roomkeeper.rooms.entity.IdleCandidate;
import dev.roomkeeper.rooms.entity.IdleSweepRun;
import dev.roomkeeper.rooms.entity.Room;
import dev.roomkeeper.rooms.entity.RoomChange;
import dev.roomkeeper.rooms.entity.RoomResponse;
import dev.roomkeeper.testing.MutableClock;
import org.hibernate.Session;
import org.hibernate.SessionFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The rooms control beans built by hand over a migrated H2 database, sharing one session as the
 * container's transaction-scoped persistence context would within a transaction, with a real in-process
 * engine and presence store beside them. Time is a clock the test moves.
 */
class Rooms implements AutoCloseable {

    final SessionFactory factory;
    final Session session;
    final RecordingEvent<RoomChange> changes = new RecordingEvent<>();
    final RoomDirectory directory = new RoomDirectory();
    final Memberships memberships = new Memberships();
    final RoomAccess access = new RoomAccess();
    final Meters metrics = Meters.inMemory();
    final ActivityWriter writer = new ActivityWriter();
    final RoomTouches touches = new RoomTouches();
    final RoomActivity activity = new RoomActivity();
    final Invites invites = new Invites();
    final MutableClock clock;
    final MemoryStreamBroker engine;
    final PresenceStore presence;
    private final boolean ownsFactory;

    Rooms() {
        this(TestDatabase.migrated());
    }

    /** The beans over the migrated database at {@code url} (H2 or PostgreSQL). */
    Rooms(String url) {
        this(TestDatabase.rooms(url), true, new MutableClock(Instant.parse("2025-03-01T10:00:00Z")), null, null);
    }

    /**
     * @param engine   null for a new one (with its presence store) on {@code clock}
     */
    private Rooms(SessionFactory factory, boolean ownsFactory, MutableClock clock, MemoryStreamBroker engine,
                  PresenceStore presence) {
        this.factory = factory;
        this.ownsFactory = ownsFactory;
        this.clock = clock;
        this.engine = engine != null ? engine
                : new MemoryStreamBroker(new EngineSettings(100, Duration.ofMinutes(15), Duration.ofHours(24), clock));
        this.presence = presence != null ? presence : new MemoryPresenceStore(this.engine, clock);
        this.session = factory.openSession();
        session.doWork(connection -> {
            if (connection.getMetaData().getURL().startsWith("jdbc:h2:")) {
                // H2 gives up on a row lock after 1 s by default; a loaded machine can hold one longer
                connection.createStatement().execute("SET LOCK_TIMEOUT 20000");
            }
        });
        directory.em = session;
        directory.changes = changes;
        memberships.em = session;
        memberships.rooms = directory;
        memberships.changes = changes;
        access.rooms = directory;
        access.memberships = memberships;
        access.ttl = Duration.ZERO;
        access.metrics = metrics;
        access.database = new DatabaseAvailability(metrics, new DatabaseProbe(), Duration.ofSeconds(2), System::nanoTime);
        access.countCache();
        writer.em = session;
        touches.writer = writer;
        touches.metrics = metrics;
        touches.jobs = new Jobs(metrics, clock);
        touches.backlogs = new Backlogs(metrics, clock);
        touches.init();
        activity.stream = this.engine;
        activity.presence = this.presence;
        activity.touches = touches;
        activity.writer = writer;
        invites.em = session;
        invites.rooms = directory;
        invites.access = access;
        invites.memberships = memberships;
        invites.activity = activity;
        directory.clock = clock;
        memberships.clock = clock;
        activity.clock = clock;
        invites.clock = clock;
    }

    /**
     * The beans of another node over the same database, with a session (a connection) and pending touches of
     * their own, sharing this one's clock, engine and presence, as nodes sharing one Redis do.
     */
    Rooms another() {
        return new Rooms(factory, false, clock, engine, presence);
    }

    /** Moves the beans' clock on, so creation order is visible in timestamps. */
    void tick(Duration by) {
        clock.advance(by);
    }

    Instant now() {
        return clock.instant();
    }

    /**
     * The idle sweep over these beans, each of its database calls in a transaction of its own as the
     * {@code @Transactional} interceptor runs them in the server.
     */
    IdleSweep sweep() {
        RoomDirectory transactional = new RoomDirectory() {
            @Override
            public List<IdleCandidate> idleCandidates(Instant cutoff, IdleCandidate after, int limit) {
                return tx(() -> super.idleCandidates(cutoff, after, limit));
            }

            @Override
            public Optional<RoomResponse> closeIf(String roomId, String reason, String closedBy,
                                                  Predicate<Room> stillToClose) {
                return tx(() -> super.closeIf(roomId, reason, closedBy, stillToClose));
            }
        };
        transactional.em = session;
        transactional.changes = changes;
        transactional.clock = clock;
        IdleSweepRuns runs = new IdleSweepRuns() {
            @Override
            public void start(IdleSweepRun run) {
                Rooms.this.run(() -> super.start(run));
            }

            @Override
            public void save(IdleSweepRun run) {
                Rooms.this.run(() -> super.save(run));
            }

            @Override
            public int prune(Instant before) {
                return tx(() -> super.prune(before));
            }
        };
        runs.em = session;
        IdleSweep sweep = new IdleSweep();
        sweep.directory = transactional;
        sweep.activity = activity;
        sweep.runs = runs;
        sweep.metrics = metrics;
        sweep.jobs = new Jobs(metrics, clock);
        sweep.clock = clock;
        sweep.node = "node-" + System.identityHashCode(this);
        sweep.init();
        return sweep;
    }

    /** Whether the room (by id) is idle now, by every source of activity. */
    boolean idle(String roomId) {
        return tx(() -> activity.idle(directory.lookup(roomId).orElseThrow()));
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
            engine.close();
        }
        if (ownsFactory) {
            factory.close();
        }
    }
}
