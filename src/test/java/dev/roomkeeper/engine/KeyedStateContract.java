package dev.roomkeeper.engine;

import dev.roomkeeper.engine.control.Engine;
import dev.roomkeeper.engine.entity.EngineSettings;
import dev.roomkeeper.keyed.control.KeyedStateStore;
import dev.roomkeeper.keyed.entity.Condition;
import dev.roomkeeper.keyed.entity.KeyedCleared;
import dev.roomkeeper.keyed.entity.KeyedEntry;
import dev.roomkeeper.keyed.entity.KeyedLimits;
import dev.roomkeeper.keyed.entity.KeyedResult;
import dev.roomkeeper.keyed.entity.KeyedResult.Outcome;
import dev.roomkeeper.keyed.entity.KeyedSnapshot;
import dev.roomkeeper.keyed.entity.KeyedWrite;
import dev.roomkeeper.stream.control.StreamBroker;
import dev.roomkeeper.stream.entity.Replay;
import dev.roomkeeper.stream.entity.RoomEvent;
import dev.roomkeeper.testing.MutableClock;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every engine's keyed room state promises. Each engine's test extends this and says how to make a node;
 * nodes opened by one test share their backing store, as the nodes of one cluster do (in process, every "node"
 * is the same engine). Tests that race writers use two nodes, so on Redis they race across nodes.
 */
public abstract class KeyedStateContract {

    protected static final String SPACE = "state";
    private static final KeyedLimits ROOMY = new KeyedLimits(1000, 1_000_000, 10_000);

    protected MutableClock clock;
    protected KeyedStateStore store;
    protected StreamBroker stream;

    /** A node (an engine) sharing the backing store of every node this test opened before. */
    protected abstract Engine open(EngineSettings settings);

    /** Closes what {@link #open} opened. */
    protected abstract void closeAll();

    protected Engine open() {
        return open(new EngineSettings(10_000, Duration.ofHours(1), Duration.ofHours(24), clock));
    }

    @BeforeEach
    void openNode() {
        clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        Engine node = open();
        store = node.keyedState();
        stream = node.stream();
    }

    @AfterEach
    void closeNodes() {
        closeAll();
    }

    // ---- keys, versions and events

    @Test
    void aSetIsOneEventWhoseSeqIsTheKeysVersionAndTheSnapshotIsValidAtTheStreamsSeq() {
        String r = room();
        stream.publish(r, "message", "{}"); // other events share the stream
        KeyedResult a = store.apply(KeyedWrite.set(r, SPACE, "pinned", "{\"id\":7}").by("ann"), ROOMY);
        KeyedResult b = store.apply(KeyedWrite.set(r, SPACE, "announcement", "\"Welcome\""), ROOMY);

        assertEquals(Outcome.APPLIED, a.outcome());
        assertEquals(2, a.seq());
        assertEquals(new KeyedEntry("pinned", "{\"id\":7}", 2, 0), a.entry());
        assertEquals(List.of(new RoomEvent(r, 2, "state.set", "{\"key\":\"pinned\",\"value\":{\"id\":7},\"version\":2,\"by\":\"ann\"}",
                clock.millis())), a.events());
        assertEquals("{\"key\":\"announcement\",\"value\":\"Welcome\",\"version\":3}", b.events().get(0).data());
        assertEquals(events(r).subList(1, 3), List.of(a.events().get(0), b.events().get(0)), "the events are on the stream");

        KeyedSnapshot snapshot = store.snapshot(r, SPACE, "");
        assertEquals(3, snapshot.seq());
        assertEquals(stream.position(r).epoch(), snapshot.epoch());
        assertEquals(List.of(b.entry(), a.entry()), snapshot.entries(), "sorted by key");
        assertEquals(2, snapshot.keys());
        assertEquals("pinned".length() + "{\"id\":7}".length() + "announcement".length() + "\"Welcome\"".length(),
                snapshot.bytes());
        assertEquals(a.entry(), store.get(r, SPACE, "pinned").orElseThrow());
    }

    @Test
    void lastWriteWinsWithoutACondition() {
        String r = room();
        store.apply(KeyedWrite.set(r, SPACE, "k", "1"), ROOMY);
        KeyedResult second = store.apply(KeyedWrite.set(r, SPACE, "k", "2"), ROOMY);
        assertEquals(new KeyedEntry("k", "2", 2, 0), store.get(r, SPACE, "k").orElseThrow());
        assertEquals(2, second.entry().version());
    }

    @Test
    void setIfAbsentAndIfPresentRefuseWithTheKeyAsItIsAndPublishNothing() {
        String r = room();
        KeyedResult first = store.apply(KeyedWrite.set(r, SPACE, "k", "1").withCondition(Condition.ifAbsent()), ROOMY);
        assertEquals(Outcome.APPLIED, first.outcome());

        KeyedResult again = store.apply(KeyedWrite.set(r, SPACE, "k", "2").withCondition(Condition.ifAbsent()), ROOMY);
        assertEquals(Outcome.CONFLICT, again.outcome());
        assertEquals(first.entry(), again.entry());
        assertTrue(again.events().isEmpty());

        KeyedResult missing = store.apply(KeyedWrite.set(r, SPACE, "other", "2").withCondition(Condition.ifPresent()), ROOMY);
        assertEquals(Outcome.CONFLICT, missing.outcome());
        assertNull(missing.entry());
        assertEquals(1, stream.position(r).seq(), "refusals publish nothing");
    }

    @Test
    void compareAndSetAppliesOnTheCurrentVersionOnlyAndARecreatedKeyNeverReusesOne() {
        String r = room();
        long v1 = store.apply(KeyedWrite.set(r, SPACE, "k", "1"), ROOMY).seq();
        KeyedResult cas = store.apply(KeyedWrite.set(r, SPACE, "k", "2").withCondition(Condition.ifVersion(v1)), ROOMY);
        assertEquals(Outcome.APPLIED, cas.outcome());

        KeyedResult stale = store.apply(KeyedWrite.set(r, SPACE, "k", "3").withCondition(Condition.ifVersion(v1)), ROOMY);
        assertEquals(Outcome.CONFLICT, stale.outcome());
        assertEquals(cas.entry(), stale.entry(), "the conflict carries the current version and value");

        store.apply(KeyedWrite.delete(r, SPACE, "k"), ROOMY);
        KeyedResult recreated = store.apply(KeyedWrite.set(r, SPACE, "k", "1"), ROOMY);
        assertEquals(4, recreated.entry().version(), "a new version, not the first one again");
        assertEquals(Outcome.CONFLICT,
                store.apply(KeyedWrite.set(r, SPACE, "k", "9").withCondition(Condition.ifVersion(v1)), ROOMY).outcome());
    }

    @Test
    void deletesAreAnnouncedWithTheirAuthorAndMayBeConditional() {
        String r = room();
        long v = store.apply(KeyedWrite.set(r, SPACE, "k", "true"), ROOMY).seq();
        assertEquals(Outcome.CONFLICT, store.apply(KeyedWrite.delete(r, SPACE, "k")
                .withCondition(Condition.ifVersion(v + 1)), ROOMY).outcome());

        KeyedResult deleted = store.apply(KeyedWrite.delete(r, SPACE, "k").withCondition(Condition.ifVersion(v)).by("host-1"), ROOMY);
        assertEquals(Outcome.APPLIED, deleted.outcome());
        assertNull(deleted.entry());
        assertEquals(List.of(new RoomEvent(r, 2, "state.delete", "{\"key\":\"k\",\"version\":2,\"reason\":\"deleted\",\"by\":\"host-1\"}",
                clock.millis())), deleted.events());
        assertTrue(store.get(r, SPACE, "k").isEmpty());

        KeyedResult absent = store.apply(KeyedWrite.delete(r, SPACE, "k"), ROOMY);
        assertEquals(Outcome.ABSENT, absent.outcome());
        assertTrue(absent.events().isEmpty());
        assertEquals(new KeyedSnapshot(r, SPACE, stream.position(r).epoch(), 2, List.of(), 0, 0), store.snapshot(r, SPACE, ""));
    }

    @Test
    void keysWithQuotesAndOtherScriptsAreQuotedInTheEvents() {
        String r = room();
        String key = "poll:\"best\" \\ 🎬 ü\t";
        KeyedResult set = store.apply(KeyedWrite.set(r, SPACE, key, "[1,2]").by("a\"b"), ROOMY);
        JsonObject data = json(set.events().get(0).data());
        assertEquals(key, data.getString("key"));
        assertEquals("a\"b", data.getString("by"));
        assertEquals(Json.createArrayBuilder().add(1).add(2).build(), data.get("value"));
        assertEquals(List.of(set.entry()), store.snapshot(r, SPACE, "poll:").entries());
        assertEquals(key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 5, store.snapshot(r, SPACE, "").bytes());
    }

    @Test
    void spacesAndRoomsAreIndependentAndAPrefixSelectsKeys() {
        String r = room();
        String other = room();
        store.apply(KeyedWrite.set(r, SPACE, "poll:1", "1"), ROOMY);
        store.apply(KeyedWrite.set(r, SPACE, "poll:2", "2"), ROOMY);
        store.apply(KeyedWrite.set(r, SPACE, "pinned", "3"), ROOMY);
        store.apply(KeyedWrite.set(r, "playback", "poll:1", "4"), ROOMY);
        store.apply(KeyedWrite.set(other, SPACE, "poll:1", "5"), ROOMY);

        assertEquals(List.of("poll:1", "poll:2"), keys(store.snapshot(r, SPACE, "poll:")));
        assertEquals(3, store.snapshot(r, SPACE, "poll:").keys(), "counts are the space's, whatever the prefix");
        assertEquals(List.of("4"), store.snapshot(r, "playback", "").entries().stream().map(KeyedEntry::value).toList());
        assertEquals(List.of("5"), store.snapshot(other, SPACE, "").entries().stream().map(KeyedEntry::value).toList());
        assertEquals("playback.set", events(r).get(3).type());
    }

    // ---- increments

    @Test
    void incrementCountsFromZeroAndRefusesWhatIsNoIntegerOrPastTheExactRange() {
        String r = room();
        assertEquals("5", store.apply(KeyedWrite.increment(r, SPACE, "views", 5), ROOMY).entry().value());
        KeyedResult down = store.apply(KeyedWrite.increment(r, SPACE, "views", -7), ROOMY);
        assertEquals("-2", down.entry().value());
        assertEquals("{\"key\":\"views\",\"value\":-2,\"version\":2}", down.events().get(0).data());

        store.apply(KeyedWrite.set(r, SPACE, "title", "\"x\""), ROOMY);
        assertEquals(Outcome.NOT_A_NUMBER, store.apply(KeyedWrite.increment(r, SPACE, "title", 1), ROOMY).outcome());
        store.apply(KeyedWrite.set(r, SPACE, "ratio", "1.5"), ROOMY);
        assertEquals(Outcome.NOT_A_NUMBER, store.apply(KeyedWrite.increment(r, SPACE, "ratio", 1), ROOMY).outcome());

        store.apply(KeyedWrite.set(r, SPACE, "big", Long.toString(KeyedWrite.MAX_COUNTER)), ROOMY);
        assertEquals(Outcome.OUT_OF_RANGE, store.apply(KeyedWrite.increment(r, SPACE, "big", 1), ROOMY).outcome());
        assertEquals(Outcome.APPLIED, store.apply(KeyedWrite.increment(r, SPACE, "big", -1), ROOMY).outcome());
        store.apply(KeyedWrite.set(r, SPACE, "huge", "123456789012345678901"), ROOMY);
        assertEquals(Outcome.OUT_OF_RANGE, store.apply(KeyedWrite.increment(r, SPACE, "huge", 0), ROOMY).outcome());
        assertEquals(7, stream.position(r).seq(), "refused increments publish nothing");
    }

    @Test
    void concurrentIncrementsOnTwoNodesAddUpExactly() throws Exception {
        String r = room();
        KeyedStateStore other = open().keyedState();
        int threads = 4;
        int each = 250; // 1,000 increments, half from each node
        List<Future<?>> done = race(threads, t -> {
            KeyedStateStore node = t % 2 == 0 ? store : other;
            for (int i = 0; i < each; i++) {
                assertEquals(Outcome.APPLIED, node.apply(KeyedWrite.increment(r, SPACE, "votes:a", 1), ROOMY).outcome());
            }
        });
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        assertEquals(Integer.toString(threads * each), store.get(r, SPACE, "votes:a").orElseThrow().value());
        List<String> values = events(r).stream().map(e -> json(e.data()).getJsonNumber("value").toString()).toList();
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= threads * each; i++) {
            expected.add(Integer.toString(i));
        }
        assertEquals(expected, values, "every event carries the count after it, in seq order");
    }

    @Test
    void concurrentCompareAndSetOnTwoNodesLetsExactlyOneWriterWinEachVersion() throws Exception {
        String r = room();
        KeyedStateStore other = open().keyedState();
        store.apply(KeyedWrite.set(r, SPACE, "turn", "0"), ROOMY);
        List<Integer> wins = Collections.synchronizedList(new ArrayList<>());
        List<Future<?>> done = race(4, t -> {
            KeyedStateStore node = t % 2 == 0 ? store : other;
            for (int i = 0; i < 50; i++) {
                KeyedEntry seen = node.get(r, SPACE, "turn").orElseThrow();
                String next = Integer.toString(Integer.parseInt(seen.value()) + 1);
                KeyedResult result = node.apply(KeyedWrite.set(r, SPACE, "turn", next)
                        .withCondition(Condition.ifVersion(seen.version())), ROOMY);
                if (result.applied()) {
                    wins.add(Integer.parseInt(next));
                } else {
                    assertEquals(Outcome.CONFLICT, result.outcome());
                }
            }
        });
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        List<Integer> sorted = new ArrayList<>(wins);
        Collections.sort(sorted);
        List<Integer> expected = new ArrayList<>();
        for (int i = 1; i <= wins.size(); i++) {
            expected.add(i);
        }
        assertEquals(expected, sorted, "no value was written twice: no lost update");
        assertEquals(Integer.toString(wins.size()), store.get(r, SPACE, "turn").orElseThrow().value());
    }

    // ---- time to live

    @Test
    void anExpiredKeyReadsAsAbsentAtOnceAndItsExpiryIsAnnouncedOnceWhicheverNodeSweeps() {
        String r = room();
        KeyedStateStore other = open().keyedState();
        KeyedResult set = store.apply(KeyedWrite.set(r, SPACE, "spotlight", "\"ann\"").withTtl(10_000), ROOMY);
        long expiresAt = clock.millis() + 10_000;
        assertEquals(expiresAt, set.entry().expiresAt());
        assertEquals("{\"key\":\"spotlight\",\"value\":\"ann\",\"version\":1,\"expiresAt\":" + expiresAt + "}",
                set.events().get(0).data());
        clock.advance(Duration.ofMillis(9_999));
        assertTrue(store.get(r, SPACE, "spotlight").isPresent());
        assertTrue(store.expire(clock.millis(), 100).isEmpty(), "not due yet");

        clock.advance(Duration.ofMillis(1));
        assertTrue(store.get(r, SPACE, "spotlight").isEmpty(), "absent as soon as it expires");
        assertTrue(store.snapshot(r, SPACE, "").entries().isEmpty());
        List<KeyedResult> expired = new ArrayList<>(other.expire(clock.millis(), 100));
        expired.addAll(store.expire(clock.millis(), 100));

        assertEquals(1, expired.size());
        assertEquals(List.of(new RoomEvent(r, 2, "state.delete", "{\"key\":\"spotlight\",\"version\":2,\"reason\":\"expired\"}",
                clock.millis())), expired.get(0).events());
        assertEquals(List.of("state.set", "state.delete"), types(r));
        assertEquals(0, store.snapshot(r, SPACE, "").keys());
    }

    @Test
    void aWriteToAnExpiredKeyAnnouncesTheExpiryFirstAndTheSweepThenHasNothingToDo() {
        String r = room();
        store.apply(KeyedWrite.set(r, SPACE, "typing:ann", "true").withTtl(3_000), ROOMY);
        clock.advance(Duration.ofSeconds(5));

        KeyedResult again = store.apply(KeyedWrite.set(r, SPACE, "typing:ann", "true").withCondition(Condition.ifAbsent()), ROOMY);

        assertEquals(Outcome.APPLIED, again.outcome());
        assertEquals(List.of("state.delete", "state.set"), again.events().stream().map(RoomEvent::type).toList());
        assertEquals("expired", json(again.events().get(0).data()).getString("reason"));
        assertEquals(3, again.seq());
        assertEquals(0, again.entry().expiresAt(), "a set without a time to live is permanent");
        assertTrue(store.expire(clock.millis() + 3_600_000, 100).isEmpty());
        assertEquals(List.of("state.set", "state.delete", "state.set"), types(r));
    }

    @Test
    void refusedWritesLeaveAnExpiredKeyToTheSweep() {
        String r = room();
        store.apply(KeyedWrite.set(r, SPACE, "k", "1").withTtl(1_000), ROOMY);
        clock.advance(Duration.ofSeconds(2));
        assertEquals(Outcome.CONFLICT, store.apply(KeyedWrite.set(r, SPACE, "k", "2").withCondition(Condition.ifPresent()), ROOMY).outcome());
        assertEquals(1, stream.position(r).seq());
        assertEquals(1, store.expire(clock.millis(), 100).size());
        assertEquals(List.of("state.set", "state.delete"), types(r));
    }

    @Test
    void anIncrementKeepsTheKeysExpiryUnlessGivenOne() {
        String r = room();
        store.apply(KeyedWrite.increment(r, SPACE, "viewers", 1).withTtl(10_000), ROOMY);
        clock.advance(Duration.ofSeconds(4));
        KeyedResult kept = store.apply(KeyedWrite.increment(r, SPACE, "viewers", 1), ROOMY);
        assertEquals(clock.millis() + 6_000, kept.entry().expiresAt());
        KeyedResult renewed = store.apply(KeyedWrite.increment(r, SPACE, "viewers", 1).withTtl(10_000), ROOMY);
        assertEquals(clock.millis() + 10_000, renewed.entry().expiresAt());
        clock.advance(Duration.ofSeconds(7));
        assertTrue(store.expire(clock.millis(), 100).isEmpty(), "the earlier deadline moved");
        clock.advance(Duration.ofSeconds(3));
        assertEquals(1, store.expire(clock.millis(), 100).size());
    }

    @Test
    void aSetWithoutATimeToLiveMakesTheKeyPermanentAndADeleteForgetsItsDeadline() {
        String r = room();
        store.apply(KeyedWrite.set(r, SPACE, "a", "1").withTtl(1_000), ROOMY);
        store.apply(KeyedWrite.set(r, SPACE, "a", "2"), ROOMY);
        store.apply(KeyedWrite.set(r, SPACE, "b", "1").withTtl(1_000), ROOMY);
        store.apply(KeyedWrite.delete(r, SPACE, "b"), ROOMY);
        clock.advance(Duration.ofSeconds(2));
        assertTrue(store.expire(clock.millis(), 100).isEmpty());
        assertEquals("2", store.get(r, SPACE, "a").orElseThrow().value());
    }

    // ---- limits

    @Test
    void aSpaceHoldsAtMostItsKeysAndBytesAndOneValueAtMostItsSize() {
        String r = room();
        KeyedLimits limits = new KeyedLimits(2, 20, 8);
        assertEquals(Outcome.APPLIED, store.apply(KeyedWrite.set(r, SPACE, "a", "1"), limits).outcome());
        assertEquals(Outcome.APPLIED, store.apply(KeyedWrite.set(r, SPACE, "b", "2"), limits).outcome());
        assertEquals(Outcome.TOO_MANY_KEYS, store.apply(KeyedWrite.set(r, SPACE, "c", "3"), limits).outcome());
        assertEquals(Outcome.APPLIED, store.apply(KeyedWrite.set(r, SPACE, "b", "22222"), limits).outcome(),
                "replacing a key adds none");
        assertEquals(Outcome.VALUE_TOO_LARGE, store.apply(KeyedWrite.set(r, SPACE, "b", "\"123456789\""), limits).outcome());
        // a=1 (2 bytes) + b=22222 (6) = 8; b=1234567 makes 2 + 8 = 10
        assertEquals(Outcome.APPLIED, store.apply(KeyedWrite.set(r, SPACE, "b", "1234567"), limits).outcome());
        assertEquals(Outcome.TOO_MANY_BYTES, store.apply(KeyedWrite.set(r, SPACE, "a", "12345678"), new KeyedLimits(2, 10, 8)).outcome(),
                "a=12345678 would make 9 + 8 = 17 bytes");
        assertEquals(Outcome.APPLIED, store.apply(KeyedWrite.set(r, SPACE, "b", "1"), new KeyedLimits(2, 3, 8)).outcome(),
                "a write that shrinks a space over its limit is allowed");
        KeyedSnapshot snapshot = store.snapshot(r, SPACE, "");
        assertEquals(2, snapshot.keys());
        assertEquals(4, snapshot.bytes());
    }

    @Test
    void nodesAddingKeysAtOnceNeverOvershootTheLimit() throws Exception {
        String r = room();
        KeyedStateStore other = open().keyedState();
        KeyedLimits limits = new KeyedLimits(10, 1_000_000, 1_000);
        List<Future<?>> done = race(4, t -> {
            KeyedStateStore node = t % 2 == 0 ? store : other;
            for (int i = 0; i < 10; i++) {
                Outcome outcome = node.apply(KeyedWrite.set(r, SPACE, "k-" + t + "-" + i, "1"), limits).outcome();
                assertTrue(outcome == Outcome.APPLIED || outcome == Outcome.TOO_MANY_KEYS, outcome.name());
            }
        });
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        assertEquals(10, store.snapshot(r, SPACE, "").entries().size());
        assertEquals(10, stream.position(r).seq());
    }

    // ---- idempotency

    @Test
    void aRetryWithTheSameIdempotencyKeyIsDoneOnceWithinTheWindow() {
        String r = room();
        KeyedWrite vote = KeyedWrite.increment(r, SPACE, "poll:1:yes", 1).withIdempotencyKey("vote-ann-1");
        KeyedResult first = store.apply(vote, ROOMY);
        KeyedResult retry = open().keyedState().apply(vote, ROOMY);

        assertEquals(Outcome.DUPLICATE, retry.outcome());
        assertEquals(first.seq(), retry.seq());
        assertEquals(first.entry(), retry.entry());
        assertTrue(retry.events().isEmpty());
        assertEquals(1, stream.position(r).seq());

        assertEquals(Outcome.APPLIED, store.apply(vote.withIdempotencyKey("vote-bob-1"), ROOMY).outcome());
        clock.advance(Duration.ofMillis(KeyedWrite.IDEMPOTENCY_WINDOW_MILLIS + 1));
        assertEquals(Outcome.APPLIED, store.apply(vote, ROOMY).outcome(), "forgotten after the window");
        assertEquals("3", store.get(r, SPACE, "poll:1:yes").orElseThrow().value());
    }

    // ---- snapshots and release

    // ---- silent writes

    @Test
    void aSilentWritePublishesNothingAndTakesTheSeqOfTheRoomsLastEventAsItsVersion() {
        String r = room();
        KeyedResult first = store.apply(KeyedWrite.set(r, SPACE, "ballot", "1").silently(), ROOMY);
        assertEquals(Outcome.APPLIED, first.outcome());
        assertEquals(0, first.seq(), "no event yet: version 0");
        assertTrue(first.events().isEmpty());
        assertEquals(0, stream.position(r).seq(), "nothing was published");

        stream.publish(r, "message", "{}");
        stream.publish(r, "message", "{}");
        KeyedResult changed = store.apply(KeyedWrite.set(r, SPACE, "ballot", "2").silently()
                .withCondition(Condition.ifVersion(0)), ROOMY);
        assertEquals(Outcome.APPLIED, changed.outcome(), "compare-and-set on a silent key");
        assertEquals(2, changed.seq(), "the version is the seq of the room's last event");
        assertEquals(new KeyedEntry("ballot", "2", 2, 0), store.get(r, SPACE, "ballot").orElseThrow());

        KeyedResult counted = store.apply(KeyedWrite.increment(r, SPACE, "voters", 1).silently(), ROOMY);
        assertEquals("1", counted.entry().value());
        assertEquals(2, counted.entry().version());
        KeyedResult announced = store.apply(KeyedWrite.set(r, SPACE, "poll", "\"closed\""), ROOMY);
        assertEquals(3, announced.seq(), "an announced write after them still takes the next seq");
        assertTrue(store.get(r, SPACE, "ballot").orElseThrow().version() < announced.seq(),
                "a silent write made before an event has a smaller version than the event's seq");
        KeyedResult late = store.apply(KeyedWrite.set(r, SPACE, "ballot", "3").silently(), ROOMY);
        assertTrue(late.seq() >= announced.seq(), "one made after it has at least its seq");

        KeyedResult deleted = store.apply(KeyedWrite.delete(r, SPACE, "voters").silently(), ROOMY);
        assertEquals(Outcome.APPLIED, deleted.outcome());
        assertTrue(deleted.events().isEmpty());
        assertEquals(List.of("message", "message", "state.set"), types(r), "only the announced write is on the stream");
        KeyedSnapshot snapshot = store.snapshot(r, SPACE, "");
        assertEquals(List.of("ballot", "poll"), snapshot.entries().stream().map(KeyedEntry::key).toList());
        assertEquals(3, snapshot.seq());
    }

    @Test
    void ifUnchangedTellsApartSilentWritesThatShareAVersion() {
        String r = room();
        stream.publish(r, "message", "{}");
        KeyedEntry first = store.apply(KeyedWrite.set(r, SPACE, "ballot", "{\"o\":\"a\",\"n\":1}").silently(), ROOMY).entry();
        KeyedEntry second = store.apply(KeyedWrite.set(r, SPACE, "ballot", "{\"o\":\"b\",\"n\":2}").silently()
                .withCondition(Condition.ifUnchanged(first)), ROOMY).entry();
        assertEquals(first.version(), second.version(), "no event between them: one version");
        KeyedResult stale = store.apply(KeyedWrite.set(r, SPACE, "ballot", "{\"o\":\"c\",\"n\":3}").silently()
                .withCondition(Condition.ifUnchanged(first)), ROOMY);
        assertEquals(Outcome.CONFLICT, stale.outcome(), "a writer that read the first value lost");
        assertEquals(second, stale.entry());
        assertEquals(Outcome.APPLIED, store.apply(KeyedWrite.set(r, SPACE, "ballot", "{\"o\":\"c\",\"n\":3}")
                .silently().withCondition(Condition.ifUnchanged(second)), ROOMY).outcome());
        assertEquals(Outcome.CONFLICT, store.apply(KeyedWrite.delete(r, SPACE, "ballot")
                .withCondition(Condition.ifUnchanged(second)), ROOMY).outcome());
    }

    @Test
    void silentWritesKeepQuotasIdempotencyAndTheAnnouncementOfExpiries() {
        String r = room();
        KeyedLimits two = new KeyedLimits(2, 1_000, 100);
        store.apply(KeyedWrite.set(r, SPACE, "a", "1").silently(), two);
        store.apply(KeyedWrite.set(r, SPACE, "b", "1").silently().withTtl(1_000), two);
        assertEquals(Outcome.TOO_MANY_KEYS, store.apply(KeyedWrite.set(r, SPACE, "c", "1").silently(), two).outcome());

        KeyedWrite once = KeyedWrite.increment(r, SPACE, "a", 5).silently().withIdempotencyKey("vote-1");
        assertEquals("6", store.apply(once, two).entry().value());
        assertEquals(Outcome.DUPLICATE, store.apply(once, two).outcome());
        assertEquals("6", store.get(r, SPACE, "a").orElseThrow().value());

        clock.advance(Duration.ofMillis(1_000));
        KeyedResult over = store.apply(KeyedWrite.set(r, SPACE, "b", "2").silently(), two);
        assertEquals(List.of("state.delete"), over.events().stream().map(RoomEvent::type).toList(),
                "the expiry the write found is announced, the write itself is not");
        assertEquals(1, over.seq(), "and the write's version is that announcement's seq");
        assertEquals(List.of("state.delete"), types(r));
    }

    @Test
    void aSnapshotFollowedByTheEventsAfterItsSeqIsAlwaysTheSpace() {
        String r = room();
        Random random = new Random(42);
        KeyedSnapshot start = null;
        for (int i = 0; i < 400; i++) {
            String key = "k" + random.nextInt(12);
            KeyedWrite write = switch (random.nextInt(5)) {
                case 0 -> KeyedWrite.delete(r, SPACE, key);
                case 1 -> KeyedWrite.increment(r, SPACE, key, random.nextInt(5) - 2);
                case 2 -> KeyedWrite.set(r, SPACE, key, "\"v" + i + "\"").withTtl(1 + random.nextInt(3_000));
                default -> KeyedWrite.set(r, SPACE, key, Integer.toString(i));
            };
            store.apply(write, ROOMY);
            clock.advance(Duration.ofMillis(random.nextInt(200)));
            if (random.nextInt(10) == 0) {
                store.expire(clock.millis(), 3);
            }
            if (random.nextInt(60) == 0) {
                store.clear(r, SPACE, List.of("k1"), "vacated"); // k1, k10, k11 stay
            }
            if (i == 150) {
                start = store.snapshot(r, SPACE, "");
            }
        }
        clock.advance(Duration.ofSeconds(5));
        store.expire(clock.millis(), 1_000);

        Map<String, String> folded = new TreeMap<>();
        start.entries().forEach(e -> folded.put(e.key(), e.value()));
        for (RoomEvent e : events(r)) {
            if (e.seq() <= start.seq()) {
                continue;
            }
            fold(folded, e);
            if (!e.type().equals("state.cleared")) {
                assertEquals(e.seq(), json(e.data()).getJsonNumber("version").longValue());
            }
        }
        Map<String, String> now = new TreeMap<>();
        store.snapshot(r, SPACE, "").entries().forEach(e -> now.put(e.key(), e.value()));
        assertEquals(now, folded);
        assertEquals(now.size(), store.snapshot(r, SPACE, "").keys(), "every expiry was announced");
    }

    @Test
    void releaseDropsASpaceWithoutAnEvent() {
        String r = room();
        store.apply(KeyedWrite.set(r, SPACE, "a", "1"), ROOMY);
        store.apply(KeyedWrite.set(r, SPACE, "b", "1").withTtl(1_000), ROOMY);
        store.apply(KeyedWrite.set(r, "playback", "a", "1"), ROOMY);
        store.release(r, SPACE);
        assertTrue(store.snapshot(r, SPACE, "").entries().isEmpty());
        assertEquals(0, store.snapshot(r, SPACE, "").bytes());
        assertEquals(1, store.snapshot(r, "playback", "").entries().size(), "other spaces stay");
        clock.advance(Duration.ofSeconds(2));
        assertTrue(store.expire(clock.millis(), 100).isEmpty(), "a released key never expires");
        assertEquals(3, stream.position(r).seq());
    }

    // ---- clearing a space but for kept prefixes

    @Test
    void aClearRemovesEveryKeyButTheKeptPrefixesWithExactlyOneEvent() {
        String r = room();
        KeyedStateStore other = open().keyedState();
        store.apply(KeyedWrite.set(r, SPACE, "a", "1"), ROOMY);
        store.apply(KeyedWrite.set(r, SPACE, "b", "{\"x\":2}").withTtl(60_000), ROOMY);
        KeyedResult keptOne = store.apply(KeyedWrite.set(r, SPACE, "keep/x", "\"y\""), ROOMY);
        KeyedResult keptTwo = store.apply(KeyedWrite.set(r, SPACE, "pinned/z", "3").withTtl(60_000), ROOMY);
        store.apply(KeyedWrite.set(r, "playback", "a", "1"), ROOMY);

        KeyedCleared cleared = other.clear(r, SPACE, List.of("keep/", "pinned/"), "vacated");

        assertEquals(2, cleared.removed());
        assertEquals(1, cleared.events().size());
        RoomEvent event = cleared.events().get(0);
        assertEquals("state.cleared", event.type());
        assertEquals("{\"reason\":\"vacated\",\"kept\":[\"keep/\",\"pinned/\"]}", event.data());
        assertEquals(6, event.seq());
        assertEquals(List.of(event.seq()), events(r).stream().filter(e -> e.type().equals("state.cleared"))
                .map(RoomEvent::seq).toList(), "one event on the stream");
        KeyedSnapshot after = store.snapshot(r, SPACE, "");
        assertEquals(List.of(keptOne.entry(), keptTwo.entry()), after.entries(), "kept keys keep their versions");
        assertEquals(2, after.keys());
        assertEquals("keep/x".length() + 3 + "pinned/z".length() + 1, after.bytes());
        assertEquals(1, store.snapshot(r, "playback", "").keys(), "other spaces are untouched");
        assertTrue(store.get(r, SPACE, "a").isEmpty());

        clock.advance(Duration.ofMinutes(2));
        List<KeyedResult> expired = store.expire(clock.millis(), 100);
        assertEquals(List.of("pinned/z"), expired.stream().map(KeyedResult::key).toList(),
                "a cleared key's deadline went with it; a kept key still expires");
    }

    @Test
    void aClearWithoutKeptPrefixesEmptiesTheSpaceAndAClearOfNothingPublishesNothing() {
        String r = room();
        assertEquals(new KeyedCleared(r, SPACE, 0, List.of()), store.clear(r, SPACE, List.of(), "closed"));
        store.apply(KeyedWrite.set(r, SPACE, "keep/a", "1"), ROOMY);
        assertEquals(0, store.clear(r, SPACE, List.of("keep/"), "vacated").removed(), "only kept keys: nothing to do");
        assertEquals(1, stream.position(r).seq(), "nothing published");

        KeyedCleared all = store.clear(r, SPACE, List.of(), "closed");
        assertEquals(1, all.removed());
        assertEquals("{\"reason\":\"closed\",\"kept\":[]}", all.events().get(0).data());
        KeyedSnapshot empty = store.snapshot(r, SPACE, "");
        assertEquals(List.of(), empty.entries());
        assertEquals(0, empty.keys());
        assertEquals(0, empty.bytes());
        assertEquals(Outcome.APPLIED, store.apply(KeyedWrite.set(r, SPACE, "a", "1"), new KeyedLimits(1, 2, 1)).outcome(),
                "the space's counts start again from nothing");
    }

    @Test
    void aClearTakesExpiredKeysWithItAndTheSweepHasNothingLeftToAnnounce() {
        String r = room();
        store.apply(KeyedWrite.set(r, SPACE, "typing", "true").withTtl(1_000), ROOMY);
        clock.advance(Duration.ofSeconds(2));
        KeyedCleared cleared = store.clear(r, SPACE, List.of(), "vacated");
        assertEquals(1, cleared.removed());
        assertEquals(List.of("state.set", "state.cleared"), types(r), "no expiry event of its own");
        assertTrue(store.expire(clock.millis(), 100).isEmpty());
    }

    @Test
    void aClearRefusesBadReasonsAndPrefixesBeforeAnythingChanges() {
        String r = room();
        store.apply(KeyedWrite.set(r, SPACE, "a", "1"), ROOMY);
        assertThrows(IllegalArgumentException.class, () -> store.clear(r, SPACE, List.of(""), "vacated"));
        assertThrows(IllegalArgumentException.class, () -> store.clear(r, SPACE, List.of("a\nb"), "vacated"));
        assertThrows(IllegalArgumentException.class, () -> store.clear(r, SPACE, List.of(), "Vacated!"));
        assertThrows(IllegalArgumentException.class, () -> store.clear("a\nb", SPACE, List.of(), "vacated"));
        assertEquals(1, store.snapshot(r, SPACE, "").keys());
        assertEquals(1, stream.position(r).seq());
    }

    /**
     * Several clients on two nodes write at once (set, compare-and-set, increment, conditional delete, keys with a
     * time to live, now and then a clear) while the clock moves and sweeps run: folding the events after any
     * snapshot always gives the space as it is at the end.
     */
    @Test
    void randomInterleavingsOfSeveralClientsOnTwoNodesAreRebuiltFromTheirEvents() throws Exception {
        String r = room();
        KeyedStateStore other = open().keyedState();
        List<KeyedSnapshot> snapshots = Collections.synchronizedList(new ArrayList<>());
        snapshots.add(store.snapshot(r, SPACE, ""));
        List<Future<?>> done = race(4, t -> {
            Random random = new Random(1_000 + t);
            KeyedStateStore node = t % 2 == 0 ? store : other;
            for (int n = 0; n < 150; n++) {
                int i = n;
                String key = (random.nextInt(4) == 0 ? "keep/" : "") + "k" + random.nextInt(8);
                switch (random.nextInt(9)) {
                    case 0 -> node.apply(KeyedWrite.delete(r, SPACE, key), ROOMY);
                    case 1 -> node.get(r, SPACE, key).ifPresent(seen -> node.apply(KeyedWrite.delete(r, SPACE, key)
                            .withCondition(Condition.ifVersion(seen.version())), ROOMY));
                    case 2 -> node.apply(KeyedWrite.increment(r, SPACE, key, random.nextInt(5) - 2), ROOMY);
                    case 3 -> node.apply(KeyedWrite.set(r, SPACE, key, "\"t" + t + "-" + i + "\"")
                            .withTtl(1 + random.nextInt(2_000)), ROOMY);
                    case 4 -> node.get(r, SPACE, key).ifPresentOrElse(
                            seen -> node.apply(KeyedWrite.set(r, SPACE, key, "[" + t + "," + i + "]")
                                    .withCondition(Condition.ifVersion(seen.version())), ROOMY),
                            () -> node.apply(KeyedWrite.set(r, SPACE, key, "0").withCondition(Condition.ifAbsent()), ROOMY));
                    case 5 -> {
                        if (random.nextInt(6) == 0) {
                            node.clear(r, SPACE, random.nextBoolean() ? List.of("keep/") : List.of(), "vacated");
                        } else {
                            snapshots.add(node.snapshot(r, SPACE, ""));
                        }
                    }
                    case 6 -> {
                        clock.advance(Duration.ofMillis(random.nextInt(300)));
                        node.expire(clock.millis(), 5);
                    }
                    default -> node.apply(KeyedWrite.set(r, SPACE, key, Integer.toString(i)), ROOMY);
                }
            }
        });
        for (Future<?> f : done) {
            f.get(120, TimeUnit.SECONDS);
        }
        clock.advance(Duration.ofSeconds(5));
        store.expire(clock.millis(), 10_000);

        KeyedSnapshot end = store.snapshot(r, SPACE, "");
        Map<String, String> now = new TreeMap<>();
        end.entries().forEach(e -> now.put(e.key(), e.value()));
        assertEquals(now.size(), end.keys(), "every expiry was announced");
        List<RoomEvent> all = events(r);
        assertEquals(end.seq(), all.get(all.size() - 1).seq());
        assertTrue(snapshots.size() > 2, "snapshots were taken in the middle");
        for (KeyedSnapshot start : snapshots) {
            Map<String, String> folded = new TreeMap<>();
            start.entries().forEach(e -> folded.put(e.key(), e.value()));
            for (RoomEvent e : all) {
                if (e.seq() > start.seq()) {
                    fold(folded, e);
                }
            }
            assertEquals(now, folded, "from the snapshot at seq " + start.seq());
        }
    }

    /** Applies one event of the space to a client's copy of it, as a client does. */
    private static void fold(Map<String, String> copy, RoomEvent e) {
        JsonObject data = json(e.data());
        switch (e.type()) {
            case "state.set" -> copy.put(data.getString("key"), data.get("value").toString());
            case "state.delete" -> copy.remove(data.getString("key"));
            case "state.cleared" -> {
                List<String> kept = data.getJsonArray("kept").getValuesAs(jakarta.json.JsonString::getString);
                copy.keySet().removeIf(key -> kept.stream().noneMatch(key::startsWith));
            }
            default -> throw new AssertionError("unexpected event " + e);
        }
    }

    @Test
    void badNamesAreRefusedBeforeAnythingChanges() {
        assertThrows(IllegalArgumentException.class, () -> store.apply(KeyedWrite.set("a\nb", SPACE, "k", "1"), ROOMY));
        assertThrows(IllegalArgumentException.class, () -> KeyedWrite.set(room(), "State", "k", "1"));
        assertThrows(IllegalArgumentException.class, () -> KeyedWrite.set(room(), SPACE, "k\n", "1"));
        assertThrows(IllegalArgumentException.class, () -> KeyedWrite.set(room(), SPACE, "", "1"));
        assertThrows(IllegalArgumentException.class, () -> KeyedWrite.increment(room(), SPACE, "k", KeyedWrite.MAX_COUNTER + 1));
        assertThrows(IllegalArgumentException.class, () -> KeyedWrite.set(room(), SPACE, "k", "1").withIdempotencyKey("a b"));
        assertThrows(IllegalArgumentException.class, () -> KeyedWrite.delete(room(), SPACE, "k").withTtl(5));
    }

    // ---- helpers

    protected List<RoomEvent> events(String room) {
        Replay replay = stream.replay(room, 0, null);
        assertTrue(replay.recovered());
        return replay.events();
    }

    protected List<String> types(String room) {
        return events(room).stream().map(RoomEvent::type).toList();
    }

    protected static String room() {
        return "room-" + UUID.randomUUID();
    }

    private static List<String> keys(KeyedSnapshot snapshot) {
        return snapshot.entries().stream().map(KeyedEntry::key).toList();
    }

    protected static JsonObject json(String text) {
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            JsonValue value = reader.readValue();
            return value.asJsonObject();
        }
    }

    /** Runs {@code work} on {@code threads} threads started together. */
    private static List<Future<?>> race(int threads, ThreadWork work) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                start.await();
                work.run(thread);
                return null;
            }));
        }
        start.countDown();
        pool.shutdown();
        return futures;
    }

    @FunctionalInterface
    private interface ThreadWork {
        void run(int thread) throws Exception;
    }
}
