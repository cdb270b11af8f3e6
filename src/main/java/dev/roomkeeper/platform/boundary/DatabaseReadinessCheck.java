package dev.roomkeeper.platform.boundary;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/** Ready only when the database answers. */
@Readiness
@ApplicationScoped
public class DatabaseReadinessCheck implements HealthCheck {

    @Resource(lookup = "java:app/jdbc/roomkeeper")
    DataSource dataSource;

    /**
     * Made with the application, so the data source is injected on a deployment thread: WildFly calls
     * health checks on its management threads, where {@code java:app} names do not resolve.
     */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        // creating the bean is the point
    }

    @Override
    public HealthCheckResponse call() {
        var builder = HealthCheckResponse.named("roomkeeper-database");
        try (Connection connection = dataSource.getConnection()) {
            boolean valid = connection.isValid(2);
            return builder.status(valid)
                    .withData("product", connection.getMetaData().getDatabaseProductName())
                    .build();
        } catch (SQLException | RuntimeException e) {
            return builder.down().withData("error", e.getClass().getSimpleName()).build();
        }
    }
}
