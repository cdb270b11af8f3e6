package dev.roomkeeper.playback.boundary;

import dev.roomkeeper.testing.Api;
import dev.roomkeeper.testing.Fixtures;
import dev.roomkeeper.testing.Node;
import dev.roomkeeper.testing.Servers;
import dev.roomkeeper.testing.WsClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.roomkeeper.playback.boundary.PlaybackIT.ack;
import static dev.roomkeeper.playback.boundary.PlaybackIT.buffer;
import static dev.roomkeeper.playback.boundary.PlaybackIT.command;
import static dev.roomkeeper.playback.boundary.PlaybackIT.create;
import static dev.roomkeeper.playback.boundary.PlaybackIT.timelineEvent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Playback on two nodes sharing Redis and PostgreSQL (nodes A and B of {@link Servers}): the host on A, the viewers on
 * B. Commands reach the viewers on the other node, a member who is no host is refused there, an eventId retried
 * through the other node is applied once, a host beyond its budget is refused with when to retry (and, the budget
 * being per node as documented, not on the other node), and viewers buffering on both nodes share one gate (one
 * pause, one resume).
 */
class PlaybackClusterIT {

    record Party(String room, String host, String ada, String bob) {
    }

    static Party party(Fixtures fx) {
        String room = fx.room().getString("id");
        Party party = new Party(room, Fixtures.unique("host"), Fixtures.unique("ada"), Fixtures.unique("bob"));
        fx.member(room, party.host(), "host");
        fx.member(room, party.ada(), "participant");
        fx.member(room, party.bob(), "participant");
        return party;
    }

    static WsClient on(Node node, String user, String room) {
        WsClient ws = WsClient.authenticated(node.ws(), Fixtures.token(user));
        ack(ws.send(Fixtures.subscribe(room, "sub")), "sub");
        return ws;
    }

    @Test
    void theHostOnOneNodeControlsViewersOnTheOtherAndARetryThroughTheOtherNodeIsAppliedOnce() {
        Node a = Servers.nodeA();
        Node b = Servers.nodeB();
        Party p = party(new Fixtures(a));
        try (WsClient host = on(a, p.host(), p.room()); WsClient ada = on(b, p.ada(), p.room());
             WsClient bob = on(b, p.bob(), p.room())) {
            String stream = ack(host.send(create(p.room(), "c1")), "c1").getString("stream");
            JsonObject played = ack(host.send(command("play", "p1", p.room(), stream, "x-play-1", "\"positionMs\":5000")), "p1");
            for (WsClient viewer : List.of(ada, bob)) {
                assertEquals("create", timelineEvent(viewer, p.room()).getString("cause"));
                JsonObject timeline = timelineEvent(viewer, p.room());
                assertTrue(timeline.getBoolean("playing"));
                assertEquals(played.getJsonNumber("seq").longValue(), timeline.getJsonNumber("seq").longValue());
            }
            JsonObject refused = ada.send(command("pause", "x", p.room(), stream, "ada-1", null)).reply("x");
            assertEquals("not-host", refused.getString("code", ""), refused::toString);
            // the host's socket dropped before the answer: it retries the same command through node B
            Api hostOnB = new Api(b.base(), Fixtures.token(p.host()));
            Api.Reply retry = hostOnB.post("/api/rooms/" + p.room() + "/playback/streams/" + stream + "/play",
                    "{\"eventId\":\"x-play-1\",\"positionMs\":5000}");
            assertEquals(200, retry.status(), retry::toString);
            assertTrue(retry.json().getBoolean("duplicate"));
            assertEquals(played.getJsonNumber("seq").longValue(), retry.json().getJsonNumber("seq").longValue());
            ack(host.send(command("seek", "m", p.room(), stream, "x-mark", "\"positionMs\":1")), "m");
            assertEquals("x-mark", timelineEvent(bob, p.room()).getString("eventId"), "no second event for x-play-1");
        }
    }

    @Test
    void aHostBeyondItsBudgetIsRefusedWithWhenToRetryWhileViewersOnTheOtherNodeSeeOnlyWhatWasApplied() {
        Node a = Servers.nodeA();
        Node b = Servers.nodeB();
        Party p = party(new Fixtures(a));
        try (WsClient host = on(a, p.host(), p.room()); WsClient ada = on(b, p.ada(), p.room())) {
            String stream = ack(host.send(create(p.room(), "c1")), "c1").getString("stream");
            assertEquals("create", timelineEvent(ada, p.room()).getString("cause"));
            JsonObject refused = null;
            int accepted = 0;
            // the nodes' budget: 10 at once, 5 a second; a burst of seeks runs it out
            for (int i = 0; i < 100 && refused == null; i++) {
                JsonObject reply = host.send(command("seek", "r" + i, p.room(), stream, "burst-" + i,
                        "\"positionMs\":" + (1_000 + i))).reply("r" + i);
                if ("error".equals(reply.getString("type"))) {
                    refused = reply;
                } else {
                    accepted++;
                }
            }
            assertTrue(refused != null, "the budget ran out");
            assertEquals("rate-limited", refused.getString("code"), refused::toString);
            assertTrue(refused.getJsonNumber("retryAfterMs").longValue() > 0, refused::toString);
            for (int i = 0; i < accepted; i++) {
                assertEquals("burst-" + i, timelineEvent(ada, p.room()).getString("eventId"));
            }
            // the refused command was not applied: the next event the viewer gets is the host's next command
            Api hostOnB = new Api(b.base(), Fixtures.token(p.host()));
            Api.Reply throughB = hostOnB.post("/api/rooms/" + p.room() + "/playback/streams/" + stream + "/seek",
                    "{\"eventId\":\"after-burst\",\"positionMs\":42}");
            assertEquals(200, throughB.status(), () -> "node B's budget is its own: " + throughB);
            assertEquals("after-burst", timelineEvent(ada, p.room()).getString("eventId"), "no event for the refused one");
        }
    }

    @Test
    void viewersBufferingOnBothNodesShareOneGate() {
        Node a = Servers.nodeA();
        Node b = Servers.nodeB();
        Party p = party(new Fixtures(a));
        try (WsClient host = on(a, p.host(), p.room()); WsClient ada = on(b, p.ada(), p.room());
             WsClient bob = on(a, p.bob(), p.room())) {
            String stream = ack(host.send(create(p.room(), "c1")), "c1").getString("stream");
            ack(host.send(command("play", "p1", p.room(), stream, "g-play", null)), "p1");
            timelineEvent(host, p.room());
            timelineEvent(host, p.room());
            assertEquals("paused", ack(ada.send(buffer(p.room(), stream, "b1", "start")), "b1").getString("result"));
            assertEquals("waiting", ack(bob.send(buffer(p.room(), stream, "b2", "start")), "b2").getString("result"));
            assertEquals("reported", ack(ada.send(buffer(p.room(), stream, "b3", "end")), "b3").getString("result"));
            assertEquals("resumed", ack(bob.send(buffer(p.room(), stream, "b4", "end")), "b4").getString("result"));
            JsonObject paused = timelineEvent(host, p.room());
            assertEquals("buffering", paused.getString("cause"));
            assertFalse(paused.getBoolean("playing"));
            JsonObject resumed = timelineEvent(host, p.room());
            assertEquals("ready", resumed.getString("cause"));
            assertTrue(resumed.getBoolean("playing"));
        }
    }

    @Test
    void whenTheHostOnOneNodeLeavesAViewerOnTheOtherTakesControl() {
        Node a = Servers.nodeA();
        Node b = Servers.nodeB();
        Party p = party(new Fixtures(a));
        try (WsClient host = on(a, p.host(), p.room()); WsClient ada = on(b, p.ada(), p.room());
             WsClient bob = on(b, p.bob(), p.room())) {
            String hostTab = Fixtures.session();
            ack(host.send(Fixtures.presenceJoin(p.room(), "j0", hostTab, 10_000, null)), "j0");
            ack(ada.send(Fixtures.presenceJoin(p.room(), "j1", Fixtures.session(), 10_000, null)), "j1");
            ack(bob.send(Fixtures.presenceJoin(p.room(), "j2", Fixtures.session(), 10_000, null)), "j2");
            String stream = ack(host.send(create(p.room(), "c1")), "c1").getString("stream");
            ack(host.send(command("play", "p1", p.room(), stream, "h-play", null)), "p1");
            timelineEvent(bob, p.room());
            timelineEvent(bob, p.room());
            ack(host.send(Fixtures.presence("leave", p.room(), "l0", hostTab)), "l0");
            JsonObject handed = timelineEvent(bob, p.room());
            assertEquals("handoff", handed.getString("cause"), handed::toString);
            assertEquals(p.ada(), handed.getString("controller"));
            assertTrue(handed.getBoolean("playing"), "the party goes on");
            assertFalse(ack(ada.send(command("pause", "a1", p.room(), stream, "ada-pause", null)), "a1")
                    .getJsonObject("timeline").getBoolean("playing"));
        }
    }
}
