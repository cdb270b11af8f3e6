package dev.roomkeeper.engine.redis;

import java.util.concurrent.Future;

import dev.roomkeeper.stream.entity.Published;

import dev.roomkeeper.stream.control.EngineException;

import dev.roomkeeper.engine.StreamBrokerContract;
import dev.roomkeeper.engine.control.Engine;
import dev.roomkeeper.engine.entity.EngineSettings;
import dev.roomkeeper.engine.entity.RedisSettings;
import dev.roomkeeper.stream.control.StreamBroker;
import dev.roomkeeper.stream.entity.Replay;
import dev.roomkeeper.stream.entity.RoomEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.params.ClientKillParams;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stream contract and the Redis stream's own promises, against a real redis-server. */
class RedisStreamBrokerTest extends StreamBrokerContract {

    private static final Logger LOG = Logger.getLogger(RedisStreamBrokerTest.class.getName());
    private static final ThreadFactory DAEMONS = LocalRedis.DAEMONS;
    private static final AtomicInteger NODES = new AtomicInteger();

    @RegisterExtension
    static final LocalRedis REDIS = new LocalRedis();


    @Override
    protected Engine newEngine(EngineSettings settings) {
        return new RedisEngine(settings, redisSettings(REDIS.port(), Duration.ofSeconds(2)), DAEMONS);
    }

    @Test
    void twoNodesShareSeqAndEachDeliversEveryEventOnceInOrder() throws Exception {
        RedisStreamBroker a = (RedisStreamBroker) engine;
        RedisStreamBroker b = (RedisStreamBroker) open();
        String r = room();
        List<Long> seenByA = collectSeqs(a, r);
        List<Long> seenByB = collectSeqs(b, r);
        int threads = 4;
        int each = 150;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < threads; t++) {
            int offset = t;
            pool.submit(() -> {
                start.await();
                for (int i = 0; i < each; i++) {
                    ((i + offset) % 2 == 0 ? a : b).publish(r, "t", "{\"i\":" + i + "}");
                }
                return null;
            });
        }
        start.countDown();
        pool.shutdown();
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        int total = threads * each;
        awaitTrue(() -> seenByA.size() >= total && seenByB.size() >= total, "both nodes delivered every event");
        List<Long> expected = LongStream.rangeClosed(1, total).boxed().toList();
        assertEquals(expected, List.copyOf(seenByA));
        assertEquals(expected, List.copyOf(seenByB));
        assertEquals(total, a.published() + b.published());
        assertEquals(total, b.position(r).seq());
        assertEquals(a.position(r).epoch(), b.position(r).epoch());
    }

    @Test
    void subscriberReconnectsAndFillsTheGap() throws Exception {
        RedisStreamBroker node = (RedisStreamBroker) engine;
        String r = room();
        List<Long> seen = collectSeqs(node, r);
        publish(node, r, 5);
        awaitTrue(() -> seen.size() >= 5, "events before the connection loss");

        try (Jedis admin = admin()) {
            assertTrue(admin.clientKill(ClientKillParams.clientKillParams().type(ClientType.PUBSUB)) >= 1);
        }
        // the subscriber waits FIRST_BACKOFF before reconnecting: these are published while it is away
        publish(node, r, 10);
        awaitTrue(() -> node.reconnects() >= 1 && seen.size() >= 15, "reconnected and caught up");
        awaitTrue(backend::healthy, "healthy again");
        publish(node, r, 5);
        awaitTrue(() -> seen.size() >= 20, "events after the reconnect");

        assertEquals(LongStream.rangeClosed(1, 20).boxed().toList(), List.copyOf(seen));
        assertTrue(node.gapEventsFetched() > 0, "missed events came from the history");
        assertEquals(20, node.delivered());
    }

    @Test
    void eventMissedOnTheChannelIsDeliveredFromHistoryBeforeTheNextOne() throws Exception {
        RedisStreamBroker node = (RedisStreamBroker) engine;
        String r = room();
        List<Long> seen = collectSeqs(node, r);
        publish(node, r, 3);
        awaitTrue(() -> seen.size() >= 3, "first events");
        for (int i = 0; i < 4; i++) {
            node.publish(r, "t", "{}", "nobody-listens"); // stored and counted, never on the events channel
        }
        node.publish(r, "t", "{}");
        awaitTrue(() -> seen.size() >= 8, "the gap and the event after it");
        assertEquals(LongStream.rangeClosed(1, 8).boxed().toList(), List.copyOf(seen));
        assertEquals(4, node.gapEventsFetched());
    }

    @Test
    void gapLongerThanTheHistoryDeliversWhatIsLeft() throws Exception {
        RedisStreamBroker node = (RedisStreamBroker) engine;
        String r = room();
        List<Long> seen = collectSeqs(node, r);
        publish(node, r, 3);
        awaitTrue(() -> seen.size() >= 3, "first events");
        for (int i = 0; i < 25; i++) {
            node.publish(r, "t", "{}", "nobody-listens"); // seqs 4..28; the history keeps the last 20
        }
        node.publish(r, "t", "{}"); // seq 29: the history holds 10..29
        awaitTrue(() -> seen.contains(29L), "the event after the gap");
        List<Long> expected = new ArrayList<>(List.of(1L, 2L, 3L));
        expected.addAll(LongStream.rangeClosed(10, 29).boxed().toList());
        assertEquals(expected, List.copyOf(seen));
        assertEquals(19, node.gapEventsFetched());
    }

    @Test
    void exactlyOnePublishPerEvent() throws Exception {
        RedisStreamBroker a = (RedisStreamBroker) engine;
        RedisStreamBroker b = (RedisStreamBroker) open();
        String r = room();
        List<Long> seenByA = collectSeqs(a, r);
        List<Long> seenByB = collectSeqs(b, r);
        List<String> onTheWire = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch subscribed = new CountDownLatch(1);
        JedisPubSub counter = new JedisPubSub() {
            @Override
            public void onSubscribe(String channel, int subscribedChannels) {
                subscribed.countDown();
            }

            @Override
            public void onMessage(String channel, String message) {
                if (message.startsWith(r + "\n")) {
                    onTheWire.add(message);
                }
            }
        };
        Thread listener = DAEMONS.newThread(() -> {
            try (Jedis jedis = admin()) {
                jedis.subscribe(counter, RedisSettings.DEFAULT_KEY_PREFIX + "events");
            }
        });
        listener.start();
        assertTrue(subscribed.await(5, TimeUnit.SECONDS));

        int n = 50;
        List<RoomEvent> published = new ArrayList<>();
        long before;
        long after;
        try (Jedis admin = admin()) {
            before = publishCalls(admin);
            for (int i = 0; i < n; i++) {
                published.add((i % 2 == 0 ? a : b).publish(r, "t", "{\"i\":" + i + "}"));
            }
            after = publishCalls(admin);
        }
        awaitTrue(() -> onTheWire.size() >= n && seenByA.size() >= n && seenByB.size() >= n, "every event everywhere");
        counter.unsubscribe();
        listener.join(5000);

        // three subscribers, one PUBLISH per event; Redis 6.2 counts the script's PUBLISH in commandstats
        assertEquals(n, after - before, "PUBLISH calls");
        assertEquals(n, onTheWire.size(), "messages on the channel");
        assertEquals(published, onTheWire.stream().map(m -> WireEvent.decode(m).event()).toList());
        String epoch = a.position(r).epoch();
        assertEquals(published.stream().map(e -> new WireEvent(epoch, e).encode()).toList(), List.copyOf(onTheWire),
                "the script writes what WireEvent encodes");
    }

    @Test
    void flushedRedisStartsANewEpochAndOldReplaysAreNotRecovered() throws Exception {
        RedisStreamBroker node = (RedisStreamBroker) engine;
        String r = room();
        List<Long> seen = collectSeqs(node, r);
        List<String> epochs = new java.util.concurrent.CopyOnWriteArrayList<>();
        node.listen(e -> {
            if (e.room().equals(r)) {
                epochs.add(e.epoch());
            }
        });
        publish(node, r, 3);
        String old = node.position(r).epoch();
        awaitTrue(() -> seen.size() >= 3, "events before the flush");

        try (Jedis admin = admin()) {
            admin.flushAll();
        }
        assertEquals(1, node.publish(r, "t", "{}").seq());
        assertEquals(2, node.publish(r, "t", "{}").seq());

        String fresh = node.position(r).epoch();
        assertNotEquals(old, fresh);
        assertFalse(node.replay(r, 3, old).recovered());
        assertFalse(node.replay(r, 0, old).recovered());
        Replay replay = node.replay(r, 0, fresh);
        assertTrue(replay.recovered());
        assertEquals(2, replay.events().size());
        awaitTrue(() -> seen.size() >= 5, "the restarted stream is delivered");
        assertEquals(List.of(1L, 2L, 3L, 1L, 2L), List.copyOf(seen));
        assertEquals(List.of(old, old, old, fresh, fresh), List.copyOf(epochs),
                "delivered events name their epoch, so subscriptions tell the restarted stream from duplicates");
    }

    @Test
    void everyNodeSeesTheSameLastEventAndAReleaseDeletesOnlyTheRoomsStreamKeys() {
        RedisStreamBroker a = (RedisStreamBroker) engine;
        RedisStreamBroker b = (RedisStreamBroker) open();
        String r = room();
        String other = room();
        String prefix = redisSettings(REDIS.port(), Duration.ofSeconds(2)).keyPrefix();
        try (Jedis admin = admin()) {
            assertEquals(java.util.OptionalLong.empty(), b.lastEventAt(r));
            assertEquals(0, admin.exists(a.keys(r).toArray(String[]::new)), "asking creates no key");
            a.publish(r, "t", "{}");
            a.publish(other, "t", "{}");
            assertEquals(java.util.OptionalLong.of(clock.millis()), b.lastEventAt(r));
            assertEquals(3, admin.exists(a.keys(r).toArray(String[]::new)));

            b.release(r);

            assertEquals(0, admin.exists(a.keys(r).toArray(String[]::new)));
            assertEquals(3, admin.exists(a.keys(other).toArray(String[]::new)), "other rooms keep their streams");
            assertTrue(a.keys(r).stream().allMatch(k -> k.startsWith(prefix + "{" + r + "}:")));
        }
    }

    @Test
    void flushedScriptCacheIsReloaded() {
        String r = room();
        engine.publish(r, "t", "{}");
        try (Jedis admin = admin()) {
            admin.scriptFlush();
        }
        assertEquals(2, engine.publish(r, "t", "{}").seq());
        assertTrue(engine.replay(r, 0, null).recovered());
    }

    @Test
    void newlinesInRoomOrTypeAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> engine.publish("a\nb", "t", "{}"));
        assertThrows(IllegalArgumentException.class, () -> engine.publish(room(), "t\n", "{}"));
    }

    @Test
    void dataWithRawNewlinesRoundTrips() throws Exception {
        String r = room();
        List<RoomEvent> seen = Collections.synchronizedList(new ArrayList<>());
        engine.listen(e -> {
            if (e.room().equals(r)) {
                seen.add(e);
            }
        });
        RoomEvent published = engine.publish(r, "t", "{\"a\":\"x\ny\r\n😀\"}\n");
        assertEquals(List.of(published), engine.replay(r, 0, null).events());
        awaitTrue(() -> !seen.isEmpty(), "delivered");
        assertEquals(published, seen.get(0));
    }

    @Test
    void idleRoomsAreForgottenByTheDeliveryTracker() throws Exception {
        RedisStreamBroker node = (RedisStreamBroker) engine;
        String first = room();
        String second = room();
        node.publish(first, "t", "{}");
        node.publish(second, "t", "{}");
        awaitTrue(() -> node.trackedRooms() == 2, "both rooms tracked");
        clock.advance(Duration.ofMinutes(6)); // longer than the 5 minute history TTL
        node.publish(room(), "t", "{}");
        awaitTrue(() -> node.delivered() == 3 && node.trackedRooms() == 1, "idle rooms forgotten");
    }

    @Test
    void healthReflectsTheSubscriberAndClose() {
        assertTrue(backend.healthy());
        assertEquals("redis", backend.name());
        backend.close();
        assertFalse(backend.healthy());
    }

    @Test
    void unreachableRedisIsUnhealthyAndClosesPromptly() throws IOException {
        int nothingThere = LocalRedis.freePort();
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            RedisEngine lonely = new RedisEngine(new EngineSettings(HISTORY, Duration.ofMinutes(5), Duration.ofHours(1), clock),
                    redisSettings(nothingThere, Duration.ofMillis(300)), DAEMONS);
            assertFalse(lonely.healthy());
            lonely.close();
        });
    }

    /** Not a test: {@code mvn -o -q test -Dtest=RedisStreamBrokerTest#publishThroughput -Droomkeeper.bench=true}. */
    @Test
    @EnabledIfSystemProperty(named = "roomkeeper.bench", matches = "true")
    void publishThroughput() throws Exception {
        RedisStreamBroker node = (RedisStreamBroker) engine;
        for (int threads : new int[] {1, 4, 8}) {
            int each = 20_000 / threads;
            List<String> rooms = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                rooms.add(room());
            }
            long deliveredBefore = node.delivered();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            long start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        node.publish(rooms.get(i % rooms.size()), "bench.tick", "{\"i\":" + i + ",\"text\":\"some payload of a few dozen bytes\"}");
                    }
                });
            }
            pool.shutdown();
            assertTrue(pool.awaitTermination(2, TimeUnit.MINUTES));
            long published = System.nanoTime() - start;
            int total = threads * each;
            awaitTrue(() -> node.delivered() - deliveredBefore >= total, "all delivered");
            long deliveredAll = System.nanoTime() - start;
            LOG.info(String.format("%d publisher threads: %d events, %.0f publishes/s, all delivered after %.0f ms",
                    threads, total, total / (published / 1e9), deliveredAll / 1e6));
        }
    }

    private static List<Long> collectSeqs(StreamBroker engine, String room) {
        List<Long> seen = Collections.synchronizedList(new ArrayList<>());
        Consumer<RoomEvent> listener = e -> {
            if (e.room().equals(room)) {
                seen.add(e.seq());
            }
        };
        engine.listen(listener);
        return seen;
    }

    private static void publish(StreamBroker engine, String room, int count) {
        for (int i = 0; i < count; i++) {
            engine.publish(room, "t", "{}");
        }
    }

    private static long publishCalls(Jedis admin) {
        Matcher m = Pattern.compile("(?m)^cmdstat_publish:calls=(\\d+)").matcher(admin.info("commandstats"));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /**
     * Redis frozen (DEBUG SLEEP: it reads nothing and answers nothing until it wakes): the publish already sent is
     * answered "outcome unknown" after the timeout, and is in fact published when Redis wakes; while it sleeps the
     * next publishes are refused at once and never published; once it answers again, a retry with the first
     * attempt's id publishes nothing and names the first attempt's seq.
     */
    @Test
    void aFrozenRedisIsAnsweredHonestlyAndWithinTheTimeoutAndARetryWithTheSameIdPublishesOnce() throws Exception {
        Duration timeout = Duration.ofMillis(400);
        Engine frozenSide = new RedisEngine(new EngineSettings(HISTORY, Duration.ofMinutes(5), Duration.ofHours(1), clock),
                redisSettings(REDIS.port(), timeout), DAEMONS);
        opened.add(frozenSide);
        StreamBroker node = frozenSide.stream();
        String r = room();
        List<String> delivered = new java.util.concurrent.CopyOnWriteArrayList<>();
        engine.listen(e -> {
            if (e.room().equals(r)) {
                delivered.add(e.data());
            }
        });
        Duration keep = Duration.ofMinutes(5);
        node.publishOnce(r, "message", "{\"n\":0}", "k0", keep);

        ExecutorService sleeper = Executors.newSingleThreadExecutor(DAEMONS);
        Future<?> sleeping;
        try (Jedis admin = new Jedis("127.0.0.1", REDIS.port(), 10_000)) { // waits out the sleep it asks for
            sleeping = sleeper.submit(() -> admin.sendCommand(() -> "DEBUG".getBytes(java.nio.charset.StandardCharsets.US_ASCII), "SLEEP", "2"));
            awaitTrue(() -> {
                try (Jedis probe = new Jedis("127.0.0.1", REDIS.port(), 100)) {
                    probe.ping();
                    return false;
                } catch (redis.clients.jedis.exceptions.JedisConnectionException asleep) {
                    return true;
                }
            }, "Redis asleep");

            EngineException unknown = assertThrows(EngineException.class,
                    () -> node.publishOnce(r, "message", "{\"n\":1}", "k1", keep));
            assertTrue(unknown.outcomeUnknown(), "sent, and no answer came");
            EngineException refused = assertThrows(EngineException.class,
                    () -> node.publishOnce(r, "message", "{\"n\":2}", "k2", keep));
            assertFalse(refused.outcomeUnknown(), "not sent while Redis is taken to be down");
            sleeping.get(10, TimeUnit.SECONDS);
        } finally {
            sleeper.shutdownNow();
        }

        awaitTrue(() -> delivered.contains("{\"n\":1}"), "the unanswered publish ran when Redis woke");
        Published retry = awaitResult(() -> node.publishOnce(r, "message", "{\"n\":1}", "k1", keep));
        assertTrue(retry.duplicate(), "the retry learns the first attempt went through");
        Published again = node.publishOnce(r, "message", "{\"n\":2}", "k2", keep);
        assertFalse(again.duplicate(), "the refused publish had not happened");
        awaitTrue(() -> delivered.contains("{\"n\":2}"), "the retried refused publish is delivered");
        assertEquals(List.of("{\"n\":0}", "{\"n\":1}", "{\"n\":2}"), List.copyOf(delivered),
                "each publish delivered exactly once");
    }

    @Test
    void aPublishIdIsSharedByEveryNode() {
        String r = room();
        StreamBroker other = open();
        Published first = engine.publishOnce(r, "message", "{}", "3:bob:x", Duration.ofMinutes(1));
        Published retry = other.publishOnce(r, "message", "{}", "3:bob:x", Duration.ofMinutes(1));
        assertTrue(retry.duplicate());
        assertEquals(first.event().seq(), retry.event().seq());
        assertEquals(1, other.position(r).seq());
    }

    /** Calls {@code call} until it stops failing with an {@link EngineException} (Redis taken to be down), within the deadline. */
    private static <T> T awaitResult(java.util.function.Supplier<T> call) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                return call.get();
            } catch (EngineException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L); // Redis is checked again every 500 ms
            }
        }
    }

    private static Jedis admin() {
        return new Jedis("127.0.0.1", REDIS.port());
    }

    private static RedisSettings redisSettings(int port, Duration timeout) {
        return new RedisSettings("127.0.0.1", port, null, null, false, 0, null, timeout, "node-" + NODES.incrementAndGet());
    }

}
