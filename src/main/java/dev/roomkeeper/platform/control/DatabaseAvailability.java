package dev.roomkeeper.platform.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.interceptor.InvocationContext;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Whether this node may use the database now, so that an outage costs each caller nothing but a 503, not a
 * wait. Every database-backed bean runs its calls through {@link #call} (beans marked {@link DatabaseCall}):
 * <ul>
 *     <li>a call that fails because the database is unreachable ({@link DatabaseFailure#UNREACHABLE}) marks it
 *     <b>down</b>; from then on calls are refused at once with the 503 {@link DatabaseUnavailableException}, without
 *     touching the pool;</li>
 *     <li>once {@code roomkeeper.db.unavailable-backoff} (default {@code PT2S}) has passed since it went down (or
 *     since the last failed probe), the next call starts a {@link DatabaseProbe} in the background and is refused
 *     as well: only the probe's own thread ever waits on a database that is down or frozen. When the probe gets an
 *     answer the database is <b>up</b> again and calls go through; when not, another back-off starts;</li>
 *     <li>a call that timed out ({@link DatabaseFailure#TIMED_OUT}: statement or lock timeout) fails that call with
 *     the same 503, but does not mark the database down: it answered.</li>
 * </ul>
 * Calls made within a call (a bean calling another inside its transaction) go through as part of the outer one.
 * Callers that can do without the database (the access cache) ask {@link #available()} and {@link #slow()}.
 * <p>
 * Metrics: {@code roomkeeper.db.available} (gauge, 1 or 0), {@code roomkeeper.db.outages} (times it went down),
 * {@code roomkeeper.db.failures{kind=unreachable|timed-out}} (calls that failed so), {@code roomkeeper.db.refused}
 * (calls refused while down, without trying).
 */
@ApplicationScoped
public class DatabaseAvailability {

    public static final String BACKOFF_KEY = "roomkeeper.db.unavailable-backoff";
    /** No call finished for this long while one is going on: the database is slow, or frozen. */
    static final Duration SLOW_AFTER = Duration.ofSeconds(1);
    static final Duration MIN_BACKOFF = Duration.ofMillis(100);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
    /** A probe going on for longer is stuck: the connection's timeouts (seconds each) would have ended it. */
    static final Duration PROBE_LIMIT = Duration.ofSeconds(30);

    private static final Logger LOG = Logger.getLogger(DatabaseAvailability.class.getName());

    @Inject
    Meters metrics;

    @Inject
    DatabaseProbe probe;

    @Inject
    @ConfigProperty(name = BACKOFF_KEY, defaultValue = "PT2S")
    Duration backoff;

    /** Monotonic nanoseconds; tests move their own. */
    LongSupplier nanos = System::nanoTime;

    private volatile boolean down;
    /** When the back-off ends (on {@link #nanos}), while down. */
    private volatile long downUntil;
    private volatile long downSince;
    /** When the probe in flight started (on {@link #nanos}). */
    private volatile long checkingSince;
    private final AtomicReference<CompletableFuture<DatabaseProbe.Result>> checking = new AtomicReference<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong lastProgress = new AtomicLong();
    /** How deep the calling thread is in calls (nested calls are part of the outer one). */
    private final ThreadLocal<int[]> depth = ThreadLocal.withInitial(() -> new int[1]);
    private final Map<DatabaseFailure, Meters.Counter> failures = new ConcurrentHashMap<>();
    private Meters.Counter refused;
    private Meters.Counter outages;

    /** For CDI. */
    public DatabaseAvailability() {
    }

    /**
     * An availability gate built by hand (tests, tools): counted in {@code metrics}, probing with {@code probe},
     * on the monotonic clock {@code nanos}.
     */
    public DatabaseAvailability(Meters metrics, DatabaseProbe probe, Duration backoff, LongSupplier nanos) {
        this.metrics = metrics;
        this.probe = probe;
        this.backoff = backoff;
        this.nanos = nanos;
        init();
    }

    @PostConstruct
    void init() {
        if (backoff == null || backoff.compareTo(MIN_BACKOFF) < 0 || backoff.compareTo(MAX_BACKOFF) > 0) {
            Duration given = backoff;
            backoff = Duration.ofSeconds(2);
            LOG.warning(() -> BACKOFF_KEY + " must be from " + MIN_BACKOFF + " to " + MAX_BACKOFF + ", not " + given
                    + "; using " + backoff);
        }
        for (DatabaseFailure kind : DatabaseFailure.values()) {
            failures.put(kind, metrics.counter("roomkeeper.db.failures", "kind", wireName(kind)));
        }
        refused = metrics.counter("roomkeeper.db.refused");
        outages = metrics.counter("roomkeeper.db.outages");
        metrics.gauge("roomkeeper.db.available", this, availability -> availability.down ? 0 : 1);
    }

    /** What a work item may throw: the interceptor's {@code proceed()} throws checked exceptions. */
    @FunctionalInterface
    interface Work<T> {
        T run() throws Exception;
    }

    /**
     * Runs {@code work} against the database unless it is down.
     *
     * @throws DatabaseUnavailableException 503, at once while the database is down, or when {@code work} failed
     *                                      because it is unreachable or did not answer in time
     */
    public <T> T call(Supplier<T> work) {
        try {
            return guard(work::get);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e); // a Supplier throws no checked exception
        }
    }

    /** {@link #call} for work without a result. */
    public void run(Runnable work) {
        call(() -> {
            work.run();
            return null;
        });
    }

    /** The interceptor's way in ({@link DatabaseCallInterceptor}). */
    Object intercept(InvocationContext invocation) throws Exception {
        return guard(invocation::proceed);
    }

    private <T> T guard(Work<T> work) throws Exception {
        int[] level = depth.get();
        if (level[0] > 0) {
            level[0]++;
            try {
                return work.run();
            } finally {
                level[0]--;
            }
        }
        if (down) {
            depth.remove();
            refused.inc();
            probeIfDue();
            throw unavailable(DatabaseFailure.UNREACHABLE);
        }
        level[0] = 1;
        if (inFlight.getAndIncrement() == 0) {
            lastProgress.set(nanos.getAsLong());
        }
        try {
            T result = work.run();
            if (down) {
                succeeded(); // a call that began before the outage was noticed: the database answers after all
            }
            return result;
        } catch (Exception | Error e) {
            Optional<DatabaseFailure> kind = DatabaseFailure.of(e);
            if (kind.isEmpty()) {
                throw e; // the database answered: a refusal or a bug, not an outage
            }
            failures.get(kind.get()).inc();
            if (kind.get() == DatabaseFailure.UNREACHABLE) {
                markDown(DatabaseFailure.describe(e));
            }
            throw e instanceof DatabaseUnavailableException known ? known : unavailable(kind.get());
        } finally {
            level[0] = 0;
            depth.remove();
            inFlight.decrementAndGet();
            lastProgress.set(nanos.getAsLong());
        }
    }

    /** True on a thread inside a call (a database-backed bean's, with its transaction). */
    public boolean inCall() {
        int[] level = depth.get();
        if (level[0] == 0) {
            depth.remove();
            return false;
        }
        return true;
    }

    /**
     * Whether calls are let through now: false while the database is down (calls are refused until a probe
     * finds it answering again).
     */
    public boolean available() {
        return !down;
    }

    /**
     * While the database is down and the back-off is over, starts the background probe (unless one is going on):
     * for callers that answer from memory instead of calling, so that the database is found again all the same.
     */
    public void probeIfDue() {
        if (down && nanos.getAsLong() - downUntil >= 0) {
            check();
        }
    }

    /**
     * True when a call has been going on for {@link #SLOW_AFTER} (a second) with no call finishing meanwhile: the
     * database is slow or frozen, though no call has failed yet. Callers with something to fall back on use it.
     */
    public boolean slow() {
        return inFlight.get() > 0 && nanos.getAsLong() - lastProgress.get() > SLOW_AFTER.toNanos();
    }

    /**
     * Asks the database, on the probe's thread, unless a probe is going on already (then its outcome is
     * answered). The outcome marks the database up or down: an outage, or an invalid connection, is down; anything
     * else is up, a probe that fails for a reason of its own included, so that a probe that cannot work never keeps
     * a working database refused: the calls themselves find out.
     */
    public CompletableFuture<DatabaseProbe.Result> check() {
        CompletableFuture<DatabaseProbe.Result> running = checking.get();
        long now = nanos.getAsLong();
        if (running != null && !running.isDone()) {
            if (now - checkingSince < PROBE_LIMIT.toNanos()) {
                return running;
            }
            // longer than any connection timeout allows: its thread is stuck or never ran; give up on it
            LOG.warning(() -> "the database probe has not ended for " + PROBE_LIMIT + "; starting another");
            probe.abandon();
            running.complete(DatabaseProbe.Result.down("stuck", DatabaseFailure.UNREACHABLE));
        }
        CompletableFuture<DatabaseProbe.Result> next = new CompletableFuture<>();
        if (!checking.compareAndSet(running, next)) {
            CompletableFuture<DatabaseProbe.Result> other = checking.get();
            return other == null ? next : other;
        }
        checkingSince = now;
        if (down) {
            // while the probe runs, calls are refused without starting another one
            downUntil = now + backoff.toNanos();
        }
        CompletableFuture<DatabaseProbe.Result> started;
        try {
            started = probe.start();
        } catch (RuntimeException | Error e) {
            // the probe bean cannot even be made yet (a health check during deployment): no answer this time
            LOG.log(Level.FINE, "cannot start a database probe", e);
            next.complete(DatabaseProbe.Result.down(e.getClass().getSimpleName(), null));
            return next;
        }
        started.whenComplete((result, error) -> {
            DatabaseProbe.Result outcome = result != null ? result
                    : DatabaseProbe.Result.down(error == null ? "no result" : error.getClass().getSimpleName(), null);
            if (outcome.failure() == DatabaseFailure.UNREACHABLE) {
                markDown("probe: " + outcome.error());
            } else {
                // it answered, or the probe failed for a reason of its own: calls go through and find out
                succeeded();
            }
            next.complete(outcome);
        });
        return next;
    }

    /**
     * The 503 for {@code kind}, with {@code Retry-After}: the rest of the back-off while down (at least a second),
     * else the back-off.
     */
    public DatabaseUnavailableException unavailable(DatabaseFailure kind) {
        return new DatabaseUnavailableException(kind, retryAfterSeconds());
    }

    /** Seconds a caller refused now should wait before trying again. */
    public int retryAfterSeconds() {
        long remaining = down ? downUntil - nanos.getAsLong() : backoff.toNanos();
        long seconds = (Math.max(0, remaining) + 999_999_999L) / 1_000_000_000L;
        return (int) Math.max(1, Math.min(seconds, 60));
    }

    /** The back-off in force. */
    public Duration backoff() {
        return backoff;
    }

    private void markDown(String why) {
        long now = nanos.getAsLong();
        downUntil = now + backoff.toNanos();
        if (!down) {
            downSince = now;
            down = true;
            outages.inc();
            LOG.warning(() -> "database unreachable (" + why + "): database calls are refused for " + backoff
                    + " at a time until a probe gets an answer (see roomkeeper_db_available)");
        } else {
            LOG.log(Level.FINE, () -> "database still unreachable (" + why + ")");
        }
    }

    private void succeeded() {
        if (down) {
            down = false;
            long outage = nanos.getAsLong() - downSince;
            LOG.info(() -> "database answers again, after " + Duration.ofNanos(outage).toMillis() + " ms");
        }
    }

    private static String wireName(DatabaseFailure kind) {
        return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
