package dev.roomkeeper.inserver;

import dev.roomkeeper.testing.Api;
import dev.roomkeeper.testing.TestTokens;
import dev.roomkeeper.testing.WsClient;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The example feature of the test deployment ({@code inserver/tally}) over a real WebSocket: its frame type reaches
 * its handler, its ack carries what it answered, and its events reach every subscriber, without a line of the
 * socket core knowing it.
 */
@ExtendWith(ArquillianExtension.class)
class ExampleFeatureIT {

    @Deployment(name = InServer.NAME)
    static WebArchive deployment() {
        return InServer.war();
    }

    @ArquillianResource
    URL deployed;

    @Test
    @RunAsClient
    void aFeaturesOwnFrameTypeIsRoutedToItsHandlerAndItsEventsReachSubscribers() {
        URI base = URI.create("http://127.0.0.1:" + deployed.getPort() + deployed.getPath());
        URI ws = URI.create("ws://127.0.0.1:" + deployed.getPort() + deployed.getPath() + "ws");
        Api admin = new Api(base, token("admin-" + UUID.randomUUID().toString().substring(0, 6), true));
        String slug = "tally-" + UUID.randomUUID().toString().substring(0, 8);
        Api.Reply created = admin.post("api/rooms", "{\"title\":\"Tally\",\"slug\":\"" + slug + "\",\"kind\":\"huddle\"}");
        assertEquals(201, created.status(), created::toString);
        String roomId = created.json().getString("id");
        assertEquals(201, admin.post("api/rooms/" + roomId + "/members", "{\"userId\":\"ann\",\"role\":\"participant\"}").status());
        assertEquals(201, admin.post("api/rooms/" + roomId + "/members", "{\"userId\":\"obs\",\"role\":\"observer\"}").status());

        try (WsClient ann = WsClient.authenticated(ws, token("ann", false));
             WsClient watcher = WsClient.authenticated(ws, token("obs", false))) {
            watcher.send("{\"type\":\"subscribe\",\"id\":\"s1\",\"room\":\"" + slug + "\"}");
            assertEquals("ack", watcher.reply("s1").getString("type"));

            ann.send("{\"type\":\"tally.add\",\"id\":\"t1\",\"room\":\"" + slug + "\",\"key\":\"hands\"}");
            ann.send("{\"type\":\"tally.add\",\"id\":\"t2\",\"room\":\"" + slug + "\",\"key\":\"hands\",\"by\":2}");
            JsonObject second = ann.reply("t2");
            assertEquals(3, second.getJsonObject("result").getInt("count"));

            JsonObject event = watcher.await(f -> "event".equals(f.getString("type", ""))
                    && f.getJsonObject("event").getJsonObject("data").getInt("value", 0) == 3).getJsonObject("event");
            assertEquals("tally.set", event.getString("type"));
            assertEquals("ann", event.getJsonObject("data").getString("by"));
            assertEquals(second.getJsonObject("result").getInt("version"), event.getInt("seq"));

            watcher.send("{\"type\":\"tally.add\",\"id\":\"t3\",\"room\":\"" + slug + "\",\"key\":\"hands\"}");
            assertEquals("forbidden", watcher.reply("t3").getString("code"), "the feature's own rule");
        }
    }

    private static String token(String user, boolean admin) {
        TestTokens.Claims claims = TestTokens.forUser(user).name(user).expiresIn(Duration.ofHours(1));
        return (admin ? claims.admin() : claims).hs256(InServer.secret());
    }
}
