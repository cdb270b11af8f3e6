package dev.roomkeeper.platform.boundary;

import dev.roomkeeper.platform.control.DatabaseAvailability;
import dev.roomkeeper.platform.control.DatabaseFailure;
import dev.roomkeeper.platform.control.DatabaseProbe;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The readiness check over probes the test answers, or never answers. */
class DatabaseReadinessCheckTest {

    private CompletableFuture<DatabaseProbe.Result> probe = new CompletableFuture<>();
    private final DatabaseReadinessCheck check = new DatabaseReadinessCheck();

    DatabaseReadinessCheckTest() {
        check.database = new DatabaseAvailability() {
            @Override
            public CompletableFuture<DatabaseProbe.Result> check() {
                return probe;
            }

            @Override
            public boolean available() {
                return false;
            }
        };
        check.timeout = Duration.ofMillis(50);
        check.init();
        check.onStart(new Object());
    }

    private static Map<String, Object> data(HealthCheckResponse response) {
        return response.getData().orElseThrow();
    }

    @Test
    void aDatabaseThatAnswersIsUpAndNamed() {
        probe.complete(DatabaseProbe.Result.up("PostgreSQL"));

        HealthCheckResponse response = check.call();

        assertEquals("roomkeeper-database", response.getName());
        assertEquals(HealthCheckResponse.Status.UP, response.getStatus());
        assertEquals("PostgreSQL", data(response).get("product"));
    }

    @Test
    void aProbeThatDoesNotAnswerByTheDeadlineIsDownWithoutWaitingForIt() {
        HealthCheckResponse response = check.call(); // the probe never completes

        assertEquals(HealthCheckResponse.Status.DOWN, response.getStatus());
        assertEquals("timeout", data(response).get("error"));
        assertEquals(false, data(response).get("available"));
    }

    @Test
    void anUnreachableDatabaseIsDownNamingTheFailure() {
        probe.complete(DatabaseProbe.Result.down("PSQLException", DatabaseFailure.UNREACHABLE));

        HealthCheckResponse response = check.call();

        assertEquals(HealthCheckResponse.Status.DOWN, response.getStatus());
        assertEquals("PSQLException", data(response).get("error"));
    }

    @Test
    void whileTheApplicationStartsItIsDownWithoutAskingAnything() {
        DatabaseReadinessCheck early = new DatabaseReadinessCheck();

        HealthCheckResponse response = early.call(); // no availability gate made yet

        assertEquals(HealthCheckResponse.Status.DOWN, response.getStatus());
        assertEquals("starting", data(response).get("error"));
    }

    @Test
    void aDeadlineBeyondASecondIsCappedAtASecond() {
        DatabaseReadinessCheck slow = new DatabaseReadinessCheck();
        slow.timeout = Duration.ofSeconds(5);

        slow.init();

        assertEquals(Duration.ofSeconds(1), slow.timeout);
    }
}
