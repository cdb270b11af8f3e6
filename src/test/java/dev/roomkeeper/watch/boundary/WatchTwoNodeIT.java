package dev.roomkeeper.watch.boundary;

import dev.roomkeeper.testing.Api;
import dev.roomkeeper.testing.Fixtures;
import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.Servers;
import dev.roomkeeper.testing.WsClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Watch time on two nodes sharing Redis (the cluster's default watch timings: 30 s heartbeats, so a 60 s grace,
 * 2 min active window, viewers counted every second): one user's two tabs on two nodes accrue once, and each change
 * of the viewer counts is published once, whichever node sees it.
 */
class WatchTwoNodeIT {

    static final long PACE_MS = 150;

    /** Both tabs visible, heartbeating as fast as the test can on their two nodes at once: accrual races. */
    @Test
    void twoTabsOfOneUserOnTwoNodesAccrueOnce() throws Exception {
        Fixtures onA = new Fixtures(Servers.nodeA());
        Fixtures onB = new Fixtures(Servers.nodeB());
        String room = onA.room().getString("id");
        String user = Fixtures.unique("ada");
        onA.member(room, user, "participant");
        Api restB = onB.as(user);
        String tabA = Fixtures.session();
        String tabB = Fixtures.session();
        try (WsClient wsA = onA.socket(user)) {
            long start = System.currentTimeMillis();
            wsA.send(WatchIT.beat(room, "a0", tabA, true)).reply("a0");
            long visibleFor = 4_000;
            AtomicInteger beatsB = new AtomicInteger();
            CompletableFuture<Void> onNodeB = CompletableFuture.runAsync(() -> {
                while (System.currentTimeMillis() - start < visibleFor) {
                    assertEquals(200, WatchIT.restBeat(restB, room, tabB, true).status());
                    beatsB.incrementAndGet();
                    pause();
                }
            });
            int i = 0;
            while (System.currentTimeMillis() - start < visibleFor) {
                JsonObject ack = wsA.send(WatchIT.beat(room, "a" + ++i, tabA, true)).reply("a" + i);
                assertEquals("ack", ack.getString("type"), ack::toString);
                pause();
            }
            onNodeB.get();
            wsA.send(WatchIT.beat(room, "h", tabA, false)).reply("h");
            JsonObject last = WatchIT.restBeat(restB, room, tabB, false).json();
            long wall = System.currentTimeMillis() - start;
            long seconds = last.getJsonNumber("seconds").longValue();
            assertTrue(beatsB.get() > 5 && i > 5, "both nodes took heartbeats: " + i + " and " + beatsB.get());
            assertTrue(seconds * 1000 <= wall, "once, never more than the wall time: " + seconds + " s in " + wall + " ms");
            assertTrue(seconds >= visibleFor / 1000 - 1, "accrued while visible: " + seconds);
            assertFalse(last.getBoolean("active"));
            JsonObject report = onA.admin().get("/api/rooms/" + room + "/watch").json();
            assertEquals(seconds, report.getJsonArray("users").getJsonObject(0).getJsonNumber("seconds").longValue(),
                    report::toString);
        }
    }

    /**
     * Both nodes count the same room every second and both see each change; each change is published once and
     * reaches the followers on both nodes.
     */
    @Test
    void eachChangeOfTheViewerCountsIsPublishedOnce() {
        Fixtures onA = new Fixtures(Servers.nodeA());
        Fixtures onB = new Fixtures(Servers.nodeB());
        String room = onA.room().getString("id");
        String host = Fixtures.unique("host");
        String ada = Fixtures.unique("ada");
        String bob = Fixtures.unique("bob");
        onA.member(room, host, "host");
        onA.member(room, ada, "participant");
        onA.member(room, bob, "participant");
        try (WsClient followerA = onA.socket(host); WsClient followerB = onB.socket(host)) {
            followerA.send(Fixtures.subscribe(room, "s")).reply("s");
            followerB.send(Fixtures.subscribe(room, "s")).reply("s");
            // hidden tabs: nobody accrues, so the average stays 0 and only the viewers change the numbers
            assertEquals(200, WatchIT.restBeat(onA.as(ada), room, Fixtures.session(), false).status());
            JsonObject one = followerA.await(f -> isCounts(f) && counts(f).getInt("total") == 1);
            assertEquals(200, WatchIT.restBeat(onB.as(bob), room, Fixtures.session(), false).status());
            JsonObject two = followerA.await(f -> isCounts(f) && counts(f).getInt("total") == 2);
            assertEquals(0, counts(two).getInt("active"), two::toString);
            followerB.await(f -> isCounts(f) && counts(f).getInt("total") == 2);
            // a quiet second more: whatever else was published has arrived on both
            followerA.awaitWithin(Duration.ofMillis(2_500), f -> false);
            followerB.awaitWithin(Duration.ofMillis(500), f -> false);
            List<Long> seqsA = followerA.seen().stream().filter(WatchTwoNodeIT::isCounts).map(WatchTwoNodeIT::seq).toList();
            List<Long> seqsB = followerB.seen().stream().filter(WatchTwoNodeIT::isCounts).map(WatchTwoNodeIT::seq).toList();
            assertEquals(seqsA, seqsB, "the same events on both nodes");
            List<JsonObject> published = followerA.seen().stream().filter(WatchTwoNodeIT::isCounts).map(WatchTwoNodeIT::counts).toList();
            assertEquals(2, published.size(), "one event per change, not one per node: " + published);
            assertTrue(seq(one) < seq(two));
        }
    }

    /**
     * A node dies (killed) while a user watches through it: the user's record lives on in Redis, and a node that
     * follows the room writes its credit with its own flush (the cluster's 30 s). Nothing accrued is lost; a tab left
     * visible on the dead node is credited for at most the grace after its last heartbeat (its client would go on
     * on another node with the same tab).
     */
    @Test
    void theCreditOfAUserWatchingThroughAKilledNodeIsWrittenByAnother() {
        PayaraNode doomed = Servers.extraNode("node-watch-doomed");
        try {
            Fixtures onA = new Fixtures(Servers.nodeA());
            Fixtures onDoomed = new Fixtures(doomed);
            String room = onA.room().getString("id");
            String ada = Fixtures.unique("ada");
            String bob = Fixtures.unique("bob");
            onA.member(room, ada, "participant");
            onA.member(room, bob, "participant");
            // node A follows the room: bob watches through it
            assertEquals(200, WatchIT.restBeat(onA.as(bob), room, Fixtures.session(), false).status());
            Api adaOnDoomed = onDoomed.as(ada);
            String tab = Fixtures.session();
            assertEquals(200, WatchIT.restBeat(adaOnDoomed, room, tab, true).status());
            long start = System.currentTimeMillis(); // after the first: a fresh node's first calls are slow
            long seconds = 0;
            while (System.currentTimeMillis() - start < 3_000) {
                seconds = WatchIT.restBeat(adaOnDoomed, room, tab, true).json().getJsonNumber("seconds").longValue();
                pause();
            }
            // with the cluster's 30 s heartbeats, a repeat within 7.5 s writes nothing: one more beat in a new state
            seconds = WatchIT.restBeat(adaOnDoomed, room, Fixtures.session(), true).json().getJsonNumber("seconds").longValue();
            assertTrue(seconds >= 2, "accrued " + seconds);
            doomed.kill();

            long accrued = seconds;
            Api adaOnA = onA.as(ada);
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            long credited = 0;
            while (credited < accrued && System.nanoTime() < deadline) {
                credited = WatchIT.credits(adaOnA, ada, room);
                if (credited < accrued) {
                    pause();
                }
            }
            assertTrue(credited >= accrued, "credited " + credited + " of " + accrued);
            assertTrue(credited <= accrued + 60 + 5, "at most the grace more: " + credited + " for " + accrued);
        } finally {
            doomed.kill();
        }
    }

    private static boolean isCounts(JsonObject frame) {
        return "event".equals(frame.getString("type", null))
                && "viewers.set".equals(frame.getJsonObject("event").getString("type"));
    }

    private static JsonObject counts(JsonObject frame) {
        return frame.getJsonObject("event").getJsonObject("data").getJsonObject("value");
    }

    private static long seq(JsonObject frame) {
        return frame.getJsonObject("event").getJsonNumber("seq").longValue();
    }

    private static void pause() {
        try {
            Thread.sleep(PACE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
