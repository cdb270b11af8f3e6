package dev.roomkeeper.participants.boundary;

import dev.roomkeeper.testing.Api;
import dev.roomkeeper.testing.Fixtures;
import dev.roomkeeper.testing.LiveKitDeliveries;
import dev.roomkeeper.testing.LiveKitDeliveries.Delivery;
import dev.roomkeeper.testing.LiveKitRoomService;
import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.Servers;
import dev.roomkeeper.testing.WsClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import livekit.LivekitModels;
import livekit.LivekitWebhook;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.roomkeeper.testing.Fixtures.subscribe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Media participants on a node of its own (in-process engine, fresh H2) pointed at a stand-in for LiveKit's room
 * service ({@link LiveKitRoomService}, Twirp as the SDK speaks it), with short intervals and small webhook limits:
 * a {@code participant_left} that was never delivered is corrected by reconciliation (subscribers get
 * {@code participants.left}, the GET no longer lists the session, the correction is counted); a LiveKit that stops
 * answering, then cannot be reached at all, never blocks webhook ingest or the cached GET and leaves readiness UP
 * with {@code degraded}; a body over the limit is 413 and a source over its rate 429, both problem+json, neither
 * recorded.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ParticipantsLiveKitIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final int MAX_BODY = 4096;
    private static final int RATE = 10;

    static LiveKitRoomService livekit;
    static PayaraNode node;
    static Fixtures fx;

    @BeforeAll
    static void start() {
        livekit = LiveKitRoomService.start();
        Map<String, String> props = new HashMap<>();
        props.put("roomkeeper.auth.hs256-secret", Servers.SECRET);
        props.put("roomkeeper.engine.type", "memory");
        props.put("roomkeeper.db.url", "jdbc:h2:file:" + PayaraNode.workdir().toAbsolutePath()
                .resolve("h2-livekit-" + System.currentTimeMillis() + "/roomkeeper"));
        props.put("roomkeeper.ws.rate-per-second", "200");
        props.put("roomkeeper.ws.rate-burst", "400");
        props.put("roomkeeper.livekit.keys", Servers.LIVEKIT_KEY + ":" + Servers.LIVEKIT_SECRET);
        props.put("roomkeeper.livekit.url", livekit.url());
        props.put("roomkeeper.livekit.timeout", "PT0.5S");
        props.put("roomkeeper.livekit.reconcile-interval", "PT10S"); // the shortest allowed
        props.put("roomkeeper.participants.max-age", "PT10S");
        props.put("roomkeeper.livekit.max-body-bytes", String.valueOf(MAX_BODY)); // the smallest allowed
        props.put("roomkeeper.livekit.rate-limit", String.valueOf(RATE));
        node = new PayaraNode("livekit", props).start();
        fx = new Fixtures(node);
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
        if (livekit != null) {
            livekit.close();
        }
    }

    /** A room with member ada, and the LiveKit room of one of its channels. */
    record Channel(String room, String name, LivekitModels.Room livekitRoom) {
    }

    static Channel channel(String name) {
        JsonObject created = fx.room();
        String room = created.getString("id");
        fx.member(room, "ada", "host");
        return new Channel(room, name, LiveKitDeliveries.room(created.getString("slug") + "-" + name,
                "RM_" + created.getString("slug")));
    }

    @Test
    @Order(1)
    void aLeftThatWasNeverDeliveredIsCorrectedByReconciliation() throws Exception {
        Channel stage = channel("Stage");
        long longAgo = System.currentTimeMillis() / 1000 - 600;
        // LiveKit lists only PA_stays: PA_gone left, and its participant_left never reached Roomkeeper
        livekit.room(stage.livekitRoom().getName(), List.of(LiveKitDeliveries.participant("PA_stays", "user-PA_stays", 1,
                longAgo, List.of())));
        double correctedBefore = sample(metrics(), "roomkeeper_participants_corrections_total", "kind=\"left\"");

        try (WsClient ws = fx.socket("ada")) {
            ws.send(subscribe(stage.room(), "s1")).reply("s1");
            // PA_stays first: a reconciliation between the two finds it cached as LiveKit lists it, changing nothing
            assertEquals("recorded", result(deliver(joined(stage, "EV_g1", "PA_stays", longAgo))));
            assertEquals("recorded", result(deliver(joined(stage, "EV_g2", "PA_gone", longAgo))));

            // reads without ?channel= never start a reconciliation: the correction comes from the periodic job
            JsonObject left = ws.awaitWithin(DEADLINE, f -> "event".equals(f.getString("type", null))
                            && "participants.left".equals(f.getJsonObject("event").getString("type")))
                    .orElseThrow(() -> new AssertionError("no participants.left within " + DEADLINE + "; saw " + ws.seen()))
                    .getJsonObject("event").getJsonObject("data");
            assertEquals("PA_gone", left.getString("sid"));
            assertEquals("reconciled", left.getString("reason"));
            assertEquals("Stage", left.getString("channel"));

            assertEquals(List.of("PA_stays"), sids(stage, null));
            assertTrue(ws.drainNow().stream().noneMatch(f -> "event".equals(f.getString("type", null))
                    && "participants.left".equals(f.getJsonObject("event").getString("type"))), "one left, for PA_gone only");
        }
        assertTrue(sample(metrics(), "roomkeeper_participants_corrections_total", "kind=\"left\"") >= correctedBefore + 1,
                "the correction is counted");
        assertTrue(sample(metrics(), "roomkeeper_participants_reconciles_total", "result=\"ok\"") >= 1);

        // as LiveKit's SDK calls it: Twirp ListParticipants, protobuf, signed with the configured key
        LiveKitRoomService.Call call = livekit.calls().stream()
                .filter(c -> stage.livekitRoom().getName().equals(c.room())).findFirst().orElseThrow();
        assertEquals("ListParticipants", call.method());
        assertEquals("application/protobuf", call.contentType());
        assertTrue(call.authorization().startsWith("Bearer "), call::toString);
    }

    @Test
    @Order(2)
    void aReadOfAChannelNeverReconciledAsksLiveKitAndCorrectsIt() throws Exception {
        Channel lounge = channel("Lounge");
        long longAgo = System.currentTimeMillis() / 1000 - 600;
        livekit.room(lounge.livekitRoom().getName(), List.of());
        assertEquals("recorded", result(deliver(joined(lounge, "EV_l1", "PA_ghost", longAgo))));

        // the read answers from the cache at once and reconciles in the background (or the periodic job does)
        Awaitility.await("PA_ghost corrected").atMost(DEADLINE).pollInterval(Duration.ofMillis(500))
                .until(() -> sids(lounge, "Lounge").isEmpty());
    }

    @Test
    @Order(3)
    void aLiveKitThatStopsAnsweringThenCannotBeReachedNeverBlocksIngestOrReads() throws Exception {
        Channel hall = channel("Hall");
        long now = System.currentTimeMillis() / 1000;
        livekit.hang();

        // ingest and the cached GET go on while every call to LiveKit is held until it times out
        assertEquals("recorded", result(deliver(joined(hall, "EV_h1", "PA_h1", now))));
        assertEquals(List.of("PA_h1"), sids(hall, "Hall"));
        JsonObject degraded = awaitLiveKitCheck(hall, check -> flag(check, "degraded"));
        assertTrue(degraded.getJsonObject("data").containsKey("lastError"), degraded::toString);
        assertTrue(sample(metrics(), "roomkeeper_participants_reconciles_total", "result=\"unavailable\"") >= 1);
        assertEquals("recorded", result(deliver(left(hall, "EV_h2", "PA_h1", now + 1))));
        assertEquals(List.of(), sids(hall, "Hall"));

        // nothing listens any more: the circuit's next trial call fails to connect, and still nothing waits on it
        livekit.close();
        awaitLiveKitCheck(hall, check -> "ConnectException".equals(text(check.getJsonObject("data").get("lastError"))));
        assertEquals("recorded", result(deliver(joined(hall, "EV_h3", "PA_h3", now + 2))));
        assertEquals(List.of("PA_h3"), sids(hall, "Hall"));
        assertTrue(livekit.calls().stream().allMatch(c -> c.method().equals("ListParticipants")), "only ListParticipants");
    }

    @Test
    @Order(4)
    void aBodyOverTheLimitIs413AndNeverRead() throws Exception {
        Channel big = channel("Big");
        long now = System.currentTimeMillis() / 1000;
        LivekitWebhook.WebhookEvent event = LiveKitDeliveries.event("participant_joined", "EV_b1", now, big.livekitRoom())
                .setParticipant(LiveKitDeliveries.participant("PA_big", "big", 1, now, List.of()).toBuilder()
                        .setMetadata("x".repeat(MAX_BODY))).build();
        Delivery signed = LiveKitDeliveries.signed(event, Servers.LIVEKIT_KEY, Servers.LIVEKIT_SECRET);
        assertTrue(signed.body().length > MAX_BODY);

        double countedBefore = sample(metrics(), "roomkeeper_participants_webhooks_total", "result=\"too-large\"");
        // validly signed, or not signed at all: the size is refused before anything is verified or parsed
        for (String authorization : new String[]{signed.authorization(), null}) {
            HttpResponse<String> answer = deliver(signed.body(), authorization);
            assertProblem(answer, 413, "webhook-too-large");
        }
        assertEquals(List.of(), sids(big, "Big"));
        assertEquals(countedBefore + 2, sample(metrics(), "roomkeeper_participants_webhooks_total",
                "result=\"too-large\""), "refusals are counted");
        // a body within the limit is read
        assertEquals("recorded", result(deliver(joined(big, "EV_b2", "PA_small", now))));
    }

    @Test
    @Order(5)
    void aSourceOverItsRateIs429WithRetryAfterAndWhatItRefusedIsNotRecorded() throws Exception {
        Channel busy = channel("Busy");
        long now = System.currentTimeMillis() / 1000;
        double refusedBefore = sample(metrics(), "roomkeeper_participants_webhooks_total", "result=\"rate-limited\"");
        ExecutorService senders = Executors.newFixedThreadPool(8);
        List<String> recorded = new ArrayList<>();
        List<Delivery> refused = new ArrayList<>();
        HttpResponse<String> tooMany = null;
        try {
            // bursts of 4 x the rate at once from this one address until one is refused (the window is a second)
            for (int burst = 0; tooMany == null && burst < 20; burst++) {
                List<Delivery> deliveries = new ArrayList<>();
                List<Future<HttpResponse<String>>> answers = new ArrayList<>();
                for (int i = 0; i < 4 * RATE; i++) {
                    Delivery d = signed(joined(busy, "EV_r" + burst + "_" + i, "PA_r" + burst + "_" + i, now));
                    deliveries.add(d);
                    answers.add(senders.submit(() -> deliver(d)));
                }
                for (int i = 0; i < deliveries.size(); i++) {
                    HttpResponse<String> answer = answers.get(i).get();
                    if (answer.statusCode() == 429) {
                        tooMany = answer;
                        refused.add(deliveries.get(i));
                    } else {
                        assertEquals("recorded", result(answer));
                        recorded.add("PA_r" + burst + "_" + i);
                    }
                }
            }
        } finally {
            senders.shutdownNow();
        }
        assertNotNull(tooMany, "a burst of " + 4 * RATE + " deliveries at once exceeded " + RATE + "/s");
        assertProblem(tooMany, 429, "webhook-rate-limited");
        assertEquals(Optional.of("1"), tooMany.headers().firstValue("Retry-After"));

        assertEquals(recorded.stream().sorted().toList(), sids(busy, "Busy"), "what was refused is not recorded");
        assertTrue(sample(metrics(), "roomkeeper_participants_webhooks_total", "result=\"rate-limited\"")
                >= refusedBefore + refused.size(), "refusals are counted");
        // as LiveKit does: retried after Retry-After, a refused delivery is recorded
        Delivery retried = refused.get(0);
        Awaitility.await("a refused delivery retried").atMost(DEADLINE).pollInterval(Duration.ofSeconds(1))
                .until(() -> deliver(retried).statusCode() == 200);
        assertEquals(recorded.size() + 1, sids(busy, "Busy").size());
    }

    /** Polls the node's readiness (reading the channel each time) until the LiveKit check matches; always UP. */
    private static JsonObject awaitLiveKitCheck(Channel channel, java.util.function.Predicate<JsonObject> condition) {
        JsonObject[] last = new JsonObject[1];
        Awaitility.await("roomkeeper-livekit check").atMost(DEADLINE).pollInterval(Duration.ofMillis(500)).until(() -> {
            sids(channel, channel.name()); // a read of a channel not reconciled asks LiveKit (in the background)
            Api.Reply ready = new Api(node.base(), null).get("/health/ready");
            assertEquals(200, ready.status(), ready::toString);
            JsonObject check = ready.json().getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                    .filter(c -> "roomkeeper-livekit".equals(c.getString("name"))).findFirst()
                    .orElseThrow(() -> new AssertionError("no roomkeeper-livekit check in " + ready));
            assertEquals("UP", check.getString("status"), check::toString);
            last[0] = check;
            return condition.test(check);
        });
        return last[0];
    }

    private static boolean flag(JsonObject check, String name) {
        return "true".equals(text(check.getJsonObject("data").get(name)));
    }

    /** Payara writes every data value as a string, WildFly numbers and booleans as themselves. */
    private static String text(JsonValue value) {
        return value == null ? null : value instanceof jakarta.json.JsonString s ? s.getString() : value.toString();
    }

    /** The sids the cached GET lists for the channel ({@code channel} null: read every channel, without ?channel=). */
    private static List<String> sids(Channel channel, String only) {
        Api.Reply reply = fx.as("ada").get("/api/rooms/" + channel.room() + "/participants"
                + (only == null ? "" : "?channel=" + only));
        assertEquals(200, reply.status(), reply::toString);
        return reply.json().getJsonArray("channels").getValuesAs(JsonObject.class).stream()
                .filter(c -> c.getString("channel").equals(channel.name()))
                .flatMap(c -> c.getJsonArray("participants").getValuesAs(JsonObject.class).stream())
                .map(p -> p.getString("sid")).sorted().toList();
    }

    private static LivekitWebhook.WebhookEvent joined(Channel channel, String id, String sid, long atSeconds) {
        return LiveKitDeliveries.event("participant_joined", id, atSeconds, channel.livekitRoom())
                .setParticipant(LiveKitDeliveries.participant(sid, "user-" + sid, 1, atSeconds, List.of())).build();
    }

    private static LivekitWebhook.WebhookEvent left(Channel channel, String id, String sid, long atSeconds) {
        return LiveKitDeliveries.event("participant_left", id, atSeconds, channel.livekitRoom())
                .setParticipant(LiveKitDeliveries.participant(sid, "user-" + sid, 2, atSeconds, List.of())).build();
    }

    private static Delivery signed(LivekitWebhook.WebhookEvent event) {
        return LiveKitDeliveries.signed(event, Servers.LIVEKIT_KEY, Servers.LIVEKIT_SECRET);
    }

    private static HttpResponse<String> deliver(LivekitWebhook.WebhookEvent event) throws IOException, InterruptedException {
        return deliver(signed(event));
    }

    private static HttpResponse<String> deliver(Delivery delivery) throws IOException, InterruptedException {
        return deliver(delivery.body(), delivery.authorization());
    }

    private static HttpResponse<String> deliver(byte[] body, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(node.base().resolve("/api/livekit/webhook"))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/webhook+json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static String result(HttpResponse<String> answer) {
        assertEquals(200, answer.statusCode(), answer::body);
        return Json.createReader(new StringReader(answer.body())).readObject().getString("result");
    }

    private static void assertProblem(HttpResponse<String> answer, int status, String type) {
        assertEquals(status, answer.statusCode(), answer::body);
        assertTrue(answer.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                () -> answer.headers().map().toString());
        JsonObject problem = Json.createReader(new StringReader(answer.body())).readObject();
        assertEquals("urn:roomkeeper:problem:" + type, problem.getString("type"), problem::toString);
        assertEquals(status, problem.getInt("status"));
    }

    private static String metrics() {
        return new Api(node.base(), null).text("/metrics?scope=application").body();
    }

    /** The first sample of {@code metric} whose labels contain {@code label}; 0 when there is none yet. */
    private static double sample(String metrics, String metric, String label) {
        Matcher sample = Pattern.compile("(?m)^" + Pattern.quote(metric) + "(\\{[^}]*\\})?\\s+(\\S+)").matcher(metrics);
        while (sample.find()) {
            if (sample.group(1) != null && sample.group(1).contains(label)) {
                return Double.parseDouble(sample.group(2));
            }
        }
        return 0;
    }
}
