package dev.roomkeeper.rooms.control;

import dev.roomkeeper.platform.control.Backlogs;
import dev.roomkeeper.platform.control.DatabaseFailure;
import dev.roomkeeper.platform.control.Job;
import dev.roomkeeper.platform.control.Jobs;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.rooms.entity.RoomChange;
import dev.roomkeeper.stream.entity.RoomTouched;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Activity seen on this node and not yet written to the database: one entry per room, the latest touch
 * (epoch ms). Touching is a map update, never a database write, however often it happens (every event
 * published here, every presence change and heartbeat). {@link #flush()} writes them all in batches of
 * {@value #BATCH}, with the monotonic UPDATE of {@link ActivityWriter}, every
 * {@code roomkeeper.rooms.activity-flush-interval} (an EJB timer, {@code ActivityFlusher}) and when the
 * application stops; each flush is a run of the job {@code activity-flush} ({@link Jobs}), failed when a batch
 * fails. An entry leaves the map only once written (unless touched again meanwhile), so a
 * failed flush loses nothing: the next one retries.
 * <p>
 * The map holds at most one entry per room touched since the last successful flush, and at most
 * {@code roomkeeper.rooms.activity-pending-max} rooms (default 100,000): while the database is unavailable, every
 * flush fails at once (the availability gate refuses it) and the map keeps what it holds, taking further touches of
 * the rooms in it and of new rooms up to that bound; beyond it, touches of new rooms are dropped, counted
 * ({@code roomkeeper.rooms.activity.dropped}) and logged at most once a minute. The next flush after the database is
 * back writes everything kept, so no room's activity is lost to an outage (and a room active during it is not
 * closed as idle: the idle sweep also asks the engine and presence). The map is the backlog {@code room-activity}
 * ({@link Backlogs}). A closed room's entry is dropped when the room is released.
 */
@ApplicationScoped
public class RoomTouches {

    public static final String FLUSH_KEY = "roomkeeper.rooms.activity-flush-interval";
    public static final String PENDING_MAX_KEY = "roomkeeper.rooms.activity-pending-max";
    static final int DEFAULT_PENDING_MAX = 100_000;
    static final long WARN_EVERY_MILLIS = 60_000;
    static final Duration DEFAULT_FLUSH = Duration.ofSeconds(30);
    static final Duration MIN_FLUSH = Duration.ofSeconds(1);
    static final Duration MAX_FLUSH = Duration.ofMinutes(10);
    static final int BATCH = 500;

    private static final Logger LOG = Logger.getLogger(RoomTouches.class.getName());

    @Inject
    ActivityWriter writer;

    @Inject
    Meters metrics;

    @Inject
    Jobs jobs;

    @Inject
    Backlogs backlogs;

    @Inject
    @ConfigProperty(name = PENDING_MAX_KEY, defaultValue = "100000")
    int pendingMax = DEFAULT_PENDING_MAX;

    @Inject
    @ConfigProperty(name = FLUSH_KEY, defaultValue = "PT30S")
    String flushSetting;

    Duration flushInterval = DEFAULT_FLUSH;

    private final Map<String, Long> pending = new ConcurrentHashMap<>();
    private final ReentrantLock flushing = new ReentrantLock();
    private Job job;
    private Meters.Counter written;
    private Meters.Counter dropped;
    private final AtomicLong droppedSinceWarning = new AtomicLong();
    private final AtomicLong lastWarning = new AtomicLong(Long.MIN_VALUE);
    /** Since when flushes have been failing (epoch ms); 0 while they succeed. */
    private volatile long retryingSince;

    @PostConstruct
    void init() {
        flushInterval = DurationSetting.read(FLUSH_KEY, flushSetting, DEFAULT_FLUSH, MIN_FLUSH, MAX_FLUSH, LOG::warning);
        if (pendingMax < 1) {
            int given = pendingMax;
            pendingMax = DEFAULT_PENDING_MAX;
            LOG.warning(() -> PENDING_MAX_KEY + " must be at least 1, not " + given + "; using " + DEFAULT_PENDING_MAX);
        }
        written = metrics.counter("roomkeeper.rooms.activity.written");
        dropped = metrics.counter("roomkeeper.rooms.activity.dropped");
        metrics.gauge("roomkeeper.rooms.activity.pending", pending, Map::size);
        job = jobs.register("activity-flush", flushInterval);
        backlogs.register("room-activity", pendingMax, pending::size, () -> retryingSince);
    }

    /** How often the flusher runs. */
    public Duration flushInterval() {
        return flushInterval;
    }

    /** Activity another feature saw on this node (an event published, a session kept alive). */
    void onTouched(@Observes RoomTouched touched) {
        touch(touched.roomId(), touched.at());
    }

    /**
     * Records activity in a room at {@code atMillis}; an earlier touch than the one pending changes nothing. A touch
     * of a room not pending yet is dropped (and counted) while {@code roomkeeper.rooms.activity-pending-max} rooms
     * are pending. Never blocks, never throws.
     */
    public void touch(String roomId, long atMillis) {
        if (roomId == null) {
            return;
        }
        if (pending.size() >= pendingMax && !pending.containsKey(roomId)) {
            drop();
            return;
        }
        pending.merge(roomId, atMillis, Math::max);
    }

    private void drop() {
        dropped.inc();
        droppedSinceWarning.incrementAndGet();
        long now = System.currentTimeMillis();
        long last = lastWarning.get();
        if ((last == Long.MIN_VALUE || now - last >= WARN_EVERY_MILLIS) && lastWarning.compareAndSet(last, now)) {
            long count = droppedSinceWarning.getAndSet(0);
            LOG.warning(() -> "dropped the activity of " + count + " rooms: " + pendingMax + " rooms' activity is waiting"
                    + " to be written (" + PENDING_MAX_KEY + "); see roomkeeper.rooms.activity.dropped");
        }
    }

    /** This node's activity in the room that is not written yet. */
    public Optional<Instant> pending(String roomId) {
        Long at = roomId == null ? null : pending.get(roomId);
        return at == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(at));
    }

    /** Rooms with activity waiting to be written. */
    public int size() {
        return pending.size();
    }

    /**
     * Writes what is pending, unless a flush is already running (it writes it). Never throws: a failed batch
     * is counted, logged, and stays pending.
     *
     * @return how many rooms' stored last activity moved forward
     */
    public int flush() {
        if (!flushing.tryLock()) {
            return 0;
        }
        try {
            return flushPending();
        } finally {
            flushing.unlock();
        }
    }

    /**
     * Writes what is pending before the application goes away, waiting for a running flush first. Runs before
     * the application's beans are destroyed (not in {@code @PreDestroy}: by then the writer's persistence
     * context may already be gone, and a write would fail).
     */
    void beforeShutdown(@Observes @BeforeDestroyed(ApplicationScoped.class) Object application) {
        flushOnShutdown();
    }

    void flushOnShutdown() {
        flushing.lock();
        try {
            int pendingRooms = pending.size();
            int moved = flushPending();
            LOG.info(() -> "shutting down: wrote the activity of " + pendingRooms + " rooms (" + moved + " moved forward, "
                    + pending.size() + " left unwritten)");
        } finally {
            flushing.unlock();
        }
    }

    /** A closed room needs no activity: its pending touch is dropped once the room is released. */
    void onChange(@Observes(during = TransactionPhase.AFTER_SUCCESS) @Priority(RoomChange.RELEASE) RoomChange change) {
        if (change instanceof RoomChange.Closed closed) {
            pending.remove(closed.roomId());
        }
    }

    /** Under {@link #flushing}: one run of the job (never skipped, runs never overlap). */
    private int flushPending() {
        return job.call(this::writePending).orElse(0);
    }

    private int writePending(Job.Run run) {
        int moved = 0;
        List<Map.Entry<String, Long>> all = new ArrayList<>(pending.size());
        pending.forEach((room, at) -> all.add(Map.entry(room, at)));
        for (int from = 0; from < all.size(); from += BATCH) {
            List<Map.Entry<String, Long>> chunk = all.subList(from, Math.min(all.size(), from + BATCH));
            try {
                moved += writer.write(chunk.stream()
                        .map(e -> new ActivityWriter.Touch(e.getKey(), Instant.ofEpochMilli(e.getValue()))).toList());
            } catch (RuntimeException e) {
                run.failed();
                int left = all.size() - from;
                if (DatabaseFailure.of(e).isPresent()) {
                    boolean first = retryingSince == 0;
                    if (first) {
                        retryingSince = System.currentTimeMillis();
                    }
                    LOG.log(first ? Level.WARNING : Level.FINE, () -> "could not write the activity of " + left
                            + " rooms: the database is unavailable (" + DatabaseFailure.describe(e) + "); keeping it and"
                            + " retrying every " + flushInterval + " (see roomkeeper_backlog_retrying_seconds"
                            + "{backlog=\"room-activity\"})");
                } else {
                    LOG.log(Level.WARNING, e, () -> "could not write the activity of " + left + " rooms; retrying in "
                            + flushInterval + " (see roomkeeper_job_failures_total{job=\"activity-flush\"})");
                }
                written.inc(moved);
                return moved;
            }
            // only what is unchanged since it was read: a newer touch stays for the next flush
            chunk.forEach(e -> pending.remove(e.getKey(), e.getValue()));
        }
        if (retryingSince != 0) {
            long since = retryingSince;
            retryingSince = 0;
            LOG.info(() -> "wrote the room activity kept since the database became unavailable "
                    + (System.currentTimeMillis() - since) + " ms ago");
        }
        written.inc(moved);
        return moved;
    }
}
