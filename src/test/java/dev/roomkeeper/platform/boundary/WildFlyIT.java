package dev.roomkeeper.platform.boundary;

import dev.roomkeeper.testing.Api;
import dev.roomkeeper.testing.Fixtures;
import dev.roomkeeper.testing.Servers;
import dev.roomkeeper.testing.SseReader;
import dev.roomkeeper.testing.SseReader.SseEvent;
import dev.roomkeeper.testing.WildFlyNode;
import dev.roomkeeper.testing.WsClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static dev.roomkeeper.testing.Fixtures.publish;
import static dev.roomkeeper.testing.Fixtures.subscribe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The same WAR on WildFly, prepared only by {@code server-config/wildfly/configure.cli}: it deploys, readiness on
 * the management port names the application's checks, REST, WebSocket and SSE work, and OpenAPI and metrics
 * answer. Once on the embedded defaults (H2 file database, in-process engine, development tokens), once on the
 * PostgreSQL and Redis the Payara cluster tests share.
 */
class WildFlyIT {

    @BeforeAll
    static void needsWildFly() {
        assumeTrue(WildFlyNode.home() != null, "no WildFly unpacked (wildfly.home); the build skips it with -Dwildfly.skip");
    }

    @Test
    void embeddedDefaults() throws Exception {
        try (WildFlyNode node = WildFlyNode.start("embedded", Map.of("roomkeeper.auth.dev-tokens", "true"))) {
            Api anyone = new Api(node.base(), null);
            String admin = devToken(anyone, "{\"sub\":\"ops\",\"name\":\"Ops\",\"admin\":true}");
            String ada = devToken(anyone, "{\"sub\":\"ada\",\"name\":\"Ada\"}");
            // {"sub":"a","sub":"b"} once minted a token for b
            assertProblem(anyone.post("/api/dev/tokens", "{\"sub\":\"a\",\"sub\":\"b\"}"), 400, "malformed-body");
            serves(node, admin, ada, List.of("roomkeeper-memory", "\"product\":\"H2\"", "\"devTokens\":\"on\""));
            // WildFly keeps its modules from deployments: tokens are signed and verified by the WAR's nimbus-jose-jwt
            String library = "(nimbus-jose-jwt " + System.getProperty("nimbus-jose-jwt.version", "10.10") + ")";
            assertTrue(Files.readString(node.log()).contains(library), () -> library + " not named in " + node.log());
        }
    }

    @Test
    void postgresqlAndRedis() throws Exception {
        try (WildFlyNode node = WildFlyNode.start("cluster", Servers.clusterSettings())) {
            Api.Reply devTokens = new Api(node.base(), null).post("/api/dev/tokens", "{\"sub\":\"ada\"}");
            assertEquals(404, devTokens.status(), devTokens::toString);
            serves(node, Fixtures.adminToken(), Fixtures.token("ada"),
                    List.of("roomkeeper-redis", "\"product\":\"PostgreSQL\"", "\"algorithms\":\"HS256\""));
        }
    }

    private static String devToken(Api anyone, String request) {
        Api.Reply reply = anyone.post("/api/dev/tokens", request);
        assertEquals(200, reply.status(), reply::toString);
        return reply.json().getString("token");
    }

    private static void serves(WildFlyNode node, String adminToken, String adaToken, List<String> readiness) throws Exception {
        Api management = new Api(node.management(), null);
        Api.Reply ready = management.get("/health/ready");
        assertEquals(200, ready.status(), ready::toString);
        for (String expected : List.of("roomkeeper-database", "roomkeeper-auth")) {
            assertTrue(ready.body().contains(expected), () -> expected + " missing from " + ready);
        }
        for (String expected : readiness) {
            assertTrue(ready.body().contains(expected), () -> expected + " missing from " + ready);
        }
        Api.Reply live = management.get("/health/live");
        assertTrue(live.status() == 200 && live.body().contains("\"roomkeeper\"") && live.body().contains("roomkeeper-jobs"),
                live::toString);

        // REST: a room, a member, both lists, and a problem+json answer
        Api admin = new Api(node.base(), adminToken);
        String slug = Fixtures.unique("wildfly");
        Api.Reply created = admin.post("/api/rooms", "{\"title\":\"On WildFly\",\"slug\":\"" + slug + "\",\"kind\":\"huddle\"}");
        assertEquals(201, created.status(), created::toString);
        String room = created.json().getString("id");
        Api.Reply added = admin.post("/api/rooms/" + slug + "/members", "{\"userId\":\"ada\",\"role\":\"host\"}");
        assertEquals(201, added.status(), added::toString);
        Api.Reply members = admin.get("/api/rooms/" + slug + "/members");
        assertTrue(members.status() == 200 && members.body().contains("\"userId\":\"ada\""), members::toString);
        Api.Reply mine = new Api(node.base(), adaToken).get("/api/me/rooms");
        assertTrue(mine.status() == 200 && mine.body().contains(slug), mine::toString);
        Api.Reply missing = admin.get("/api/rooms/no-such-room");
        assertTrue(missing.status() == 404 && missing.isProblem(), missing::toString);
        assertEquals("/rooms/no-such-room", missing.json().getString("instance"));

        // one published event reaches a WebSocket subscriber and an SSE stream
        try (SseReader sse = SseReader.open(node, "/api/rooms/" + room + "/events?access_token=" + adaToken, null);
             WsClient ws = WsClient.authenticated(node.ws(), adaToken)) {
            assertEquals("subscribed", sse.next().name());
            ws.send(subscribe(room, "s")).reply("s");
            ws.send(publish(room, "p", "{\"n\":7}")).reply("p");
            JsonObject event = ws.event(room);
            assertEquals(7, event.getJsonObject("data").getJsonObject("body").getInt("n"), event::toString);
            SseEvent streamed = sse.next();
            assertEquals("message", streamed.name(), streamed::toString);
            assertEquals(7, streamed.json().getJsonObject("data").getJsonObject("body").getInt("n"), streamed::toString);

            // metrics: Micrometer's Prometheus registry on the management port, while the socket is open
            Api.Reply metrics = management.text("/metrics");
            assertEquals(200, metrics.status(), metrics::toString);
            for (String name : List.of("roomkeeper_events_published_total", "roomkeeper_events_delivered_total",
                    "roomkeeper_ws_connections", "roomkeeper_sse_connections", "roomkeeper_subscriptions")) {
                assertTrue(metrics.body().contains(name), () -> name + " missing from WildFly's /metrics");
            }
            // the job metrics: Micrometer counters and gauges, tagged
            for (String name : List.of("roomkeeper_job_runs_total", "roomkeeper_job_last_run_seconds", "roomkeeper_job_running")) {
                assertTrue(OperationsIT.sample(metrics.body(), name, "job=\"presence-sweep\"") >= 0,
                        () -> name + "{job=\"presence-sweep\"} missing from WildFly's /metrics");
            }
        }

        // strict input (issue 10): RESTEasy and Undertow read, wrap and decode their own way; the answers are Payara's
        assertProblem(admin.post("/api/rooms", "{\"title\":\"a\",\"title\":\"b\"}"), 400, "malformed-body");
        assertProblem(admin.post("/api/rooms", "{\"title\":\"a\"} garbage"), 400, "malformed-body");
        assertProblem(admin.post("/api/rooms", "{\"title\":\"a\",\"x\":" + "[".repeat(1_100) + "]".repeat(1_100) + "}"),
                400, "malformed-body");
        assertProblem(admin.post("/api/rooms", "{\"title\":\"a\\ud800\"}"), 400, "malformed-body");
        assertProblem(admin.post("/api/rooms", "{\"title\":"), 400, "malformed-body");
        assertProblem(admin.post("/api/rooms", "{\"title\":5}"), 400, "validation");
        assertProblem(admin.post("/api/rooms", "{\"title\":\"a\",\"pad\":\"" + "x".repeat(70_000) + "\"}"), 413, "body-too-large");
        assertProblem(admin.post("/api/rooms", "{\"title\":\"a\\u0000\"}"), 400, "validation");
        StrictInputIT.RawReply escapes = StrictInputIT.get(node, "/api/rooms?kind=%C0%AF&offset=%ED%A0%80",
                "Authorization: Bearer " + adminToken + "\r\n");
        assertEquals(400, escapes.status(), escapes::toString);
        assertTrue(escapes.body().contains("{\"field\":\"kind\"") && escapes.body().contains("{\"field\":\"offset\""),
                escapes::toString);
        // Undertow refuses an escape that is not one (%ZZ) itself, in the path and in the query, with a bare 400
        assertEquals(400, StrictInputIT.get(node, "/api/rooms?kind=%ZZ", "").status());
        assertEquals(400, StrictInputIT.get(node, "/api/rooms/%ZZ", "").status());
        // RESTEasy's own decoding answered this one with an HTML page and a logged stack trace
        assertProblem(admin.get("/api/rooms/%ED%A0%80"), 400, "validation");
        StrictInputIT.RawReply overlong = StrictInputIT.upgrade(node, "/ws?token=" + "x".repeat(20_000));
        assertEquals(414, overlong.status(), overlong::toString);
        assertTrue(overlong.body().contains("urn:roomkeeper:problem:uri-too-long"), overlong::toString);
        StrictInputIT.RawReply malformed = StrictInputIT.upgrade(node, "/ws?token=%ED%A0%80");
        assertEquals(400, malformed.status(), malformed::toString);
        try (WsClient ws = WsClient.authenticated(node.ws(), adaToken)) {
            ws.send("{\"type\":\"ping\",\"id\":\"deep\",\"x\":" + "[".repeat(1_100) + "]".repeat(1_100) + "}");
            assertEquals("bad-json", ws.await(f -> "error".equals(f.getString("type"))).getString("code"));
            assertEquals("pong", ws.send("{\"type\":\"ping\",\"id\":\"t\"}").reply("t").getString("type"));
        }

        Api.Reply openapi = new Api(node.base(), null).text("/openapi");
        assertTrue(openapi.status() == 200 && openapi.body().contains("/api/rooms/{room}/members:"), openapi::toString);
    }

    private static void assertProblem(Api.Reply reply, int status, String type) {
        assertEquals(status, reply.status(), reply::toString);
        assertTrue(reply.isProblem(), reply::toString);
        assertEquals("urn:roomkeeper:problem:" + type, reply.json().getString("type"), reply::toString);
    }
}
