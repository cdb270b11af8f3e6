package dev.roomkeeper.platform.boundary;

import dev.roomkeeper.platform.control.DatabaseAvailability;
import dev.roomkeeper.platform.control.DatabaseProbe;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * {@code roomkeeper-database}: ready only when the database answers, and answered within
 * {@code roomkeeper.db.readiness-timeout} (default {@code PT1S}, at most {@code PT1S}) whatever the database does.
 * The probe runs on its own thread ({@link DatabaseProbe}, one at a time: a check that comes while one is going
 * on waits for that one); a probe that has not answered by the deadline is DOWN with {@code error: timeout}, and
 * goes on in the background, bounded by the connection's timeouts. Its outcome also tells
 * {@link DatabaseAvailability} whether the database is back. Data: {@code product} when UP; {@code error} and
 * {@code available} (whether calls are let through: false during the back-off after an outage) when DOWN. Until
 * the application has started it is DOWN with {@code error: starting}.
 */
@Readiness
@ApplicationScoped
public class DatabaseReadinessCheck implements HealthCheck {

    public static final String TIMEOUT_KEY = "roomkeeper.db.readiness-timeout";
    static final Duration MAX_TIMEOUT = Duration.ofSeconds(1);
    static final Duration MIN_TIMEOUT = Duration.ofMillis(50);

    private static final Logger LOG = Logger.getLogger(DatabaseReadinessCheck.class.getName());

    @Inject
    DatabaseAvailability database;

    @Inject
    @ConfigProperty(name = TIMEOUT_KEY, defaultValue = "PT1S")
    Duration timeout;

    /** Set once the application has started (and what this check uses was made on a deployment thread). */
    volatile boolean started;

    @PostConstruct
    void init() {
        if (timeout == null || timeout.compareTo(MIN_TIMEOUT) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
            Duration given = timeout;
            timeout = MAX_TIMEOUT;
            LOG.warning(() -> TIMEOUT_KEY + " must be from " + MIN_TIMEOUT + " to " + MAX_TIMEOUT + ", not " + given
                    + "; using " + MAX_TIMEOUT);
        }
    }

    /**
     * Made with the application, with what it uses, on a deployment thread: health checks may be called on the
     * server's own threads (WildFly's management threads), where the application's resources and metrics cannot be
     * looked up.
     */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        database.available();
        started = true;
    }

    @Override
    public HealthCheckResponse call() {
        if (!started) {
            // polled while the application is still starting: touch nothing that is not made yet
            return response(DatabaseProbe.Result.down("starting", null), false);
        }
        CompletableFuture<DatabaseProbe.Result> probe = database.check();
        DatabaseProbe.Result result;
        try {
            result = probe.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            result = DatabaseProbe.Result.down("timeout", null);
        } catch (ExecutionException e) {
            result = DatabaseProbe.Result.down(e.getCause().getClass().getSimpleName(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = DatabaseProbe.Result.down("interrupted", null);
        }
        return response(result, database.available());
    }

    /** The check's answer for a probe's result (built without the server's response provider). */
    static HealthCheckResponse response(DatabaseProbe.Result result, boolean available) {
        Map<String, Object> data = new LinkedHashMap<>();
        if (result.up()) {
            data.put("product", result.product());
        } else {
            data.put("error", result.error());
            data.put("available", available);
        }
        return new HealthCheckResponse("roomkeeper-database",
                result.up() ? HealthCheckResponse.Status.UP : HealthCheckResponse.Status.DOWN, Optional.of(data));
    }
}
