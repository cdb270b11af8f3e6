package dev.roomkeeper.participants.boundary;

import dev.roomkeeper.participants.control.LiveKitRooms;
import dev.roomkeeper.participants.control.ParticipantSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Always UP: webhooks are ingested and reads answered whatever LiveKit does, so an unreachable LiveKit must not take
 * the node out of service. Its data says whether webhooks are on, whether reconciliation is, and when LiveKit's room
 * service cannot be reached ({@code degraded}, with the last error).
 */
@Readiness
@ApplicationScoped
public class LiveKitReadinessCheck implements HealthCheck {

    @Inject
    LiveKitRooms livekit;

    /**
     * Settings, not the webhook's bean: health checks run on the server's own threads, where beans that register
     * metrics on creation cannot be made (Payara's metric registry needs the application's context).
     */
    @Inject
    ParticipantSettings settings;

    @Override
    public HealthCheckResponse call() {
        LiveKitRooms.Health health = livekit.health();
        var response = HealthCheckResponse.named("roomkeeper-livekit").up()
                .withData("webhooks", !settings.keyPairs().isEmpty())
                .withData("reconcile", health.enabled())
                .withData("degraded", health.open());
        if (health.lastError() != null) {
            response.withData("lastError", health.lastError());
        }
        if (health.lastSuccess() > 0) {
            response.withData("lastSuccessAgoMs", System.currentTimeMillis() - health.lastSuccess());
        }
        return response.build();
    }
}
