package dev.roomkeeper.platform.control;

import dev.roomkeeper.platform.entity.JobStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * This node's periodic jobs: sweeps, flushes, keep-alives. Each registers once with its name and period and
 * runs every turn through its {@link Job}, which records the same metrics for all of them, tagged
 * {@code job=<name>}:
 * <ul>
 *     <li>{@code roomkeeper.job.runs}, {@code roomkeeper.job.failures} (counters; a failed run counts as a run);</li>
 *     <li>{@code roomkeeper.job.last.run.seconds} (epoch seconds the last run ended),
 *     {@code roomkeeper.job.last.duration.seconds}, {@code roomkeeper.job.running} (0 or 1),
 *     {@code roomkeeper.job.period.seconds} (gauges).</li>
 * </ul>
 * Liveness ({@code JobsHealthCheck}) reads {@link #statuses()}. What a job does is its own feature's business,
 * as are its own counters (sessions expired, rows written).
 */
@ApplicationScoped
public class Jobs {

    private static final Pattern KEBAB_CASE = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    @Inject
    Meters metrics;

    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private Clock clock = Clock.systemUTC();

    /** For CDI. */
    public Jobs() {
    }

    /** Jobs recording to {@code metrics} on {@code clock}: for beans built by hand (tests). */
    public Jobs(Meters metrics, Clock clock) {
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Registers the job {@code name} (kebab-case, unique on this node) that a timer runs every {@code period}.
     *
     * @throws IllegalArgumentException for a name that is not kebab-case or already registered, or a period
     *                                  that is not positive
     */
    public synchronized Job register(String name, Duration period) {
        if (name == null || !KEBAB_CASE.matcher(name).matches()) {
            throw new IllegalArgumentException("a job's name is kebab-case, not '" + name + "'");
        }
        if (period == null || period.isZero() || period.isNegative()) {
            throw new IllegalArgumentException("job " + name + " needs a positive period, not " + period);
        }
        if (jobs.containsKey(name)) {
            throw new IllegalArgumentException("job " + name + " is registered already");
        }
        Job job = new Job(name, period, clock, metrics);
        jobs.put(name, job);
        return job;
    }

    /** Every registered job as it stands now, by name. */
    public List<JobStatus> statuses() {
        return jobs.values().stream().map(Job::status).sorted(Comparator.comparing(JobStatus::name)).toList();
    }

    /** Epoch ms now, on the clock the jobs' times are on. */
    public long now() {
        return clock.millis();
    }
}
