package dev.roomkeeper.platform.control;

import dev.roomkeeper.platform.entity.JobStatus;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One periodic job, as {@link Jobs#register} made it: its timer calls {@link #run} or {@link #call} on every
 * turn, and the job records each run in the {@code roomkeeper.job.*} metrics tagged {@code job=<name>}. One run
 * at a time: a turn that comes while a run is going on is skipped (and not counted).
 */
public final class Job {

    private static final Logger LOG = Logger.getLogger(Job.class.getName());

    private final String name;
    private final Duration period;
    private final Clock clock;
    private final long registeredAt;
    private final AtomicReference<Run> current = new AtomicReference<>();
    private final AtomicLong lastEnded = new AtomicLong();
    private final AtomicLong lastDurationNanos = new AtomicLong();
    private final Meters.Counter runs;
    private final Meters.Counter failures;

    Job(String name, Duration period, Clock clock, Meters metrics) {
        this.name = name;
        this.period = period;
        this.clock = clock;
        this.registeredAt = clock.millis();
        String[] tag = {"job", name};
        runs = metrics.counter("roomkeeper.job.runs", tag);
        failures = metrics.counter("roomkeeper.job.failures", tag);
        metrics.gauge("roomkeeper.job.last.run.seconds", lastEnded, v -> v.get() / 1000d, tag);
        metrics.gauge("roomkeeper.job.last.duration.seconds", lastDurationNanos, v -> v.get() / 1e9, tag);
        metrics.gauge("roomkeeper.job.running", current, v -> v.get() == null ? 0 : 1, tag);
        metrics.gauge("roomkeeper.job.period.seconds", this, job -> job.period.toMillis() / 1000d, tag);
    }

    public String name() {
        return name;
    }

    public Duration period() {
        return period;
    }

    /**
     * Runs {@code work} as one run unless a run is going on. A failure is counted and logged, never thrown:
     * for timers, whose next turn is the retry.
     */
    public void run(Runnable work) {
        try {
            call(run -> {
                work.run();
                return Boolean.TRUE;
            });
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e, () -> name + " failed; next run in " + period
                    + " (see roomkeeper_job_failures_total{job=\"" + name + "\"})");
        }
    }

    /**
     * Runs {@code work} as one run and answers what it returned, or empty (without running it) when a run is
     * going on. A run fails when {@code work} throws (counted, and thrown on) or calls {@link Run#failed()}.
     */
    public <T> Optional<T> call(Function<Run, T> work) {
        Run run = new Run(clock.millis(), System.nanoTime());
        if (!current.compareAndSet(null, run)) {
            return Optional.empty();
        }
        try {
            return Optional.of(work.apply(run));
        } catch (RuntimeException | Error e) {
            run.failed();
            throw e;
        } finally {
            end(run);
        }
    }

    private void end(Run run) {
        lastDurationNanos.set(System.nanoTime() - run.startNanos);
        lastEnded.set(clock.millis());
        runs.inc();
        if (run.failed) {
            failures.inc();
        }
        current.compareAndSet(run, null);
    }

    /** This job now. */
    public JobStatus status() {
        Run run = current.get();
        return new JobStatus(name, period, registeredAt, lastEnded.get(), run == null ? 0 : run.startedAt,
                runs.count(), failures.count());
    }

    /** One run of a job, handed to the work so that it can fail without throwing. */
    public static final class Run {
        private final long startedAt;
        private final long startNanos;
        private volatile boolean failed;

        private Run(long startedAt, long startNanos) {
            this.startedAt = startedAt;
            this.startNanos = startNanos;
        }

        /** Counts this run as failed when it ends (work that handles its own errors, such as a failed batch). */
        public void failed() {
            failed = true;
        }
    }
}
