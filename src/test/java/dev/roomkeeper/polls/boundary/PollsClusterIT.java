package dev.roomkeeper.polls.boundary;

import dev.roomkeeper.testing.Api;
import dev.roomkeeper.testing.Fixtures;
import dev.roomkeeper.testing.Node;
import dev.roomkeeper.testing.Servers;
import dev.roomkeeper.testing.TestTokens;
import dev.roomkeeper.testing.WsClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Polls on two nodes sharing Redis and PostgreSQL (node A and B of {@link Servers}): 500 concurrent voters spread
 * over both nodes give an exact tally with one vote per user, changes counted once; a poll closes at its close time
 * once; the audit rows are in the database after the close; the frames refuse what they must.
 */
class PollsClusterIT {

    private static final int VOTERS = 500;
    private static final String[] OPTIONS = {"a", "b", "c"};

    private static String token(String user, String room, String role) {
        return TestTokens.forUser(user).name(user).room(room, role).expiresIn(Duration.ofHours(1)).hs256(Servers.SECRET);
    }

    private static Predicate<JsonObject> event(String type, Predicate<JsonObject> data) {
        return f -> "event".equals(f.getString("type", "")) && type.equals(f.getJsonObject("event").getString("type"))
                && data.test(f.getJsonObject("event").getJsonObject("data"));
    }

    private static Map<String, Long> counts(JsonObject counts) {
        Map<String, Long> map = new HashMap<>();
        counts.forEach((k, v) -> map.put(k, ((jakarta.json.JsonNumber) v).longValue()));
        return map;
    }

    @Test
    void fiveHundredConcurrentVotesOnTwoNodesGiveAnExactTallyWithOneVotePerUserAndAreRecordedAtTheClose() throws Exception {
        Node a = Servers.nodeA();
        Node b = Servers.nodeB();
        Fixtures onA = new Fixtures(a);
        String room = onA.room().getString("id");
        Api hostOnA = new Api(a.base(), token("host-1", room, "host"));
        Api hostOnB = new Api(b.base(), token("host-1", room, "host"));
        Api.Reply created = hostOnA.post("/api/rooms/" + room + "/polls",
                "{\"question\":\"Which day?\",\"options\":[\"Mon\",\"Tue\",\"Wed\"]}");
        assertEquals(201, created.status(), created::toString);
        String pollId = created.json().getString("pollId");

        try (WsClient watcher = WsClient.authenticated(b.ws(), token("watcher", room, "observer"))) {
            watcher.send(Fixtures.subscribe(room, "s")).reply("s");
            Map<String, String> finalChoice = new ConcurrentHashMap<>();
            ExecutorService pool = Executors.newFixedThreadPool(32);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < VOTERS; i++) {
                int n = i;
                done.add(pool.submit(() -> {
                    start.await();
                    String user = "voter-" + n;
                    Api first = new Api((n % 2 == 0 ? a : b).base(), token(user, room, "participant"));
                    Api other = new Api((n % 2 == 0 ? b : a).base(), token(user, room, "participant"));
                    String choice = OPTIONS[n % 3];
                    Api.Reply vote = first.post("/api/rooms/" + room + "/polls/" + pollId + "/votes",
                            "{\"options\":[\"" + choice + "\"]}");
                    assertEquals(200, vote.status(), vote::toString);
                    assertEquals(JsonValue.FALSE, vote.json().get("changed"), "the voter's own ack");
                    if (n % 5 == 0) { // a fifth change their vote, through the other node
                        choice = OPTIONS[(n + 1) % 3];
                        Api.Reply change = other.post("/api/rooms/" + room + "/polls/" + pollId + "/votes",
                                "{\"options\":[\"" + choice + "\"]}");
                        assertEquals(200, change.status(), change::toString);
                        assertEquals(JsonValue.TRUE, change.json().get("changed"));
                    }
                    if (n % 7 == 0) { // some send the same vote again
                        Api.Reply again = other.post("/api/rooms/" + room + "/polls/" + pollId + "/votes",
                                "{\"options\":[\"" + choice + "\"]}");
                        assertEquals(200, again.status(), again::toString);
                        assertEquals(JsonValue.FALSE, again.json().get("changed"));
                    }
                    finalChoice.put(user, choice);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(5, TimeUnit.MINUTES);
            }
            pool.shutdown();
            Map<String, Long> expected = new HashMap<>(Map.of("a", 0L, "b", 0L, "c", 0L));
            finalChoice.values().forEach(c -> expected.merge(c, 1L, Long::sum));

            // the coalesced push reaches the room with the exact counts
            watcher.await(event("poll.tally", d -> d.getString("pollId").equals(pollId)
                    && d.getInt("totalVoters") == VOTERS && counts(d.getJsonObject("counts")).equals(expected)));
            JsonObject listed = new Api(b.base(), token("voter-1", room, "participant"))
                    .get("/api/rooms/" + room + "/polls").json().getJsonArray("items").getJsonObject(0);
            assertEquals(expected, counts(listed.getJsonObject("counts")));
            assertEquals("open", listed.getString("state"));

            Api.Reply closed = hostOnB.post("/api/rooms/" + room + "/polls/" + pollId + "/close", null);
            assertEquals(200, closed.status(), closed::toString);
            assertEquals(expected, counts(closed.json().getJsonObject("counts")));
            assertEquals(VOTERS, closed.json().getInt("totalVoters"));
            JsonObject announced = watcher.await(event("poll.closed", d -> d.getString("pollId").equals(pollId)))
                    .getJsonObject("event").getJsonObject("data");
            assertEquals(expected, counts(announced.getJsonObject("counts")));
            assertEquals("host", announced.getString("closeReason"));

            Api.Reply late = new Api(a.base(), token("late", room, "participant"))
                    .post("/api/rooms/" + room + "/polls/" + pollId + "/votes", "{\"options\":[\"a\"]}");
            assertEquals(409, late.status(), late::toString);
            assertEquals("poll-closed", late.json().getString("type").replaceAll(".*[:/]", ""));

            // the recorded poll: one row per voter with the vote as it stood at the close
            JsonObject audited = onA.admin().get("/api/rooms/" + room + "/polls/" + pollId).json();
            assertEquals(VOTERS, audited.getJsonArray("votes").size());
            for (JsonValue v : audited.getJsonArray("votes")) {
                JsonObject vote = v.asJsonObject();
                assertEquals(List.of(finalChoice.get(vote.getString("userId"))),
                        vote.getJsonArray("options").getValuesAs(jakarta.json.JsonString::getString));
            }
            try (Connection db = DriverManager.getConnection(Servers.postgresUrl())) {
                assertEquals(List.of("closed", "host", String.valueOf(VOTERS)),
                        row(db, "select state, close_reason, total_voters from poll where id = ?", pollId));
                assertEquals(expected, counts(Json.createReader(new StringReader(
                        row(db, "select counts from poll where id = ?", pollId).get(0))).readObject()));
                assertEquals(List.of(String.valueOf(VOTERS), String.valueOf(VOTERS)), row(db,
                        "select count(*), count(distinct user_id) from poll_vote where poll_id = ?", pollId));
                for (String option : OPTIONS) {
                    assertEquals(String.valueOf(expected.get(option)), row(db,
                            "select count(*) from poll_vote where poll_id = ? and options = '" + option + "'", pollId).get(0));
                }
            }
        }
    }

    @Test
    void aPollClosesAtItsCloseTimeOnceAcrossTheNodes() throws Exception {
        Node a = Servers.nodeA();
        Node b = Servers.nodeB();
        String room = new Fixtures(a).room().getString("id");
        try (WsClient host = WsClient.authenticated(a.ws(), token("host-2", room, "host"));
             WsClient ann = WsClient.authenticated(b.ws(), token("ann", room, "participant"));
             WsClient watcher = WsClient.authenticated(b.ws(), token("watcher", room, "observer"))) {
            watcher.send(Fixtures.subscribe(room, "s")).reply("s");
            JsonObject poll = host.send("{\"type\":\"poll.create\",\"id\":\"c\",\"room\":\"" + room
                            + "\",\"question\":\"Ready?\",\"options\":[\"Yes\",\"No\"],\"closesIn\":2000}")
                    .reply("c").getJsonObject("result").getJsonObject("poll");
            String pollId = poll.getString("pollId");
            JsonObject ack = ann.send("{\"type\":\"poll.vote\",\"id\":\"v\",\"room\":\"" + room + "\",\"pollId\":\""
                    + pollId + "\",\"options\":[\"a\"]}").reply("v");
            assertEquals("ack", ack.getString("type"), ack::toString);
            assertEquals(List.of("a"), ack.getJsonObject("result").getJsonArray("options")
                    .getValuesAs(jakarta.json.JsonString::getString));

            JsonObject closed = watcher.await(event("poll.closed", d -> d.getString("pollId").equals(pollId)))
                    .getJsonObject("event").getJsonObject("data");
            assertEquals("time", closed.getString("closeReason"));
            assertEquals(Map.of("a", 1L, "b", 0L), counts(closed.getJsonObject("counts")));
            assertTrue(closed.getJsonNumber("closedAt").longValue() >= poll.getJsonNumber("closesAt").longValue());

            JsonObject refused = ann.send("{\"type\":\"poll.vote\",\"id\":\"v2\",\"room\":\"" + room + "\",\"pollId\":\""
                    + pollId + "\",\"options\":[\"b\"]}").reply("v2");
            assertEquals("poll-closed", refused.getString("code"), refused::toString);

            // both nodes swept past the close time: a marker published after two more sweeps finds one close only
            String audited = awaitRecorded(pollId);
            assertEquals("time", audited);
            host.send(Fixtures.publish(room, "m", "{\"marker\":true}")).reply("m");
            watcher.await(f -> "event".equals(f.getString("type", ""))
                    && "message".equals(f.getJsonObject("event").getString("type"))
                    && f.getJsonObject("event").getJsonObject("data").getJsonObject("body").containsKey("marker"));
            assertEquals(1, watcher.seen().stream().filter(event("poll.closed",
                    d -> d.getString("pollId").equals(pollId))).count());
        }
    }

    @Test
    void framesRefuseWhatTheyMust() {
        Node a = Servers.nodeA();
        String room = new Fixtures(a).room().getString("id");
        try (WsClient host = WsClient.authenticated(a.ws(), token("host-3", room, "host"));
             WsClient bob = WsClient.authenticated(a.ws(), token("bob", room, "participant"));
             WsClient obs = WsClient.authenticated(a.ws(), token("obs", room, "observer"))) {
            String create = "{\"type\":\"poll.create\",\"id\":\"%s\",\"room\":\"" + room
                    + "\",\"question\":\"Tea or coffee?\",\"options\":[\"Tea\",\"Coffee\"],\"multiple\":true}";
            assertEquals("forbidden", bob.send(create.formatted("x")).reply("x").getString("code"));
            JsonObject invalid = host.send("{\"type\":\"poll.create\",\"id\":\"i\",\"room\":\"" + room
                    + "\",\"question\":\"\",\"options\":[\"Tea\"],\"colour\":1}").reply("i");
            assertEquals("validation", invalid.getString("code"), invalid::toString);
            String pollId = host.send(create.formatted("c")).reply("c").getJsonObject("result").getJsonObject("poll")
                    .getString("pollId");
            String vote = "{\"type\":\"poll.vote\",\"id\":\"%s\",\"room\":\"" + room + "\",\"pollId\":\"" + pollId
                    + "\",\"options\":%s}";
            assertEquals("forbidden", obs.send(vote.formatted("o", "[\"a\"]")).reply("o").getString("code"));
            assertEquals("invalid-option", bob.send(vote.formatted("z", "[\"z\"]")).reply("z").getString("code"));
            assertEquals("validation", bob.send(vote.formatted("e", "[]")).reply("e").getString("code"));
            assertEquals("poll-not-found", bob.send("{\"type\":\"poll.vote\",\"id\":\"n\",\"room\":\"" + room
                    + "\",\"pollId\":\"0000000000000000\",\"options\":[\"a\"]}").reply("n").getString("code"));
            JsonObject both = bob.send(vote.formatted("v", "[\"b\",\"a\"]")).reply("v").getJsonObject("result");
            assertEquals(List.of("a", "b"), both.getJsonArray("options").getValuesAs(jakarta.json.JsonString::getString));
            JsonObject list = obs.send("{\"type\":\"poll.list\",\"id\":\"l\",\"room\":\"" + room + "\"}").reply("l")
                    .getJsonObject("result");
            JsonObject listed = list.getJsonArray("polls").getJsonObject(0);
            assertEquals(Map.of("a", 1L, "b", 1L), counts(listed.getJsonObject("counts")));
            assertEquals(1, listed.getInt("totalVoters"));
            assertEquals("forbidden", bob.send("{\"type\":\"poll.close\",\"id\":\"k\",\"room\":\"" + room
                    + "\",\"pollId\":\"" + pollId + "\"}").reply("k").getString("code"));
            assertEquals(403, new Api(a.base(), token("bob", room, "participant"))
                    .get("/api/rooms/" + room + "/polls/" + pollId).status(), "votes are for hosts and admins");
        }
    }

    @Test
    void vacatingTheRoomClosesItsOpenPollsWhichStayReadable() {
        Node a = Servers.nodeA();
        Node b = Servers.nodeB();
        String room = new Fixtures(a).room().getString("id");
        String session = Fixtures.session();
        try (WsClient host = WsClient.authenticated(a.ws(), token("host-4", room, "host"));
             WsClient watcher = WsClient.authenticated(b.ws(), token("watcher", room, "observer"))) {
            watcher.send(Fixtures.subscribe(room, "s")).reply("s");
            host.send(Fixtures.presenceJoin(room, "j", session, 10_000, null)).reply("j");
            String pollId = host.send("{\"type\":\"poll.create\",\"id\":\"c\",\"room\":\"" + room
                    + "\",\"question\":\"Lunch?\",\"options\":[\"Yes\",\"No\"]}").reply("c")
                    .getJsonObject("result").getJsonObject("poll").getString("pollId");
            Api bob = new Api(b.base(), token("bob", room, "participant"));
            assertEquals(200, bob.post("/api/rooms/" + room + "/polls/" + pollId + "/votes", "{\"options\":[\"b\"]}").status());

            host.send(Fixtures.presence("leave", room, "l", session)).reply("l"); // the last one present leaves
            JsonObject closed = watcher.await(event("poll.closed", d -> d.getString("pollId").equals(pollId)))
                    .getJsonObject("event").getJsonObject("data");
            assertEquals("vacated", closed.getString("closeReason"));
            assertEquals(Map.of("a", 0L, "b", 1L), counts(closed.getJsonObject("counts")));

            JsonObject listed = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> bob.get("/api/rooms/" + room + "/polls").json().getJsonArray("items").getJsonObject(0),
                            p -> "closed".equals(p.getString("state")));
            assertEquals(Map.of("a", 0L, "b", 1L), counts(listed.getJsonObject("counts")), "read from the record");
            JsonObject live = host.send("{\"type\":\"poll.list\",\"id\":\"l2\",\"room\":\"" + room + "\"}").reply("l2");
            assertEquals(0, live.getJsonObject("result").getJsonArray("polls").size(), "the live polls are dropped");
        }
    }

    @Test
    void closingTheRoomClosesItsOpenPollsAndRecordsThem() throws SQLException {
        Node a = Servers.nodeA();
        Fixtures onA = new Fixtures(a);
        String room = onA.room().getString("id");
        Api host = new Api(a.base(), token("host-5", room, "host"));
        String pollId = host.post("/api/rooms/" + room + "/polls", "{\"question\":\"More?\",\"options\":[\"Yes\",\"No\"],"
                + "\"multiple\":true}").json().getString("pollId");
        assertEquals(200, new Api(a.base(), token("cy", room, "participant"))
                .post("/api/rooms/" + room + "/polls/" + pollId + "/votes", "{\"options\":[\"a\",\"b\"]}").status());
        Api admin = onA.admin();
        assertEquals(200, admin.post("/api/rooms/" + room + "/close", "{\"reason\":\"done\"}").status());
        assertEquals("room-closed", awaitRecorded(pollId));
        JsonObject audited = admin.get("/api/rooms/" + room + "/polls/" + pollId).json();
        assertEquals(Map.of("a", 1L, "b", 1L), counts(audited.getJsonObject("counts")));
        assertEquals(1, audited.getInt("totalVoters"));
        assertEquals("cy", audited.getJsonArray("votes").getJsonObject(0).getString("userId"));
    }

    @Test
    void restRefusesWhatItMustWithProblems() {
        Node a = Servers.nodeA();
        String room = new Fixtures(a).room().getString("id");
        Api host = new Api(a.base(), token("host-6", room, "host"));
        Api.Reply notAnObject = host.post("/api/rooms/" + room + "/polls", "[1]");
        assertEquals(400, notAnObject.status(), notAnObject::toString);
        assertTrue(notAnObject.isProblem());
        Api.Reply unknown = host.post("/api/rooms/" + room + "/polls",
                "{\"question\":\"Q\",\"options\":[\"x\",\"y\"],\"secret\":true}");
        assertEquals(400, unknown.status(), unknown::toString);
        assertEquals("secret", unknown.json().getJsonArray("errors").getJsonObject(0).getString("field"));
        String pollId = host.post("/api/rooms/" + room + "/polls", "{\"question\":\"Q\",\"options\":[\"x\",\"y\"]}")
                .json().getString("pollId");
        String votes = "/api/rooms/" + room + "/polls/" + pollId + "/votes";
        Api.Reply observer = new Api(a.base(), token("obs", room, "observer")).post(votes, "{\"options\":[\"a\"]}");
        assertEquals(403, observer.status(), observer::toString);
        Api.Reply invalid = new Api(a.base(), token("dan", room, "participant")).post(votes, "{\"options\":[\"q\"]}");
        assertEquals(400, invalid.status(), invalid::toString);
        assertTrue(invalid.json().getString("type").endsWith("invalid-option"), invalid::toString);
        Api.Reply stranger = new Api(a.base(), Fixtures.token("stranger")).post(votes, "{\"options\":[\"a\"]}");
        assertEquals(403, stranger.status(), stranger::toString);
        assertEquals(404, host.post("/api/rooms/" + room + "/polls/NOT-A-POLL/close", null).status());
    }

    /** Waits (with a deadline) until the poll's row is closed, and answers its close reason. */
    private static String awaitRecorded(String pollId) throws SQLException {
        try (Connection db = DriverManager.getConnection(Servers.postgresUrl())) {
            List<String> row = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> row(db, "select state, close_reason from poll where id = ?", pollId),
                            r -> "closed".equals(r.get(0)));
            return row.get(1);
        }
    }

    private static List<String> row(Connection db, String sql, String param) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            statement.setString(1, param);
            try (ResultSet rs = statement.executeQuery()) {
                assertTrue(rs.next(), sql);
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    values.add(rs.getString(i));
                }
                return values;
            }
        }
    }
}
