package dev.roomkeeper.platform.boundary;

import dev.roomkeeper.testing.Api;
import dev.roomkeeper.testing.Fixtures;
import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.Servers;
import dev.roomkeeper.testing.WsClient;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What operators read: health naming the application's checks, Prometheus metrics, OpenAPI. */
class OperationsIT {

    @Test
    void readinessNamesTheDatabaseAndTheEngine() {
        Api embedded = new Api(Servers.embedded().base(), null);
        Api.Reply ready = embedded.get("/health/ready");
        assertEquals(200, ready.status(), ready::toString);
        assertTrue(ready.body().contains("roomkeeper-database") && ready.body().contains("roomkeeper-memory")
                && ready.body().contains("roomkeeper-auth"), ready::toString);
        Api.Reply cluster = new Api(Servers.nodeA().base(), null).get("/health/ready");
        assertEquals(200, cluster.status(), cluster::toString);
        assertTrue(cluster.body().contains("roomkeeper-redis") && cluster.body().contains("PostgreSQL"), cluster::toString);
        Api.Reply live = embedded.get("/health/live");
        assertEquals(200, live.status());
        assertTrue(live.body().contains("\"roomkeeper\"") && live.body().contains("roomkeeper-idle-room-sweep"),
                live::toString);
    }

    @Test
    void metricsReportSocketsSubscriptionsAndEvents() {
        PayaraNode node = Servers.embedded();
        Fixtures fx = new Fixtures(node);
        String room = fx.room().getString("id");
        fx.member(room, "ada", "host");
        try (WsClient ada = fx.socket("ada")) {
            ada.send(Fixtures.subscribe(room, "s")).reply("s");
            ada.send(Fixtures.publish(room, "p", "{}")).reply("p");
            ada.event(room);
            String metrics = new Api(node.base(), null).text("/metrics?scope=application").body();
            for (String name : List.of("roomkeeper_ws_connections", "roomkeeper_subscriptions",
                    "roomkeeper_events_published_total", "roomkeeper_events_delivered_total", "roomkeeper_replay_total",
                    "roomkeeper_presence_attendance_written_total", "roomkeeper_presence_attendance_dropped_total",
                    "roomkeeper_presence_attendance_failed_total", "roomkeeper_presence_attendance_queue",
                    "roomkeeper_rooms_occupied_total", "roomkeeper_rooms_vacated_total",
                    "roomkeeper_rooms_activity_written_total", "roomkeeper_rooms_activity_flush_failures_total",
                    "roomkeeper_rooms_activity_pending", "roomkeeper_rooms_activity_flush_last_run_seconds",
                    "roomkeeper_rooms_idle_sweep_runs_total", "roomkeeper_rooms_idle_sweep_closed_total",
                    "roomkeeper_rooms_idle_sweep_errors_total", "roomkeeper_rooms_idle_sweep_running",
                    "roomkeeper_rooms_idle_sweep_last_duration_seconds")) {
                assertTrue(metrics.contains(name), name + " missing from metrics");
            }
        }
    }

    @Test
    void openApiDescribesEveryRestCall() {
        String openapi = new Api(Servers.embedded().base(), null).text("/openapi").body();
        for (String path : List.of("/api/rooms:", "/api/rooms/{room}:", "/api/rooms/{room}/close:", "/api/rooms/{room}/members:",
                "/api/rooms/{room}/members/{userId}:", "/api/me/rooms:", "/api/rooms/{room}/events:", "/api/rooms/{room}/invites:", "/api/invites/{token}:", "/api/invites/{token}/redeem:",
                "/api/presence/heartbeat:", "/api/presence/disconnect:", "/api/presence/list:", "/api/rooms/{room}/presence:", "/api/dev/tokens:",
                "/api/rooms/{room}/attendance:", "/api/rooms/{room}/attendance/totals:",
                "/api/rooms/{room}/activity:", "/api/idle-sweeps:", "/api/idle-sweeps/{id}:")) {
            assertTrue(openapi.contains(path), path + " missing from OpenAPI");
        }
    }

    @Test
    void devTokensAreOffUnlessEnabled() {
        Api.Reply reply = new Api(Servers.embedded().base(), null).post("/api/dev/tokens", "{\"sub\":\"ada\"}");
        assertEquals(404, reply.status(), reply::toString);
        assertTrue(reply.isProblem());
    }
}
