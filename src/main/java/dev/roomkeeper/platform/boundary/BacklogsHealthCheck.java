package dev.roomkeeper.platform.boundary;

import dev.roomkeeper.platform.control.Backlogs;
import dev.roomkeeper.platform.entity.BacklogStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code roomkeeper-backlogs}: ready unless a buffer of database writes ({@link Backlogs}) is full, when this node
 * drops what it should keep (attendance changes, room activity): while the database is down the buffers fill, and
 * a full one is worth taking the node out of rotation for. Not a liveness check: a restart would lose the
 * buffers. Data per buffer: {@code <name>.size}, {@code <name>.capacity}, {@code <name>.retryingForMs} (how long its
 * writes have been failing, 0 while they succeed); and {@code full} naming the full ones.
 */
@Readiness
@ApplicationScoped
public class BacklogsHealthCheck implements HealthCheck {

    @Inject
    Backlogs backlogs;

    @Override
    public HealthCheckResponse call() {
        return check(backlogs.statuses(), backlogs.now());
    }

    /** The check's answer for these buffers at {@code now} (built without the server's response provider). */
    static HealthCheckResponse check(List<BacklogStatus> statuses, long now) {
        Map<String, Object> data = new LinkedHashMap<>();
        for (BacklogStatus backlog : statuses) {
            data.put(backlog.name() + ".size", backlog.size());
            data.put(backlog.name() + ".capacity", backlog.capacity());
            data.put(backlog.name() + ".retryingForMs", backlog.retrying() ? Math.max(0, now - backlog.retryingSince()) : 0L);
        }
        String full = statuses.stream().filter(BacklogStatus::full).map(BacklogStatus::name).collect(Collectors.joining(","));
        if (!full.isEmpty()) {
            data.put("full", full);
        }
        return new HealthCheckResponse("roomkeeper-backlogs",
                full.isEmpty() ? HealthCheckResponse.Status.UP : HealthCheckResponse.Status.DOWN, Optional.of(data));
    }
}
