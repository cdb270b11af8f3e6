package dev.roomkeeper.roomstate.boundary;

import dev.roomkeeper.testing.Fixtures;
import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.WsClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

import static dev.roomkeeper.testing.Fixtures.presence;
import static dev.roomkeeper.testing.Fixtures.presenceJoin;
import static dev.roomkeeper.testing.Fixtures.session;
import static dev.roomkeeper.testing.Fixtures.subscribe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Room state as clients see it, over real sockets and REST against the running WAR; runs on each server
 * configuration. Bob is a host who follows the room's stream (without being present), Ada a participant, Otto an
 * observer.
 */
abstract class RoomStateContract {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    abstract PayaraNode node();

    Fixtures fx;
    String room;
    WsClient bob;
    WsClient ada;

    @BeforeEach
    void room() {
        fx = new Fixtures(node());
        room = fx.room().getString("id");
        fx.member(room, "ada", "participant");
        fx.member(room, "bob", "host");
        fx.member(room, "otto", "observer");
        bob = fx.socket("bob");
        assertEquals("ack", bob.send(subscribe(room, "w")).reply("w").getString("type"));
        ada = fx.socket("ada");
    }

    @AfterEach
    void close() {
        bob.close();
        ada.close();
    }

    // ---- frames

    static String frame(String type, String id, String room, String fields) {
        return "{\"type\":\"" + type + "\",\"id\":\"" + id + "\",\"room\":\"" + room + "\"" + (fields.isEmpty() ? "" : "," + fields) + "}";
    }

    JsonObject ack(WsClient socket, String type, String id, String fields) {
        JsonObject reply = socket.send(frame(type, id, room, fields)).reply(id);
        assertEquals("ack", reply.getString("type"), reply::toString);
        return reply.getJsonObject("result");
    }

    JsonObject error(WsClient socket, String type, String id, String fields) {
        JsonObject reply = socket.send(frame(type, id, room, fields)).reply(id);
        assertEquals("error", reply.getString("type"), reply::toString);
        return reply;
    }

    static Predicate<JsonObject> stateEvent(String type) {
        return f -> "event".equals(f.getString("type")) && type.equals(f.getJsonObject("event").getString("type"));
    }

    // ---- REST with headers

    record Http(int status, Map<String, List<String>> headers, String body) {
        JsonObject json() {
            try (JsonReader reader = Json.createReader(new StringReader(body))) {
                return reader.readObject();
            }
        }

        String etag() {
            return headers.getOrDefault("etag", List.of("")).get(0);
        }
    }

    Http http(String user, String method, String path, String body, String... headers) {
        return httpOn(node(), user, method, path, body, headers);
    }

    Http httpOn(PayaraNode node, String user, String method, String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(node.base().resolve("/api/rooms/" + room + "/state" + path))
                .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + Fixtures.token(user))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Http(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Map<String, String> restSnapshot() {
        Http snapshot = http("otto", "GET", "", null);
        assertEquals(200, snapshot.status(), snapshot::toString);
        return entries(snapshot.json());
    }

    static Map<String, String> entries(JsonObject snapshot) {
        Map<String, String> entries = new TreeMap<>();
        snapshot.getJsonObject("entries").forEach((key, entry) -> entries.put(key, entry.asJsonObject().get("value").toString()));
        return entries;
    }

    /** Applies one state event to a client's copy, as a client does. */
    static void fold(Map<String, String> copy, JsonObject event) {
        JsonObject data = event.getJsonObject("data");
        switch (event.getString("type")) {
            case "state.set" -> copy.put(data.getString("key"), data.get("value").toString());
            case "state.delete" -> copy.remove(data.getString("key"));
            case "state.cleared" -> {
                List<String> kept = data.getJsonArray("kept").getValuesAs(JsonString::getString);
                copy.keySet().removeIf(key -> kept.stream().noneMatch(key::startsWith));
            }
            default -> {
            }
        }
    }

    // ---- tests

    @Test
    void aSnapshotAndTheEventsAfterItsSeqRebuildTheState() {
        ack(ada, "state.set", "s1", "\"key\":\"score\",\"value\":{\"a\":1}");
        ack(ada, "state.increment", "s2", "\"key\":\"votes\",\"by\":5");
        ack(ada, "state.set", "s3", "\"key\":\"user/ada/cursor\",\"value\":[3,4]");
        JsonObject snapshot = ack(bob, "state.snapshot", "snap", "");
        assertEquals(3, snapshot.getInt("keys"));
        assertEquals(100, snapshot.getJsonObject("limits").getInt("maxKeys"));
        assertEquals(Map.of("score", "{\"a\":1}", "votes", "5", "user/ada/cursor", "[3,4]"), entries(snapshot));

        ack(ada, "state.increment", "s4", "\"key\":\"votes\",\"by\":-2");
        ack(ada, "state.delete", "s5", "\"key\":\"score\"");
        assertEquals(200, http("ada", "PUT", "/topic", "\"state machines\"").status());
        assertEquals(200, http("ada", "POST", "/votes/increment", "{\"by\":10}").status());
        ack(ada, "state.set", "s6", "\"key\":\"typing\",\"value\":true,\"ttlMs\":1");
        JsonObject expired = bob.await(f -> stateEvent("state.delete").test(f)
                && "expired".equals(f.getJsonObject("event").getJsonObject("data").getString("reason")));
        long last = expired.getJsonObject("event").getJsonNumber("seq").longValue();

        Map<String, String> folded = new TreeMap<>(entries(snapshot));
        for (JsonObject f : bob.seen()) {
            if ("event".equals(f.getString("type"))) {
                JsonObject event = f.getJsonObject("event");
                long seq = event.getJsonNumber("seq").longValue();
                if (seq > snapshot.getJsonNumber("seq").longValue() && seq <= last) {
                    fold(folded, event);
                }
            }
        }
        assertEquals(restSnapshot(), folded);
        assertEquals(Map.of("votes", "13", "topic", "\"state machines\"", "user/ada/cursor", "[3,4]"), folded);
    }

    @Test
    void everyChangeIsOneEventCarryingKeyValueVersionAndAuthor() {
        JsonObject result = ack(ada, "state.set", "s", "\"key\":\"score\",\"value\":7");
        JsonObject event = bob.await(stateEvent("state.set")).getJsonObject("event");
        assertEquals(result.getJsonNumber("version").longValue(), event.getJsonNumber("seq").longValue());
        JsonObject data = event.getJsonObject("data");
        assertEquals("score", data.getString("key"));
        assertEquals(7, data.getInt("value"));
        assertEquals(event.getJsonNumber("seq").longValue(), data.getJsonNumber("version").longValue());
        assertEquals("ada", data.getString("by"));
        JsonObject get = ack(bob, "state.get", "g", "\"key\":\"score\"");
        assertTrue(get.getBoolean("exists"));
        assertEquals(7, get.getInt("value"));
        assertFalse(ack(bob, "state.get", "g2", "\"key\":\"nothing\"").getBoolean("exists"));
    }

    @Test
    void observersReadOnlyAndEachNamespaceHasItsWriters() {
        try (WsClient otto = fx.socket("otto")) {
            assertEquals("forbidden", error(otto, "state.set", "o1", "\"key\":\"score\",\"value\":1").getString("code"));
            assertEquals("forbidden", error(otto, "state.increment", "o2", "\"key\":\"votes\"").getString("code"));
            assertEquals(0, ack(otto, "state.snapshot", "o3", "").getInt("keys"), "observers read");
        }
        assertEquals(403, http("otto", "PUT", "/score", "1").status());
        assertEquals("forbidden", error(ada, "state.set", "a1", "\"key\":\"user/bob/x\",\"value\":1").getString("code"));
        ack(ada, "state.set", "a2", "\"key\":\"user/ada/x\",\"value\":1");
        assertEquals("forbidden", error(bob, "state.delete", "b0", "\"key\":\"user/ada/x\"").getString("code"),
                "not even a host writes another user's keys");
        assertEquals("forbidden", error(ada, "state.set", "a3", "\"key\":\"ui/pinned\",\"value\":\"m1\"").getString("code"));
        assertEquals("forbidden", error(ada, "state.set", "a4", "\"key\":\"room/kept\",\"value\":[]").getString("code"));
        assertEquals("forbidden", error(bob, "state.set", "b1", "\"key\":\"watch/ada\",\"value\":1").getString("code"),
                "feature namespaces are no client's");
        ack(bob, "state.set", "b2", "\"key\":\"ui/pinned\",\"value\":\"m1\"");
        ack(bob, "state.set", "b3", "\"key\":\"ui/announcement\",\"value\":\"Back in 5\",\"ttlMs\":60000");
        JsonObject invalid = error(bob, "state.set", "b4", "\"key\":\"ui/spotlight\",\"value\":{\"user\":\"ada\"}");
        assertEquals("validation", invalid.getString("code"));
        assertEquals("value", invalid.getJsonArray("errors").getJsonObject(0).getString("field"));
        assertEquals("validation", error(bob, "state.set", "b5", "\"key\":\"ui/theme\",\"value\":\"dark\"").getString("code"));
        assertEquals("validation", error(ada, "state.set", "a5", "\"key\":\"bad key\",\"value\":1").getString("code"));

        Http admin = http("admin-x", "GET", "", null);
        assertEquals(403, admin.status(), "a stranger (no membership) reads nothing: " + admin.body());
        Map<String, String> now = restSnapshot();
        assertEquals(Map.of("user/ada/x", "1", "ui/pinned", "\"m1\"", "ui/announcement", "\"Back in 5\""), now);
    }

    @Test
    void vacatingClearsTheStateWithOneEventButTheKeptNamespacesStayUntilTheRoomCloses() {
        ack(bob, "state.set", "k", "\"key\":\"room/kept\",\"value\":[\"ui/\"]");
        String s = session();
        ada.send(presenceJoin(room, "j", s, 10_000, null)).reply("j");
        ack(ada, "state.set", "a1", "\"key\":\"score\",\"value\":3");
        ack(ada, "state.set", "a2", "\"key\":\"user/ada/cursor\",\"value\":[1,2]");
        ack(bob, "state.set", "b1", "\"key\":\"ui/pinned\",\"value\":\"m9\"");

        ada.send(presence("leave", room, "l", s)).reply("l");
        JsonObject cleared = bob.await(stateEvent("state.cleared")).getJsonObject("event").getJsonObject("data");
        assertEquals("vacated", cleared.getString("reason"));
        assertEquals(List.of("room/", "ui/"), cleared.getJsonArray("kept").getValuesAs(JsonString::getString));
        assertEquals(Map.of("room/kept", "[\"ui/\"]", "ui/pinned", "\"m9\""), restSnapshot());

        // once more: a second vacate with only kept keys clears nothing and says nothing
        String again = session();
        ada.send(presenceJoin(room, "j2", again, 10_000, null)).reply("j2");
        ada.send(presence("leave", room, "l2", again)).reply("l2");
        bob.send(Fixtures.publish(room, "marker", "{\"marker\":true}")).reply("marker");
        bob.await(f -> "event".equals(f.getString("type")) && "message".equals(f.getJsonObject("event").getString("type")));
        assertEquals(List.of(), bob.drainNow().stream().filter(stateEvent("state.cleared")).toList());

    }

    @Test
    void restWritesAreConditionalRequestsWithVersionsAsEtags() {
        Http created = http("ada", "PUT", "/doc/title", "\"Draft\"", "If-None-Match", "*");
        assertEquals(200, created.status(), created::toString);
        String v1 = created.etag();
        assertEquals("\"" + created.json().getJsonNumber("version") + "\"", v1);

        Http again = http("ada", "PUT", "/doc/title", "\"Other\"", "If-None-Match", "*");
        assertEquals(412, again.status());
        assertTrue(again.headers().get("content-type").get(0).startsWith("application/problem+json"));
        JsonObject problem = again.json();
        assertEquals("urn:roomkeeper:problem:version-conflict", problem.getString("type"));
        assertEquals("Draft", problem.getJsonObject("current").getString("value"));

        Http cas = http("ada", "PUT", "/doc/title", "\"Final\"", "If-Match", v1);
        assertEquals(200, cas.status());
        Http stale = http("ada", "PUT", "/doc/title", "\"Lost\"", "If-Match", v1);
        assertEquals(412, stale.status());
        assertEquals("Final", stale.json().getJsonObject("current").getString("value"));
        assertEquals(cas.json().getJsonNumber("version").longValue(),
                stale.json().getJsonObject("current").getJsonNumber("version").longValue());

        Http read = http("otto", "GET", "/doc/title", null);
        assertEquals(200, read.status());
        assertEquals(cas.etag(), read.etag());
        assertEquals(412, http("ada", "DELETE", "/doc/title", null, "If-Match", v1).status());
        assertEquals(200, http("ada", "DELETE", "/doc/title", null, "If-Match", cas.etag()).status());
        assertEquals(404, http("otto", "GET", "/doc/title", null).status());
        assertEquals(404, http("ada", "DELETE", "/doc/title", null).status());
        assertEquals(400, http("ada", "PUT", "/doc/title", "1", "If-Match", "W/\"3\"").status());

        // over the socket a failed condition is an error frame with the same members
        long version = ack(ada, "state.set", "c1", "\"key\":\"n\",\"value\":1").getJsonNumber("version").longValue();
        ack(ada, "state.set", "c2", "\"key\":\"n\",\"value\":2,\"ifVersion\":" + version);
        JsonObject conflict = error(ada, "state.set", "c3", "\"key\":\"n\",\"value\":3,\"ifVersion\":" + version);
        assertEquals("version-conflict", conflict.getString("code"));
        assertEquals(2, conflict.getJsonObject("current").getInt("value"));
        assertEquals("version-conflict", error(ada, "state.set", "c4", "\"key\":\"n\",\"value\":3,\"ifAbsent\":true").getString("code"));
    }

    @Test
    void quotasAreRefusedNamingTheLimitAndTheUsage() {
        String big = "\"" + "x".repeat(1100) + "\"";
        Http tooBig = http("ada", "PUT", "/big", big);
        assertEquals(413, tooBig.status());
        JsonObject problem = tooBig.json();
        assertEquals("urn:roomkeeper:problem:quota-exceeded", problem.getString("type"));
        assertEquals("max-value-bytes", problem.getString("limit"));
        assertEquals(1024, problem.getInt("max"));
        assertEquals(1102, problem.getInt("valueBytes"));
        assertEquals(0, problem.getJsonObject("usage").getInt("keys"), "nothing stored");

        ack(ada, "state.set", "t", "\"key\":\"title\",\"value\":\"x\"");
        ack(ada, "state.set", "w", "\"key\":\"word\",\"value\":\"hello\"");
        JsonObject error = error(ada, "state.increment", "nan", "\"key\":\"word\"");
        assertEquals("not-a-number", error.getString("code"));
        assertEquals("hello", error.getJsonObject("current").getString("value"));
    }

    @Test
    void aSocketMayObserveOnlyTheKeysUnderSomePrefixes() {
        try (WsClient ui = fx.socket("otto")) {
            ui.send(subscribe(room, "sub")).reply("sub");
            JsonObject observed = ack(ui, "state.observe", "o", "\"prefixes\":[\"ui/\"]");
            assertEquals(List.of("ui/"), observed.getJsonArray("prefixes").getValuesAs(JsonString::getString));
            ack(ada, "state.set", "a", "\"key\":\"score\",\"value\":1");
            ack(bob, "state.set", "b", "\"key\":\"ui/pinned\",\"value\":\"m1\"");
            ack(ada, "state.delete", "c", "\"key\":\"score\"");
            bob.send(Fixtures.publish(room, "marker", "{\"marker\":true}")).reply("marker");
            ui.await(f -> "event".equals(f.getString("type")) && "message".equals(f.getJsonObject("event").getString("type")));
            List<String> keys = ui.seen().stream().filter(f -> "event".equals(f.getString("type")))
                    .map(f -> f.getJsonObject("event"))
                    .filter(e -> e.getString("type").startsWith("state."))
                    .map(e -> e.getJsonObject("data").getString("key")).toList();
            assertEquals(List.of("ui/pinned"), keys);

            ack(ui, "state.observe", "all", "\"prefixes\":[]");
            ack(ada, "state.set", "d", "\"key\":\"score\",\"value\":2");
            JsonObject widened = ui.await(f -> stateEvent("state.set").test(f)
                    && "score".equals(f.getJsonObject("event").getJsonObject("data").getString("key")));
            assertEquals(2, widened.getJsonObject("event").getJsonObject("data").getInt("value"),
                    "only the change made after widening: the earlier ones were never sent");
        }
    }
}
