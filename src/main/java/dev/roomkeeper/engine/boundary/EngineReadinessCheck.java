package dev.roomkeeper.engine.boundary;

import dev.roomkeeper.engine.control.Engine;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the engine can publish and deliver; named after it ({@code roomkeeper-redis} on Redis). */
@Readiness
@ApplicationScoped
public class EngineReadinessCheck implements HealthCheck {

    @Inject
    Engine engine;

    @Override
    public HealthCheckResponse call() {
        boolean up;
        try {
            up = engine.healthy();
        } catch (RuntimeException e) {
            up = false;
        }
        return HealthCheckResponse.named("roomkeeper-" + engine.name()).status(up)
                .withData("engine", engine.name()).build();
    }
}
