package dev.roomkeeper.participants.boundary;

import dev.roomkeeper.testing.Api;
import dev.roomkeeper.testing.Fixtures;
import dev.roomkeeper.testing.LiveKitDeliveries;
import dev.roomkeeper.testing.LiveKitDeliveries.Delivery;
import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.Servers;
import dev.roomkeeper.testing.SseReader;
import dev.roomkeeper.testing.WsClient;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import livekit.LivekitModels;
import livekit.LivekitWebhook;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.List;

import static dev.roomkeeper.testing.Fixtures.subscribe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Media participants on a running node (in-process engine, H2): deliveries signed as LiveKit signs them, with the
 * SDK's own token class, reach WebSocket and SSE subscribers as participants.* events and the cached GET; what is
 * not verified is refused and changes nothing; repeats and late deliveries change nothing.
 */
class ParticipantsIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String CHANNEL = "General Lounge";

    private PayaraNode node;
    private Fixtures fx;
    private String room;
    private String slug;
    private LivekitModels.Room livekitRoom;

    @BeforeEach
    void room() {
        node = Servers.embedded();
        fx = new Fixtures(node);
        JsonObject created = fx.room();
        room = created.getString("id");
        slug = created.getString("slug");
        fx.member(room, "ada", "host");
        livekitRoom = LiveKitDeliveries.room(slug + "-" + CHANNEL, "RM_" + slug);
    }

    @Test
    void aVerifiedJoinReachesWebSocketAndSseSubscribersAndTheCachedGet() throws Exception {
        String token = Fixtures.token("ada");
        try (WsClient ws = fx.socket("ada");
             SseReader sse = SseReader.open(node, "/api/rooms/" + room + "/events?access_token=" + token, null)) {
            ws.send(subscribe(room, "s1")).reply("s1");
            assertEquals("subscribed", sse.next().name());

            HttpResponse<String> answer = deliver(signed(joined("EV_j1", "PA_ada", 1, 100)));
            assertEquals(200, answer.statusCode(), answer::body);
            assertEquals("recorded", json(answer.body()).getString("result"));

            JsonObject event = ws.event(room);
            assertEquals("participants.joined", event.getString("type"));
            JsonObject data = event.getJsonObject("data");
            assertEquals(CHANNEL, data.getString("channel"));
            assertEquals("ada", data.getJsonObject("participant").getString("identity"));
            assertEquals("audio", data.getJsonObject("participant").getJsonArray("tracks").getJsonObject(0).getString("kind"));
            SseReader.SseEvent pushed = sse.next();
            assertEquals("participants.joined", pushed.name());
            assertEquals("PA_ada", pushed.json().getJsonObject("data").getJsonObject("participant").getString("sid"));

            // the same snapshot over the socket, valid at the seq of the event just received
            JsonObject snapshot = ws.send("{\"type\":\"participants.snapshot\",\"id\":\"p1\",\"room\":\"" + slug + "\"}")
                    .reply("p1");
            assertEquals("ack", snapshot.getString("type"), snapshot::toString);
            JsonObject result = snapshot.getJsonObject("result");
            assertTrue(result.getJsonNumber("seq").longValue() >= event.getJsonNumber("seq").longValue(), result::toString);
            assertEquals("PA_ada", result.getJsonArray("channels").getJsonObject(0).getJsonArray("participants")
                    .getJsonObject(0).getString("sid"));
            JsonObject unknownField = ws.send("{\"type\":\"participants.snapshot\",\"id\":\"p2\",\"room\":\"" + room
                    + "\",\"sid\":\"x\"}").reply("p2");
            assertEquals("validation", unknownField.getString("code"), unknownField::toString);
        }
        try (WsClient stranger = fx.socket("eve")) {
            JsonObject refused = stranger.send("{\"type\":\"participants.snapshot\",\"id\":\"p3\",\"room\":\"" + room + "\"}")
                    .reply("p3");
            assertEquals("forbidden", refused.getString("code"), refused::toString);
        }

        JsonObject listed = fx.as("ada").get("/api/rooms/" + room + "/participants").json();
        JsonArray channels = listed.getJsonArray("channels");
        assertEquals(1, channels.size(), listed::toString);
        assertEquals(CHANNEL, channels.getJsonObject(0).getString("channel"));
        assertEquals(1, channels.getJsonObject(0).getInt("count"));
        assertEquals("PA_ada", channels.getJsonObject(0).getJsonArray("participants").getJsonObject(0).getString("sid"));
        JsonObject one = fx.as("ada").get("/api/rooms/" + slug + "/participants?channel="
                + CHANNEL.replace(" ", "%20")).json();
        assertEquals(1, one.getJsonArray("channels").getJsonObject(0).getInt("count"), one::toString);
        assertEquals(403, fx.as("eve").get("/api/rooms/" + room + "/participants").status());
    }

    @Test
    void sseResumesWithLastEventIdAcrossParticipantEvents() throws Exception {
        String token = Fixtures.token("ada");
        String lastId;
        try (SseReader sse = SseReader.open(node, "/api/rooms/" + room + "/events?access_token=" + token, null)) {
            assertEquals("subscribed", sse.next().name());
            assertEquals(200, deliver(signed(joined("EV_r1", "PA_r", 1, 100))).statusCode());
            SseReader.SseEvent first = sse.next();
            assertEquals("participants.joined", first.name());
            lastId = first.id();
        }
        assertEquals(200, deliver(signed(left("EV_r2", "PA_r", 101))).statusCode());
        try (SseReader resumed = SseReader.open(node, "/api/rooms/" + room + "/events?access_token=" + token, lastId)) {
            assertTrue(resumed.next().json().getBoolean("recovered"));
            SseReader.SseEvent missed = resumed.next();
            assertEquals("participants.left", missed.name());
            assertEquals("PA_r", missed.json().getJsonObject("data").getString("sid"));
        }
    }

    @Test
    void whatIsNotVerifiedIsRefusedAndChangesNothing() throws Exception {
        LivekitWebhook.WebhookEvent event = joined("EV_x1", "PA_eve", 1, 100);
        Delivery good = signed(event);
        byte[] tampered = good.text().replace("PA_eve", "PA_evf").getBytes(StandardCharsets.UTF_8);
        byte[] body = good.body();

        assertRefused(deliver(tampered, good.authorization()));
        assertRefused(deliver(LiveKitDeliveries.signed(event, Servers.LIVEKIT_KEY, "wrong-" + Servers.LIVEKIT_SECRET)));
        assertRefused(deliver(body, null));
        assertRefused(deliver(LiveKitDeliveries.signed(event, "APIunknown", Servers.LIVEKIT_SECRET)));
        assertRefused(deliver(body, LiveKitDeliveries.token(body, Servers.LIVEKIT_KEY, Servers.LIVEKIT_SECRET,
                new Date(System.currentTimeMillis() - 3_600_000))));

        assertEquals(0, count(CHANNEL));
        // the older key of a rotation still verifies
        assertEquals("recorded", json(deliver(LiveKitDeliveries.signed(event, Servers.LIVEKIT_OLD_KEY,
                Servers.LIVEKIT_OLD_SECRET)).body()).getString("result"));
        assertEquals(1, count(CHANNEL));
    }

    @Test
    void aRedeliveryIsIgnoredAndALateJoinAfterItsLeftResurrectsNobody() throws Exception {
        try (WsClient ws = fx.socket("ada")) {
            ws.send(subscribe(room, "s1")).reply("s1");
            Delivery joinedA = signed(joined("EV_d1", "PA_a", 1, 100));
            assertEquals("recorded", result(deliver(joinedA)));
            assertEquals("duplicate", result(deliver(joinedA)));
            // PA_b's left arrives before its joined
            assertEquals("recorded", result(deliver(signed(left("EV_d3", "PA_b", 102)))));
            assertEquals("out-of-order", result(deliver(signed(joined("EV_d2", "PA_b", 1, 101)))));
            assertEquals("recorded", result(deliver(signed(left("EV_d4", "PA_a", 103)))));

            JsonObject first = ws.event(room);
            assertEquals("participants.joined", first.getString("type"));
            assertEquals("PA_a", first.getJsonObject("data").getJsonObject("participant").getString("sid"));
            JsonObject second = ws.event(room);
            assertEquals("participants.left", second.getString("type"), "no second joined, none for PA_b");
            assertEquals("PA_a", second.getJsonObject("data").getString("sid"));
        }
        assertEquals(0, count(CHANNEL));
    }

    @Test
    void roomFinishedEmptiesTheChannel() throws Exception {
        try (WsClient ws = fx.socket("ada")) {
            ws.send(subscribe(room, "s1")).reply("s1");
            assertEquals("recorded", result(deliver(signed(joined("EV_f1", "PA_1", 1, 100)))));
            assertEquals("recorded", result(deliver(signed(joined("EV_f2", "PA_2", 1, 100)))));
            assertEquals(2, count(CHANNEL));
            assertEquals("recorded", result(deliver(signed(LiveKitDeliveries.event("room_finished", "EV_f3", 200,
                    livekitRoom).build()))));

            ws.event(room);
            ws.event(room);
            JsonObject ended = ws.event(room);
            assertEquals("participants.channel-ended", ended.getString("type"));
            assertEquals(2, ended.getJsonObject("data").getJsonArray("sids").size());
        }
        assertEquals(0, count(CHANNEL));
        assertEquals("out-of-order", result(deliver(signed(joined("EV_f4", "PA_3", 1, 150)))));
    }

    @Test
    void unmappedRoomsAndOtherEventsAreAcknowledgedAndCounted() throws Exception {
        assertEquals("unmapped", result(deliver(signed(LiveKitDeliveries.event("participant_joined", "EV_u1", 100,
                        LiveKitDeliveries.room("no-such-room-" + slug + "-Lounge", "RM_u"))
                .setParticipant(LiveKitDeliveries.participant("PA_u", "u", 1, 100, List.of())).build()))));
        assertEquals("ignored", result(deliver(signed(LiveKitDeliveries.event("egress_started", "EV_u2", 100,
                livekitRoom).build()))));

        String metrics = new Api(node.base(), null).text("/metrics").body();
        assertTrue(metrics.contains("roomkeeper_participants_webhooks_total"), "webhook metrics exported");
    }

    private LivekitWebhook.WebhookEvent joined(String id, String sid, int version, long atSeconds) {
        return LiveKitDeliveries.event("participant_joined", id, atSeconds, livekitRoom)
                .setParticipant(LiveKitDeliveries.participant(sid, sid.equals("PA_ada") ? "ada" : "user-" + sid, version,
                        atSeconds, List.of(LiveKitDeliveries.track("TR_" + sid, LivekitModels.TrackType.AUDIO, false))))
                .build();
    }

    private LivekitWebhook.WebhookEvent left(String id, String sid, long atSeconds) {
        return LiveKitDeliveries.event("participant_left", id, atSeconds, livekitRoom)
                .setParticipant(LiveKitDeliveries.participant(sid, "user-" + sid, 9, atSeconds, List.of())).build();
    }

    private static Delivery signed(LivekitWebhook.WebhookEvent event) {
        return LiveKitDeliveries.signed(event, Servers.LIVEKIT_KEY, Servers.LIVEKIT_SECRET);
    }

    private int count(String channel) {
        JsonObject listed = fx.as("ada").get("/api/rooms/" + room + "/participants?channel="
                + channel.replace(" ", "%20")).json();
        return listed.getJsonArray("channels").getJsonObject(0).getInt("count");
    }

    private HttpResponse<String> deliver(Delivery delivery) throws IOException, InterruptedException {
        return deliver(delivery.body(), delivery.authorization());
    }

    /** As LiveKit posts: the bare token in Authorization, the body as signed. */
    private HttpResponse<String> deliver(byte[] body, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(node.base().resolve("/api/livekit/webhook"))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/webhook+json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String result(HttpResponse<String> answer) {
        assertEquals(200, answer.statusCode(), answer::body);
        return json(answer.body()).getString("result");
    }

    private static void assertRefused(HttpResponse<String> answer) {
        assertEquals(401, answer.statusCode(), answer::body);
        assertTrue(answer.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        assertEquals("invalid-webhook", json(answer.body()).getString("type").replaceAll(".*[:/]", ""), answer::body);
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }
}
