package dev.roomkeeper.platform.boundary;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Live while the application is deployed and its heap is not exhausted. */
@Liveness
@ApplicationScoped
public class ApplicationLivenessCheck implements HealthCheck {

    private static final double HEAP_LIMIT = 0.97;

    @Override
    public HealthCheckResponse call() {
        Runtime runtime = Runtime.getRuntime();
        long used = runtime.totalMemory() - runtime.freeMemory();
        double ratio = (double) used / runtime.maxMemory();
        return HealthCheckResponse.named("roomkeeper")
                .status(ratio < HEAP_LIMIT)
                .withData("heapUsedBytes", used)
                .withData("heapMaxBytes", runtime.maxMemory())
                .build();
    }
}
