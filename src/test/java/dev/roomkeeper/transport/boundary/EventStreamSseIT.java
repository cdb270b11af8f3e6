package dev.roomkeeper.transport.boundary;

import dev.roomkeeper.testing.Fixtures;
import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.Servers;
import dev.roomkeeper.testing.SseReader;
import dev.roomkeeper.testing.TestTokens;
import dev.roomkeeper.testing.SseReader.SseEvent;
import dev.roomkeeper.testing.WsClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import static dev.roomkeeper.testing.Fixtures.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The same stream over Server-Sent Events, resumable with Last-Event-ID. */
class EventStreamSseIT {

    @Test
    void sseDeliversLiveEventsAndResumesWithLastEventId() throws Exception {
        PayaraNode node = Servers.embedded();
        Fixtures fx = new Fixtures(node);
        String room = fx.room().getString("id");
        fx.member(room, "ada", "host");
        String token = Fixtures.token("ada");

        String lastId;
        try (SseReader sse = SseReader.open(node, "/api/rooms/" + room + "/events?access_token=" + token, null);
             WsClient ws = fx.socket("ada")) {
            SseEvent subscribed = sse.next();
            assertEquals("subscribed", subscribed.name());
            String epoch = subscribed.json().getString("epoch");
            ws.send(publish(room, "p1", "{\"n\":1}")).reply("p1");
            SseEvent first = sse.next();
            assertEquals("message", first.name());
            assertEquals(epoch + ":" + first.json().getJsonNumber("seq").longValue(), first.id());
            lastId = first.id();
            ws.send(publish(room, "p2", "{\"n\":2}")).reply("p2");
            ws.send(publish(room, "p3", "{\"n\":3}")).reply("p3");
        }
        try (SseReader resumed = SseReader.open(node, "/api/rooms/" + room + "/events?access_token=" + token, lastId)) {
            JsonObject subscribed = resumed.next().json();
            assertTrue(subscribed.getBoolean("recovered"), subscribed::toString);
            assertEquals(2, subscribed.getInt("replayed"));
            assertEquals(2, resumed.next().json().getJsonObject("data").getJsonObject("body").getInt("n"));
            assertEquals(3, resumed.next().json().getJsonObject("data").getJsonObject("body").getInt("n"));
        }
    }

    @Test
    void sseRefusesMissingTokensNonMembersAndMalformedLastEventId() throws Exception {
        PayaraNode node = Servers.embedded();
        Fixtures fx = new Fixtures(node);
        String room = fx.room().getString("id");
        fx.member(room, "ada", "host");
        HttpClient http = HttpClient.newHttpClient();
        assertEquals(401, http.send(HttpRequest.newBuilder(node.base().resolve("/api/rooms/" + room + "/events")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        HttpResponse<String> stranger = http.send(HttpRequest.newBuilder(node.base().resolve("/api/rooms/" + room
                + "/events?access_token=" + Fixtures.token("eve"))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, stranger.statusCode());
        assertTrue(stranger.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        HttpResponse<String> malformed = http.send(HttpRequest.newBuilder(node.base().resolve("/api/rooms/" + room
                        + "/events?access_token=" + Fixtures.token("ada"))).header("Last-Event-ID", "abc:xyz").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, malformed.statusCode());
        // an empty epoch, a seq out of range or with a sign: refused, where ":5" once resumed after 5 of any epoch
        for (String lastEventId : new String[]{":5", "9f3a2c1b:18446744073709551619", "9f3a2c1b:+5", "9f3a2c1b:5:6", "abc:"}) {
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(node.base().resolve("/api/rooms/" + room
                            + "/events?access_token=" + Fixtures.token("ada"))).header("Last-Event-ID", lastEventId)
                            .timeout(Duration.ofSeconds(10)).build(), // accepted, it would be an endless stream
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, refused.statusCode(), lastEventId);
            assertTrue(refused.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
            assertTrue(refused.body().contains("\"field\":\"Last-Event-ID\""), refused::body);
        }
        HttpResponse<String> since = http.send(HttpRequest.newBuilder(node.base().resolve("/api/rooms/" + room
                + "/events?since=18446744073709551619&access_token=" + Fixtures.token("ada"))).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, since.statusCode());
        assertTrue(since.body().contains("\"field\":\"since\""), since::body);
    }

    /**
     * The stream ends at the deadline authentication applies, exp plus the clock skew (30 s by default): a token
     * 25 s past its exp opens the stream, which then lasts until that deadline, not a second.
     */
    @Test
    void aStreamWhoseTokenExpiresEndsWithTokenExpiredNamingTheLastSeqSentAtExpPlusSkew() throws Exception {
        PayaraNode node = Servers.embedded();
        Fixtures fx = new Fixtures(node);
        String room = fx.room().getString("id");
        fx.member(room, "ada", "host");
        try (WsClient ws = fx.socket("ada")) {
            Instant exp = Instant.now().minusSeconds(25);
            Instant deadline = Instant.ofEpochSecond(exp.getEpochSecond()).plusSeconds(30);
            String late = TestTokens.forUser("ada").expiresAt(exp).hs256(Servers.SECRET);
            try (SseReader sse = SseReader.open(node, "/api/rooms/" + room + "/events?access_token=" + late, null)) {
                assertEquals("subscribed", sse.next().name());
                ws.send(publish(room, "p1", "{\"n\":1}")).reply("p1");
                SseEvent published = sse.next();
                assertEquals("message", published.name());
                SseEvent expired = sse.next();
                Instant endedBy = Instant.now();
                assertEquals("token-expired", expired.name(), expired::toString);
                assertFalse(endedBy.isBefore(deadline), () -> "token-expired at " + endedBy + ", before exp + skew " + deadline);
                assertEquals(published.json().getJsonNumber("seq").longValue(),
                        expired.json().getJsonNumber("seq").longValue(), "names the last event sent, to resume from");
                assertTrue(sse.awaitEnd(), "the stream ends after token-expired");
            }
        }
    }

    /** Browsers' EventSource cannot send headers, so event streams take access_token; nothing else does. */
    @Test
    void onlyEventStreamsTakeTheTokenFromTheQuery() throws Exception {
        PayaraNode node = Servers.embedded();
        Fixtures fx = new Fixtures(node);
        String room = fx.room().getString("id");
        fx.member(room, "ada", "host");
        String query = "?access_token=" + Fixtures.token("ada");
        HttpClient http = HttpClient.newHttpClient();

        for (String path : new String[]{"/api/me/rooms", "/api/rooms/" + room, "/api/rooms/" + room + "/members"}) {
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(node.base().resolve(path + query)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, refused.statusCode(), path);
            assertTrue(refused.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), path);
        }
        try (SseReader sse = SseReader.open(node, "/api/rooms/" + room + "/events" + query, null)) {
            assertEquals("subscribed", sse.next().name());
        }
    }

    @Test
    void aClosedRoomsStreamSendsRoomClosedThenEnds() throws Exception {
        PayaraNode node = Servers.embedded();
        Fixtures fx = new Fixtures(node);
        String room = fx.room().getString("id");
        fx.member(room, "ada", "host");
        try (SseReader sse = SseReader.open(node, "/api/rooms/" + room + "/events?access_token=" + Fixtures.token("ada"), null)) {
            assertEquals("subscribed", sse.next().name());
            assertEquals(200, fx.admin().post("/api/rooms/" + room + "/close", "{\"reason\":\"done\"}").status());
            SseEvent closed = sse.next();
            assertEquals("room.closed", closed.name(), closed::toString);
            assertEquals("done", closed.json().getJsonObject("data").getString("reason"));
            assertTrue(sse.awaitEnd(), "the stream ends after room.closed");
        }
    }
}
