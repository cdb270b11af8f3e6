package dev.roomkeeper.platform.boundary;

import dev.roomkeeper.platform.control.Jobs;
import dev.roomkeeper.platform.entity.JobStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Live unless one of this node's periodic jobs ({@link Jobs}) is dead:
 * <ul>
 *     <li><b>late</b>: no run for three periods plus ten minutes ({@link #SLACK}) (counted from the end of
 *     the last run, or from registration before the first: a job just deployed has that long to start);</li>
 *     <li><b>stuck</b>: one run going on for longer than {@code max(4 periods, 2 h)} ({@link #STUCK_FLOOR}).</li>
 * </ul>
 * A run that fails (database or Redis down) still counts as a run: those outages show in readiness, and
 * restarting the node would not cure them, so liveness does not flap with them. Data per job:
 * {@code <job>.lastRunAgoMs} (-1 before the first run), {@code <job>.runningForMs} (0 when idle),
 * {@code <job>.failures}; and {@code late} / {@code stuck} naming the jobs that make the check DOWN.
 */
@Liveness
@ApplicationScoped
public class JobsHealthCheck implements HealthCheck {

    static final Duration SLACK = Duration.ofMinutes(10);
    static final Duration STUCK_FLOOR = Duration.ofHours(2);

    @Inject
    Jobs jobs;

    @Override
    public HealthCheckResponse call() {
        return check(jobs.statuses(), jobs.now());
    }

    /** The check's answer for these jobs at {@code now} (built without the server's response provider). */
    static HealthCheckResponse check(List<JobStatus> statuses, long now) {
        Map<String, Object> data = new LinkedHashMap<>();
        for (JobStatus job : statuses) {
            data.put(job.name() + ".lastRunAgoMs", job.lastEnded() == 0 ? -1 : now - job.lastEnded());
            data.put(job.name() + ".runningForMs", job.running() ? now - job.runningSince() : 0L);
            data.put(job.name() + ".failures", job.failures());
        }
        String late = names(statuses, job -> late(job, now));
        String stuck = names(statuses, job -> stuck(job, now));
        if (!late.isEmpty()) {
            data.put("late", late);
        }
        if (!stuck.isEmpty()) {
            data.put("stuck", stuck);
        }
        HealthCheckResponse.Status status = late.isEmpty() && stuck.isEmpty()
                ? HealthCheckResponse.Status.UP : HealthCheckResponse.Status.DOWN;
        return new HealthCheckResponse("roomkeeper-jobs", status, Optional.of(data));
    }

    /** No run going on, and none ended for three periods plus the slack (or since registration, before the first). */
    static boolean late(JobStatus job, long now) {
        long quietSince = job.lastEnded() == 0 ? job.registeredAt() : job.lastEnded();
        return !job.running() && now - quietSince > 3 * job.period().toMillis() + SLACK.toMillis();
    }

    /** One run going on for longer than {@code max(4 periods, the floor)}. */
    static boolean stuck(JobStatus job, long now) {
        long limit = Math.max(4 * job.period().toMillis(), STUCK_FLOOR.toMillis());
        return job.running() && now - job.runningSince() > limit;
    }

    private static String names(List<JobStatus> statuses, Predicate<JobStatus> which) {
        return statuses.stream().filter(which).map(JobStatus::name).collect(Collectors.joining(","));
    }
}
