package dev.roomkeeper.rooms.boundary;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import java.time.Duration;

/**
 * Live unless the idle-room sweep is stuck: its timer has not fired for three intervals (plus ten minutes),
 * or one run has been going on for longer than {@code max(2 h, 4 intervals)}. A run that fails (database or
 * Redis down) still counts as the timer firing: those outages show in readiness, and restarting the node
 * would not cure them, so liveness does not flap with them.
 */
@Liveness
@ApplicationScoped
public class IdleSweepHealthCheck implements HealthCheck {

    static final Duration TIMER_SLACK = Duration.ofMinutes(10);
    static final Duration MIN_STUCK = Duration.ofHours(2);

    @Inject
    IdleRoomSweeper sweeper;

    @Override
    public HealthCheckResponse call() {
        long now = System.currentTimeMillis();
        long lastFired = sweeper.lastFired();
        long runningSince = sweeper.runningSince();
        return HealthCheckResponse.named("roomkeeper-idle-room-sweep")
                .status(live(now, sweeper.interval(), lastFired, sweeper.deployedAt(), runningSince))
                .withData("intervalSeconds", sweeper.interval().toSeconds())
                .withData("lastFiredAgoMs", lastFired == 0 ? -1 : now - lastFired)
                .withData("runningForMs", runningSince == 0 ? 0 : now - runningSince)
                .build();
    }

    /**
     * @param lastFired    epoch ms the timer last fired, 0 before it first did
     * @param runningSince epoch ms the current run started, 0 when none is going on
     */
    static boolean live(long now, Duration interval, long lastFired, long deployedAt, long runningSince) {
        long sinceFired = now - (lastFired == 0 ? deployedAt : lastFired);
        long runningFor = runningSince == 0 ? 0 : now - runningSince;
        boolean timerAlive = sinceFired <= 3 * interval.toMillis() + TIMER_SLACK.toMillis();
        boolean notStuck = runningFor <= Math.max(MIN_STUCK.toMillis(), 4 * interval.toMillis());
        return timerAlive && notStuck;
    }
}
