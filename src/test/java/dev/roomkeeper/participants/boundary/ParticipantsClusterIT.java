package dev.roomkeeper.participants.boundary;

import dev.roomkeeper.participants.control.SessionHistory;
import dev.roomkeeper.participants.entity.LiveKitEvent;
import dev.roomkeeper.participants.entity.Participant;
import dev.roomkeeper.participants.entity.Track;
import dev.roomkeeper.testing.Fixtures;
import dev.roomkeeper.testing.LiveKitDeliveries;
import dev.roomkeeper.testing.Node;
import dev.roomkeeper.testing.Servers;
import dev.roomkeeper.testing.WsClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import livekit.LivekitModels;
import livekit.LivekitWebhook;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.logging.Logger;

import static dev.roomkeeper.testing.Fixtures.subscribe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Media participants on two nodes sharing Redis and PostgreSQL (node A and B of {@link Servers}): what one node
 * ingests, the other serves and pushes; a redelivery to the other node is a duplicate; a late join delivered to one
 * node after its left was delivered to the other resurrects nobody; about 10,000 shuffled and repeated deliveries
 * split between the two end in the true state, with one event per real change.
 */
class ParticipantsClusterIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Logger LOG = Logger.getLogger(ParticipantsClusterIT.class.getName());

    @Test
    void whatOneNodeIngestsTheOtherServesAndPushes() throws Exception {
        Node a = Servers.nodeA();
        Node b = Servers.nodeB();
        Fixtures fx = new Fixtures(a);
        JsonObject created = fx.room();
        String room = created.getString("id");
        fx.member(room, "ada", "host");
        LivekitModels.Room livekitRoom = LiveKitDeliveries.room(created.getString("slug") + "-Stage", "RM_c1");

        try (WsClient onB = new Fixtures(b).socket("ada")) {
            onB.send(subscribe(room, "s1")).reply("s1");
            LiveKitDeliveries.Delivery joined = signed(LiveKitDeliveries.event("participant_joined", "EV_c1", 100, livekitRoom)
                    .setParticipant(LiveKitDeliveries.participant("PA_c1", "ada", 1, 100, List.of())).build());
            assertEquals("recorded", result(deliver(a, joined)));
            assertEquals("duplicate", result(deliver(b, joined)));
            // PA_c2 leaves on B before its join reaches A
            assertEquals("recorded", result(deliver(b, signed(LiveKitDeliveries.event("participant_left", "EV_c3", 102,
                    livekitRoom).setParticipant(LiveKitDeliveries.participant("PA_c2", "bob", 3, 101, List.of())).build()))));
            assertEquals("out-of-order", result(deliver(a, signed(LiveKitDeliveries.event("participant_joined", "EV_c2",
                    101, livekitRoom).setParticipant(LiveKitDeliveries.participant("PA_c2", "bob", 1, 101, List.of()))
                    .build()))));

            JsonObject event = onB.event(room);
            assertEquals("participants.joined", event.getString("type"));
            assertEquals("PA_c1", event.getJsonObject("data").getJsonObject("participant").getString("sid"));
        }
        JsonObject listed = new Fixtures(b).as("ada").get("/api/rooms/" + room + "/participants?channel=Stage").json();
        assertEquals(1, listed.getJsonArray("channels").getJsonObject(0).getInt("count"), listed::toString);
    }

    /**
     * The randomized ingest across two nodes: about 10,000 deliveries for 1,600 sessions (joining, publishing and
     * unpublishing tracks, leaving or staying), shuffled, half the events repeated, each sent to node A or B at
     * random, 16 at a time: both nodes' GET equal the true final state; a WebSocket subscriber sees at most one
     * {@code joined} per session, one {@code left} for each announced session that is gone and none for those
     * present, and applying the events in seq order ends in the same state.
     */
    @Test
    void randomizedDeliveriesSplitBetweenTwoNodesEndInTheTrueState() throws Exception {
        Node a = Servers.nodeA();
        Node b = Servers.nodeB();
        Fixtures fx = new Fixtures(a);
        JsonObject created = fx.room();
        String room = created.getString("id");
        fx.member(room, "ada", "host");
        LivekitModels.Room livekitRoom = LiveKitDeliveries.room(created.getString("slug") + "-Mix", "RM_mix");
        long seed = System.nanoTime();
        Random random = new Random(seed);
        SessionHistory history = SessionHistory.random(random, livekitRoom.getName(), "RM_mix", 1600,
                System.currentTimeMillis() / 1000 - 120);
        List<LiveKitEvent> deliveries = history.deliveries(random, 0.5); // about 10,000
        Map<String, List<String>> truth = new TreeMap<>();
        history.present().forEach(p -> truth.put(p.sid(), p.tracks().stream().map(t -> t.sid() + (t.muted() ? "/m" : ""))
                .sorted().toList()));
        Set<String> sessions = new HashSet<>();
        history.events.forEach(e -> sessions.add(e.participant().sid()));

        try (WsClient ws = new Fixtures(b).socket("ada")) {
            ws.send(subscribe(room, "s1")).reply("s1");
            Semaphore inFlight = new Semaphore(16);
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (LiveKitEvent event : deliveries) {
                inFlight.acquire();
                Node to = random.nextBoolean() ? a : b;
                LiveKitDeliveries.Delivery d = signed(webhook(event, livekitRoom));
                CompletableFuture<HttpResponse<String>> answer = HTTP.sendAsync(request(to, d),
                        HttpResponse.BodyHandlers.ofString());
                answer.whenComplete((r, e) -> inFlight.release());
                answers.add(answer);
            }
            Map<String, Integer> results = new TreeMap<>();
            for (CompletableFuture<HttpResponse<String>> answer : answers) {
                results.merge(result(answer.join()), 1, Integer::sum);
            }
            LOG.info(() -> deliveries.size() + " deliveries of " + history.events.size() + " events for " + sessions.size()
                    + " sessions over two nodes: " + results + " (seed " + seed + ")");
            assertTrue(Set.of("recorded", "duplicate", "out-of-order").containsAll(results.keySet())
                    && results.getOrDefault("recorded", 0) <= history.events.size(), () -> deliveries.size()
                    + " deliveries of " + history.events.size() + " events: " + results + " (seed " + seed + ")");

            for (Node node : List.of(a, b)) {
                JsonObject listed = new Fixtures(node).as("ada").get("/api/rooms/" + room + "/participants?channel=Mix")
                        .json().getJsonArray("channels").getJsonObject(0);
                Map<String, List<String>> cached = new TreeMap<>();
                listed.getJsonArray("participants").getValuesAs(JsonObject.class).forEach(p -> cached.put(p.getString("sid"),
                        p.getJsonArray("tracks").getValuesAs(JsonObject.class).stream()
                                .map(t -> t.getString("sid") + (t.getBoolean("muted") ? "/m" : "")).sorted().toList()));
                assertEquals(truth, cached, "the cache on " + node.base() + " (seed " + seed + ")");
                assertEquals(truth.size(), listed.getInt("count"));
            }

            // the subscriber's view, built from the events in seq order by the documented client rules
            Map<String, JsonObject> seen = new HashMap<>();
            Set<String> gone = new HashSet<>();
            Map<String, Integer> joins = new HashMap<>();
            Map<String, Integer> lefts = new HashMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (!view(seen).equals(truth) && System.nanoTime() < deadline) {
                Optional<JsonObject> frame = ws.awaitWithin(Duration.ofSeconds(10),
                        f -> "event".equals(f.getString("type", null)));
                if (frame.isEmpty()) {
                    continue;
                }
                JsonObject event = frame.get().getJsonObject("event");
                JsonObject data = event.getJsonObject("data");
                switch (event.getString("type")) {
                    case "participants.joined", "participants.updated" -> {
                        JsonObject p = data.getJsonObject("participant");
                        String sid = p.getString("sid");
                        if (event.getString("type").equals("participants.joined")) {
                            joins.merge(sid, 1, Integer::sum);
                        }
                        JsonObject held = seen.get(sid);
                        if (!gone.contains(sid) && (held == null || newer(p, held))) {
                            seen.put(sid, p);
                        }
                    }
                    case "participants.left" -> {
                        lefts.merge(data.getString("sid"), 1, Integer::sum);
                        seen.remove(data.getString("sid"));
                        gone.add(data.getString("sid"));
                    }
                    default -> fail("unexpected " + event);
                }
            }
            assertEquals(truth, view(seen), "the subscriber's view (seed " + seed + ")");
            ws.drainNow().stream().filter(f -> "event".equals(f.getString("type", null))).forEach(f -> {
                JsonObject event = f.getJsonObject("event");
                if (event.getString("type").equals("participants.joined")) {
                    joins.merge(event.getJsonObject("data").getJsonObject("participant").getString("sid"), 1, Integer::sum);
                } else if (event.getString("type").equals("participants.left")) {
                    lefts.merge(event.getJsonObject("data").getString("sid"), 1, Integer::sum);
                }
            });
            for (String sid : sessions) {
                int joined = joins.getOrDefault(sid, 0);
                int left = lefts.getOrDefault(sid, 0);
                assertTrue(joined <= 1 && left <= 1, sid + ": " + joined + " joined, " + left + " left (seed " + seed + ")");
                if (truth.containsKey(sid)) {
                    assertEquals(List.of(1, 0), List.of(joined, left), sid + " is present (seed " + seed + ")");
                } else {
                    assertEquals(joined, left, sid + " is gone: a left for each join announced (seed " + seed + ")");
                }
            }
        }
    }

    /** Per the client rules: a greater version, or the same version and a time not older. */
    private static boolean newer(JsonObject p, JsonObject held) {
        long v = p.getJsonNumber("version").longValue();
        long heldV = held.getJsonNumber("version").longValue();
        return v > heldV || v == heldV && p.getJsonNumber("at").longValue() >= held.getJsonNumber("at").longValue();
    }

    private static Map<String, List<String>> view(Map<String, JsonObject> seen) {
        Map<String, List<String>> view = new TreeMap<>();
        seen.forEach((sid, p) -> view.put(sid, p.getJsonArray("tracks").getValuesAs(JsonObject.class).stream()
                .map(t -> t.getString("sid") + (t.getBoolean("muted") ? "/m" : "")).sorted().toList()));
        return view;
    }

    /** The history's event as LiveKit's webhook (protobuf JSON) would carry it. */
    private static LivekitWebhook.WebhookEvent webhook(LiveKitEvent event, LivekitModels.Room room) {
        Participant p = event.participant();
        LivekitModels.ParticipantInfo.Builder info = LivekitModels.ParticipantInfo.newBuilder().setSid(p.sid())
                .setIdentity(p.identity()).setVersion((int) p.version()).setJoinedAt(p.joinedAt() / 1000)
                .setState(LivekitModels.ParticipantInfo.State.ACTIVE);
        p.tracks().forEach(t -> info.addTracks(track(t)));
        LivekitWebhook.WebhookEvent.Builder webhook = LiveKitDeliveries.event(event.type(), event.id(),
                event.createdAt() / 1000, room).setParticipant(info);
        if (event.track() != null) {
            webhook.setTrack(track(event.track()));
        }
        return webhook.build();
    }

    private static LivekitModels.TrackInfo track(Track t) {
        boolean audio = t.kind().equals("audio");
        return LivekitModels.TrackInfo.newBuilder().setSid(t.sid())
                .setType(audio ? LivekitModels.TrackType.AUDIO : LivekitModels.TrackType.VIDEO)
                .setSource(audio ? LivekitModels.TrackSource.MICROPHONE : LivekitModels.TrackSource.CAMERA)
                .setMuted(t.muted()).build();
    }

    private static HttpRequest request(Node node, LiveKitDeliveries.Delivery delivery) {
        return HttpRequest.newBuilder(node.base().resolve("/api/livekit/webhook"))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/webhook+json")
                .header("Authorization", delivery.authorization())
                .POST(HttpRequest.BodyPublishers.ofByteArray(delivery.body())).build();
    }

    private static LiveKitDeliveries.Delivery signed(LivekitWebhook.WebhookEvent event) {
        return LiveKitDeliveries.signed(event, Servers.LIVEKIT_KEY, Servers.LIVEKIT_SECRET);
    }

    private static HttpResponse<String> deliver(Node node, LiveKitDeliveries.Delivery delivery)
            throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(node.base().resolve("/api/livekit/webhook"))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/webhook+json")
                .header("Authorization", delivery.authorization())
                .POST(HttpRequest.BodyPublishers.ofByteArray(delivery.body())).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String result(HttpResponse<String> answer) {
        assertEquals(200, answer.statusCode(), answer::body);
        return Json.createReader(new StringReader(answer.body())).readObject().getString("result");
    }
}
