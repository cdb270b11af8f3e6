package dev.roomkeeper.rooms.control;

import dev.roomkeeper.platform.control.Job;
import dev.roomkeeper.platform.control.Jobs;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.rooms.entity.IdleCandidate;
import dev.roomkeeper.rooms.entity.IdleSweepRun;
import dev.roomkeeper.rooms.entity.IdleSweepRunResponse;
import dev.roomkeeper.rooms.entity.InviteRefusal;
import dev.roomkeeper.rooms.entity.Room;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The idle-room sweep: closes open rooms nobody used for the inactivity window.
 * <ol>
 *     <li>The database names the candidates: open rooms whose persisted last activity is older than the
 *     window, through an index made for the query, {@value #PAGE} at a time (keyset paging).</li>
 *     <li>Each candidate is closed through {@link RoomDirectory#closeIf}, which locks its row and checks it
 *     again with every source of activity ({@link RoomActivity#idle}: the row read afresh, this node's
 *     pending touches, the engine's last event and presence, the last two shared by all nodes). A room busy
 *     on another node is therefore never closed, and of several nodes sweeping at once exactly one closes
 *     and announces each room.</li>
 *     <li>Closing is the ordinary path: {@code room.closed} on the stream, presence ended with reason
 *     {@code closed}, the room's stream released; the row stays, with its reason and
 *     {@code closed_by = system:idle-sweep}.</li>
 * </ol>
 * Each run is recorded ({@code idle_sweep_run}) and answered; runs older than
 * {@code roomkeeper.rooms.idle-sweep-retention} (default 30 days) are deleted at the end of every run. One
 * run at a time per node: the timer skips a turn, an admin gets 409. Runs of either trigger are runs of the
 * job {@code idle-room-sweep} ({@link Jobs}); a run that cannot be recorded is a failed one. A room that
 * cannot be checked or closed (engine unavailable, database error) is left open and counted as an error; the
 * next run tries again.
 */
@ApplicationScoped
public class IdleSweep {

    public static final String INTERVAL_KEY = "roomkeeper.rooms.idle-sweep-interval";
    static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(15);
    static final Duration MIN_INTERVAL = Duration.ofMinutes(1);
    static final Duration MAX_INTERVAL = Duration.ofHours(24);
    public static final String RETENTION_KEY = "roomkeeper.rooms.idle-sweep-retention";
    static final Duration DEFAULT_RETENTION = Duration.ofDays(30);
    static final Duration MIN_RETENTION = Duration.ofDays(1);
    static final Duration MAX_RETENTION = Duration.ofDays(365);
    static final int PAGE = 200;
    static final int MAX_SAMPLES = 5;

    private static final Logger LOG = Logger.getLogger(IdleSweep.class.getName());

    @Inject
    RoomDirectory directory;

    @Inject
    RoomActivity activity;

    @Inject
    IdleSweepRuns runs;

    @Inject
    Meters metrics;

    @Inject
    Jobs jobs;

    @Inject
    @ConfigProperty(name = INTERVAL_KEY, defaultValue = "PT15M")
    String intervalSetting;

    @Inject
    @ConfigProperty(name = RETENTION_KEY, defaultValue = "P30D")
    String retentionSetting;

    Clock clock = Clock.systemUTC();

    String node = nodeName();

    Duration interval = DEFAULT_INTERVAL;

    Duration retention = DEFAULT_RETENTION;

    private Job job;
    private final Map<IdleSweepRun.Trigger, Meters.Counter> runCounters = new EnumMap<>(IdleSweepRun.Trigger.class);
    private Meters.Counter examined;
    private Meters.Counter closed;
    private Meters.Counter errors;

    @PostConstruct
    void init() {
        interval = DurationSetting.read(INTERVAL_KEY, intervalSetting, DEFAULT_INTERVAL, MIN_INTERVAL, MAX_INTERVAL,
                LOG::warning);
        retention = DurationSetting.read(RETENTION_KEY, retentionSetting, DEFAULT_RETENTION, MIN_RETENTION,
                MAX_RETENTION, LOG::warning);
        for (IdleSweepRun.Trigger trigger : IdleSweepRun.Trigger.values()) {
            runCounters.put(trigger, metrics.counter("roomkeeper.rooms.idle.sweep.runs", "trigger", trigger.wireName()));
        }
        examined = metrics.counter("roomkeeper.rooms.idle.sweep.examined");
        closed = metrics.counter("roomkeeper.rooms.idle.sweep.closed");
        errors = metrics.counter("roomkeeper.rooms.idle.sweep.errors");
        job = jobs.register("idle-room-sweep", interval);
    }

    /**
     * Runs the sweep now and answers its record.
     *
     * @param triggeredBy the admin who asked, or null for the timer
     * @throws dev.roomkeeper.platform.control.ProblemException 409 {@code sweep-running} when a run is going on on
     *                                                          this node; 503 when the run cannot be recorded
     */
    public IdleSweepRunResponse run(IdleSweepRun.Trigger trigger, String triggeredBy) {
        return runUnlessRunning(trigger, triggeredBy).orElseThrow(RoomProblems::sweepRunning);
    }

    /** Runs the sweep now, or answers empty when a run is going on on this node (the timer's turn is skipped). */
    public Optional<IdleSweepRunResponse> runUnlessRunning(IdleSweepRun.Trigger trigger, String triggeredBy) {
        return job.call(run -> sweep(trigger, triggeredBy));
    }

    /** How often the timer runs the sweep on each node. */
    public Duration interval() {
        return interval;
    }

    /** What a run closes rooms with: "idle: no activity for over 1 hour". */
    String reason() {
        return "idle: no activity for over " + InviteRefusal.inWords(activity.window());
    }

    private IdleSweepRunResponse sweep(IdleSweepRun.Trigger trigger, String triggeredBy) {
        long begin = System.nanoTime();
        Instant started = now();
        Duration window = activity.window();
        IdleSweepRun run = new IdleSweepRun(node, trigger, triggeredBy, window, started);
        try {
            runs.start(run);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e, () -> "idle sweep could not start: its run cannot be recorded");
            throw RoomProblems.sweepUnavailable();
        }
        runCounters.get(trigger).inc();
        Tally tally = new Tally();
        try {
            closeIdle(started.minus(window), reason(), tally);
        } catch (RuntimeException e) {
            // the candidates could not be read: what was done is recorded, the next run goes on
            tally.failed("candidates", e);
        }
        long nanos = System.nanoTime() - begin;
        run.finish(now(), nanos / 1_000_000, tally.examined, tally.closed, tally.errors, String.join("; ", tally.samples));
        try {
            runs.save(run);
            runs.prune(started.minus(retention));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e, () -> "idle sweep run " + run.getId() + " ended but could not be recorded");
        }
        examined.inc(tally.examined);
        closed.inc(tally.closed);
        errors.inc(tally.errors);
        LOG.log(tally.errors > 0 ? Level.WARNING : tally.closed > 0 ? Level.INFO : Level.FINE,
                () -> "idle sweep (" + trigger.wireName() + ") examined " + tally.examined + " rooms, closed "
                        + tally.closed + ", errors " + tally.errors + " in " + nanos / 1_000_000 + " ms");
        return run.toResponse();
    }

    private void closeIdle(Instant cutoff, String reason, Tally tally) {
        IdleCandidate after = null;
        while (true) {
            List<IdleCandidate> page = directory.idleCandidates(cutoff, after, PAGE);
            for (IdleCandidate candidate : page) {
                tally.examined++;
                try {
                    if (directory.closeIf(candidate.id(), reason, Room.CLOSED_BY_IDLE_SWEEP, activity::idle).isPresent()) {
                        tally.closed++;
                    }
                } catch (RuntimeException e) {
                    tally.failed(candidate.id(), e);
                }
            }
            if (page.size() < PAGE) {
                return;
            }
            after = page.get(page.size() - 1);
        }
    }

    private Instant now() {
        // the database keeps microseconds; answer with what will be read back
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static String nodeName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        String name = host + "/" + ProcessHandle.current().pid();
        return name.length() <= 128 ? name : name.substring(name.length() - 128);
    }

    /** What one run did. */
    private static final class Tally {
        int examined;
        int closed;
        int errors;
        final List<String> samples = new ArrayList<>();

        void failed(String what, RuntimeException e) {
            errors++;
            if (samples.size() < MAX_SAMPLES) {
                samples.add(what + ": " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : " " + e.getMessage().lines().findFirst().orElse("")));
            }
            LOG.log(Level.WARNING, e, () -> "idle sweep: " + what + " failed; it is left as it is for the next run");
        }
    }
}
