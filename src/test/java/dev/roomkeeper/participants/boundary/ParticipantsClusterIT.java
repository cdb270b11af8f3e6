package dev.roomkeeper.participants.boundary;

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
import java.util.List;

import static dev.roomkeeper.testing.Fixtures.subscribe;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Media participants on two nodes sharing Redis and PostgreSQL (node A and B of {@link Servers}): what one node
 * ingests, the other serves and pushes; a redelivery to the other node is a duplicate; a late join delivered to one
 * node after its left was delivered to the other resurrects nobody.
 */
class ParticipantsClusterIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

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
