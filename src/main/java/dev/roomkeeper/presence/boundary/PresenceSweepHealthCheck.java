package dev.roomkeeper.presence.boundary;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Live while the presence sweep keeps running (a stuck sweep means ghosts that never leave). */
@Liveness
@ApplicationScoped
public class PresenceSweepHealthCheck implements HealthCheck {

    @Inject
    StalePresenceSweeper sweeper;

    @Override
    public HealthCheckResponse call() {
        long last = sweeper.lastRun();
        long age = last == 0 ? -1 : System.currentTimeMillis() - last;
        long limit = Math.max(30_000, sweeper.interval().toMillis() * 30);
        boolean up = last == 0 || age < limit;
        return HealthCheckResponse.named("roomkeeper-presence-sweep").status(up)
                .withData("lastRunAgoMs", age).build();
    }
}
