package dev.roomkeeper.platform.boundary;

import dev.roomkeeper.testing.Api;
import dev.roomkeeper.testing.Fixtures;
import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.Servers;
import dev.roomkeeper.testing.WsClient;
import org.junit.jupiter.api.Test;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.HttpMethod;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What operators read: health naming the application's checks, Prometheus metrics, OpenAPI. */
class OperationsIT {

    /** Every periodic job a node runs, as liveness and the job metrics name them. */
    static final List<String> JOBS = List.of("presence-sweep", "idle-room-sweep", "activity-flush", "attendance-flush",
            "idle-stream-sweep", "keyed-state-sweep", "sse-keep-alive", "sse-sweep", "socket-sweep");

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
        assertTrue(live.body().contains("\"roomkeeper\"") && live.body().contains("roomkeeper-jobs"), live::toString);
    }

    @Test
    void livenessNamesEveryJob() {
        Api.Reply live = new Api(Servers.embedded().base(), null).get("/health/live");
        assertEquals(200, live.status(), live::toString);
        JsonObject jobs = live.json().getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .filter(check -> "roomkeeper-jobs".equals(check.getString("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no roomkeeper-jobs check in " + live));
        assertEquals("UP", jobs.getString("status"), jobs::toString);
        JsonObject data = jobs.getJsonObject("data");
        for (String job : JOBS) {
            for (String key : List.of(".lastRunAgoMs", ".runningForMs", ".failures")) {
                assertTrue(data.containsKey(job + key), () -> job + key + " missing from " + jobs);
            }
        }
        // Payara writes every data value as a string, WildFly numbers as numbers
        JsonValue ago = data.get("presence-sweep.lastRunAgoMs");
        long lastRunAgo = Long.parseLong(ago instanceof JsonString text ? text.getString() : ago.toString());
        assertTrue(lastRunAgo >= 0, () -> "the presence sweep has run: " + jobs);
        assertTrue(!data.containsKey("late") && !data.containsKey("stuck"), jobs::toString);
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
                    "roomkeeper_rooms_activity_written_total", "roomkeeper_rooms_activity_pending",
                    "roomkeeper_rooms_idle_sweep_runs_total", "roomkeeper_rooms_idle_sweep_closed_total",
                    "roomkeeper_rooms_idle_sweep_errors_total", "roomkeeper_presence_expired_total",
                    "roomkeeper_rooms_access_cache_total", "roomkeeper_rooms_access_cache_invalidations_total",
                    "roomkeeper_rooms_access_cache_size", "roomkeeper_stream_sweep_forgotten_rooms_total")) {
                assertTrue(metrics.contains(name), name + " missing from metrics");
            }
            assertTrue(sample(metrics, "roomkeeper_stream_rooms_held", "") >= 1, "the in-process engine holds the room");
        }
    }

    @Test
    void everyJobReportsTheSameMetricsTaggedWithItsName() {
        String metrics = new Api(Servers.embedded().base(), null).text("/metrics?scope=application").body();
        for (String job : JOBS) {
            String tag = "job=\"" + job + "\"";
            for (String name : List.of("roomkeeper_job_runs_total", "roomkeeper_job_failures_total",
                    "roomkeeper_job_last_run_seconds", "roomkeeper_job_last_duration_seconds", "roomkeeper_job_running",
                    "roomkeeper_job_period_seconds")) {
                assertTrue(sample(metrics, name, tag) >= 0, () -> name + "{" + tag + "} missing from metrics");
            }
        }
        String presence = "job=\"presence-sweep\"";
        assertTrue(sample(metrics, "roomkeeper_job_runs_total", presence) > 0, "the presence sweep runs every second");
        assertTrue(sample(metrics, "roomkeeper_job_last_run_seconds", presence) > 1.7e9, "epoch seconds");
        assertEquals(1.0, sample(metrics, "roomkeeper_job_period_seconds", presence));

        String cluster = new Api(Servers.nodeA().base(), null).text("/metrics?scope=application").body();
        for (String name : List.of("roomkeeper_redis_reconnects", "roomkeeper_redis_gap_events_fetched")) {
            assertTrue(sample(cluster, name, "") >= 0, () -> name + " missing from a Redis node's metrics");
        }
    }

    /**
     * The value of the first sample of {@code metric} whose labels contain {@code label} (any sample for an empty
     * one) in Prometheus text, or -1 when there is none.
     */
    static double sample(String metrics, String metric, String label) {
        Matcher sample = Pattern.compile("(?m)^" + Pattern.quote(metric) + "(\\{[^}]*\\})?\\s+(\\S+)").matcher(metrics);
        while (sample.find()) {
            if (label.isEmpty() || sample.group(1) != null && sample.group(1).contains(label)) {
                return Double.parseDouble(sample.group(2));
            }
        }
        return -1;
    }

    @Test
    void openApiDescribesEveryRestCallWithItsMethod() throws Exception {
        Map<String, Set<String>> declared = restCalls();
        assertTrue(declared.size() > 15, () -> "the resource scan found the REST calls: " + declared);
        Api.Reply reply = new Api(Servers.embedded().base(), null)
                .send("GET", "/openapi?format=JSON", null, null, "application/json");
        assertEquals(200, reply.status(), reply::toString);
        JsonObject paths = reply.json().getJsonObject("paths");
        for (Map.Entry<String, Set<String>> call : declared.entrySet()) {
            JsonObject described = paths.getJsonObject(call.getKey());
            assertNotNull(described, () -> call.getKey() + " missing from OpenAPI; it has " + paths.keySet());
            for (String method : call.getValue()) {
                assertTrue(described.containsKey(method), () -> method.toUpperCase(Locale.ROOT) + " " + call.getKey()
                        + " missing from OpenAPI");
                assertTrue(described.getJsonObject(method).containsKey("responses"),
                        () -> method + " " + call.getKey() + " describes no responses");
            }
        }
    }

    /**
     * Every REST call the WAR declares, read from its JAX-RS annotations: path (as OpenAPI writes it,
     * under the application path) to lower-case HTTP methods.
     */
    private static Map<String, Set<String>> restCalls() throws IOException {
        String root = "/" + RoomkeeperApplication.class.getAnnotation(ApplicationPath.class).value();
        Path classes = Path.of("target/classes");
        Map<String, Set<String>> calls = new TreeMap<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace('/', '.').replace(".class", "");
                Class<?> type;
                try {
                    type = Class.forName(name, false, OperationsIT.class.getClassLoader());
                } catch (ClassNotFoundException | LinkageError e) {
                    continue;
                }
                jakarta.ws.rs.Path base = type.getAnnotation(jakarta.ws.rs.Path.class);
                if (base == null) {
                    continue;
                }
                for (Method method : type.getMethods()) {
                    for (Annotation annotation : method.getAnnotations()) {
                        HttpMethod http = annotation.annotationType().getAnnotation(HttpMethod.class);
                        if (http != null) {
                            jakarta.ws.rs.Path sub = method.getAnnotation(jakarta.ws.rs.Path.class);
                            String path = normalise(root + "/" + base.value() + (sub == null ? "" : "/" + sub.value()));
                            calls.computeIfAbsent(path, p -> new TreeSet<>()).add(http.value().toLowerCase(Locale.ROOT));
                        }
                    }
                }
            }
        }
        return calls;
    }

    /** Single slashes, no trailing slash, and {@code {name: regex}} as OpenAPI's {@code {name}}. */
    private static String normalise(String path) {
        String single = path.replaceAll("/+", "/").replaceAll("\\{\\s*([^}:\\s]+)\\s*:[^}]*}", "{$1}");
        return single.length() > 1 && single.endsWith("/") ? single.substring(0, single.length() - 1) : single;
    }

    @Test
    void devTokensAreOffUnlessEnabled() {
        Api.Reply reply = new Api(Servers.embedded().base(), null).post("/api/dev/tokens", "{\"sub\":\"ada\"}");
        assertEquals(404, reply.status(), reply::toString);
        assertTrue(reply.isProblem());
    }
}
