package dev.roomkeeper.platform.boundary;

import dev.roomkeeper.platform.control.Backlogs;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.platform.entity.BacklogStatus;
import dev.roomkeeper.testing.MutableClock;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BacklogsHealthCheckTest {

    private static final long NOW = 1_000_000;

    private static Map<String, Object> data(HealthCheckResponse response) {
        return response.getData().orElseThrow();
    }

    @Test
    void readyWhileNoBufferIsFullRetryingOrNot() {
        HealthCheckResponse response = BacklogsHealthCheck.check(List.of(
                new BacklogStatus("attendance", 10, 100, NOW - 4000),
                new BacklogStatus("room-activity", 0, 100, 0)), NOW);

        assertEquals("roomkeeper-backlogs", response.getName());
        assertEquals(HealthCheckResponse.Status.UP, response.getStatus());
        assertEquals(10L, data(response).get("attendance.size"));
        assertEquals(100L, data(response).get("attendance.capacity"));
        assertEquals(4000L, data(response).get("attendance.retryingForMs"));
        assertEquals(0L, data(response).get("room-activity.retryingForMs"));
        assertFalse(data(response).containsKey("full"));
    }

    @Test
    void aFullBufferDropsWhatComesNextSoTheNodeIsNotReady() {
        HealthCheckResponse response = BacklogsHealthCheck.check(List.of(
                new BacklogStatus("attendance", 100, 100, NOW - 4000)), NOW);

        assertEquals(HealthCheckResponse.Status.DOWN, response.getStatus());
        assertEquals("attendance", data(response).get("full"));
    }

    @Test
    void registeredBuffersAreReadWhenAskedAndShowAsGauges() {
        Meters meters = Meters.inMemory();
        MutableClock clock = new MutableClock(Instant.parse("2025-03-01T10:00:00Z"));
        Backlogs backlogs = new Backlogs(meters, clock);
        AtomicLong size = new AtomicLong();
        long since = clock.millis();
        backlogs.register("attendance", 50, size::get, () -> since);
        size.set(7);
        clock.advance(Duration.ofSeconds(3));

        assertEquals(List.of(new BacklogStatus("attendance", 7, 50, since)), backlogs.statuses());
        assertEquals(7.0, meters.gauge("roomkeeper.backlog.size", "backlog", "attendance"));
        assertEquals(50.0, meters.gauge("roomkeeper.backlog.capacity", "backlog", "attendance"));
        assertEquals(3.0, meters.gauge("roomkeeper.backlog.retrying.seconds", "backlog", "attendance"));
        assertThrows(IllegalArgumentException.class, () -> backlogs.register("attendance", 1, () -> 0, () -> 0));
        assertThrows(IllegalArgumentException.class, () -> backlogs.register("Not Kebab", 1, () -> 0, () -> 0));
    }
}
