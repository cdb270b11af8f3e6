package dev.roomkeeper.polls.control;

import dev.roomkeeper.auth.entity.Role;
import dev.roomkeeper.engine.control.Engine;
import dev.roomkeeper.engine.entity.EngineSettings;
import dev.roomkeeper.keyed.control.KeyedState;
import dev.roomkeeper.keyed.control.KeyedStateStore;
import dev.roomkeeper.keyed.entity.KeyedEntry;
import dev.roomkeeper.keyed.entity.KeyedLimits;
import dev.roomkeeper.keyed.entity.KeyedResult;
import dev.roomkeeper.keyed.entity.KeyedSnapshot;
import dev.roomkeeper.keyed.entity.KeyedWrite;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.polls.entity.CloseReason;
import dev.roomkeeper.polls.entity.Poll;
import dev.roomkeeper.polls.entity.PollRecord;
import dev.roomkeeper.polls.entity.PollRequest;
import dev.roomkeeper.polls.entity.Tally;
import dev.roomkeeper.polls.entity.VoteRequest;
import dev.roomkeeper.rooms.entity.Access;
import dev.roomkeeper.stream.control.RoomEvents;
import dev.roomkeeper.stream.entity.RoomEvent;
import dev.roomkeeper.testing.MutableClock;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What polls promise on every engine, with two "nodes" (two poll books, each on its own engine; on Redis both
 * engines share one redis-server, as two servers would): exact tallies under concurrent votes and vote changes from
 * both nodes, one vote per user, a close that happens once and counts exactly the votes acknowledged before it.
 * Each engine's test extends this and says how to make a node.
 */
public abstract class PollBookContract {

    protected MutableClock clock;
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Closure> recorded = new ConcurrentHashMap<>();
    private final List<RoomEvent> published = Collections.synchronizedList(new ArrayList<>());

    /** A poll closed in the database (the audit): what the book recorded. */
    record Closure(Poll poll, Tally tally) {
    }

    /** A node (an engine) sharing the backing store of every node this test opened before. */
    protected abstract Engine open(EngineSettings settings);

    /** Closes what {@link #open} opened. */
    protected abstract void closeAll();

    record Node(Engine engine, PollBook book) {
    }

    @BeforeEach
    void openNodes() {
        clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        nodes.add(node());
        nodes.add(node());
    }

    @AfterEach
    void closeNodes() {
        closeAll();
    }

    private Node node() {
        Engine engine = open(new EngineSettings(100_000, Duration.ofHours(1), Duration.ofHours(24), clock));
        KeyedStateStore store = engine.keyedState();
        PollBook book = new PollBook();
        book.state = new KeyedState() {
            @Override
            public KeyedResult apply(KeyedWrite write, KeyedLimits limits) {
                return store.apply(write, limits);
            }

            @Override
            public Optional<KeyedEntry> get(String room, String space, String key) {
                return store.get(room, space, key);
            }

            @Override
            public KeyedSnapshot snapshot(String room, String space, String prefix) {
                return store.snapshot(room, space, prefix);
            }

            @Override
            public void release(String room, String space) {
                store.release(room, space);
            }
        };
        book.events = new RoomEvents() {
            @Override
            public RoomEvent publish(String roomId, String type, JsonObject data) {
                RoomEvent event = engine.stream().publish(roomId, type, data.toString());
                published.add(event);
                return event;
            }
        };
        book.records = new PollRecords() {
            @Override
            public void created(Poll poll) {
                // the audit row of a new poll is not what this suite checks
            }

            @Override
            public boolean closed(Poll poll, Tally tally) {
                return recorded.putIfAbsent(poll.id(), new Closure(poll, tally)) == null;
            }

            @Override
            public Optional<PollRecord> find(String pollId) {
                return Optional.empty();
            }
        };
        book.settings = new PollSettings();
        book.settings.maxQuestion = "300";
        book.settings.maxOptionText = "100";
        book.settings.maxOpen = "5";
        book.settings.maxPolls = "20";
        book.settings.maxVoters = "5000";
        book.settings.maxDuration = "PT24H";
        book.metrics = Meters.inMemory();
        book.clock = clock::millis;
        Node node = new Node(engine, book);
        return node;
    }

    private static String room() {
        return "room-" + UUID.randomUUID();
    }

    private static Access as(String room, Role role) {
        return new Access(room, room, role);
    }

    private Poll create(String room, boolean multiple, String... options) {
        PollRequest request = new PollRequest("Which one?", List.of(options), multiple, 0);
        return nodes.get(0).book().create(as(room, Role.HOST), "host", request);
    }

    private static VoteRequest choose(String... ids) {
        return new VoteRequest(List.of(ids));
    }

    @Test
    void concurrentVotersOnTwoNodesGiveAnExactTallyWithOneVotePerUserAndEachChangeCountedOnce() throws Exception {
        String room = room();
        Poll poll = create(room, false, "Red", "Green", "Blue");
        int voters = 300;
        String[] ids = {"a", "b", "c"};
        Map<String, String> finalChoice = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < voters; i++) {
            int n = i;
            done.add(pool.submit(() -> {
                start.await();
                String user = "user-" + n;
                String first = ids[n % 3];
                nodes.get(n % 2).book().vote(as(room, Role.PARTICIPANT), user, poll.id(), choose(first));
                String last = first;
                if (n % 4 == 0) { // a quarter change their mind twice, on the other node each time
                    String second = ids[(n + 1) % 3];
                    nodes.get((n + 1) % 2).book().vote(as(room, Role.PARTICIPANT), user, poll.id(), choose(second));
                    last = ids[(n + 2) % 3];
                    nodes.get(n % 2).book().vote(as(room, Role.PARTICIPANT), user, poll.id(), choose(last));
                }
                finalChoice.put(user, last);
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        Map<String, Long> expected = new HashMap<>(Map.of("a", 0L, "b", 0L, "c", 0L));
        finalChoice.values().forEach(c -> expected.merge(c, 1L, Long::sum));
        PollBook.Closed live = nodes.get(1).book().one(room, poll.id()).orElseThrow();
        assertEquals(expected, live.tally().counts());
        assertEquals(voters, live.tally().totalVoters());

        PollBook.Closed closed = nodes.get(1).book().closeByHost(as(room, Role.HOST), "host", poll.id());
        assertEquals(expected, closed.tally().counts(), "the final tally is the live one: nothing raced the close");
        assertEquals(voters, closed.tally().votes().size(), "one counted vote per user");
        closed.tally().votes().forEach(v -> assertEquals(List.of(finalChoice.get(v.userId())), v.options()));
        assertEquals(closed.tally(), recorded.get(poll.id()).tally(), "the audit holds the final tally and its votes");
    }

    @Test
    void oneUserVotingFromBothNodesAtOnceHasOneVote() throws Exception {
        String room = room();
        Poll poll = create(room, true, "Mon", "Tue", "Wed", "Thu");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<PollBook.Voted>> done = new ArrayList<>();
        List<List<String>> choices = List.of(List.of("a"), List.of("b", "c"), List.of("d"), List.of("a", "d"));
        for (int i = 0; i < 40; i++) {
            int n = i;
            done.add(pool.submit(() -> {
                start.await();
                return nodes.get(n % 2).book().vote(as(room, Role.PARTICIPANT), "ann", poll.id(),
                        new VoteRequest(choices.get(n % choices.size())));
            }));
        }
        start.countDown();
        long latest = 0;
        List<List<String>> latestChoices = new ArrayList<>();
        int refused = 0;
        for (Future<PollBook.Voted> f : done) {
            PollBook.Voted voted;
            try {
                voted = f.get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                // outrun by its own other tabs every time it tried: refused, and so changed nothing
                if (!(e.getCause() instanceof ProblemException problem)) {
                    throw new AssertionError("a vote failed with something other than a refusal", e.getCause());
                }
                assertEquals("vote-contended", problem.type());
                refused++;
                continue;
            }
            if (voted.version() > latest) {
                latest = voted.version();
                latestChoices.clear();
            }
            if (voted.version() == latest) {
                latestChoices.add(voted.options());
            }
        }
        pool.shutdown();
        assertTrue(refused < 40, "most votes went through");
        Tally tally = nodes.get(0).book().one(room, poll.id()).orElseThrow().tally();
        assertEquals(1, tally.totalVoters());
        Tally.Vote counted = tally.votes().get(0);
        assertEquals("ann", counted.userId());
        assertEquals(latest, counted.version(), "the vote that counts is one stored last");
        assertTrue(latestChoices.contains(counted.options()),
                "and one of the votes acknowledged last (silent ballots written with no event between share a version)");
    }

    @Test
    void aCloseRacingVotesOnTheOtherNodeCountsExactlyTheVotesAcknowledgedBeforeIt() throws Exception {
        for (int round = 0; round < 5; round++) {
            String room = room();
            Poll poll = create(room, false, "Yes", "No");
            int voters = 120;
            Map<String, String> acknowledged = new ConcurrentHashMap<>();
            ExecutorService pool = Executors.newFixedThreadPool(12);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < voters; i++) {
                int n = i;
                done.add(pool.submit(() -> {
                    start.await();
                    String user = "user-" + n;
                    for (String choice : n % 2 == 0 ? List.of("a", "b") : List.of("b")) {
                        try {
                            nodes.get(n % 2).book().vote(as(room, Role.PARTICIPANT), user, poll.id(), choose(choice));
                            acknowledged.put(user, choice);
                        } catch (ProblemException e) {
                            assertEquals("poll-closed", e.type());
                            break;
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            // the close lands somewhere in the middle of the voting, from the second node
            while (acknowledged.size() < voters / 3) {
                Thread.onSpinWait();
            }
            PollBook.Closed closed = nodes.get(1).book().close(room, poll.id(), CloseReason.HOST, "host").orElseThrow();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            Map<String, List<String>> counted = new HashMap<>();
            closed.tally().votes().forEach(v -> counted.put(v.userId(), v.options()));
            Map<String, List<String>> expected = new HashMap<>();
            acknowledged.forEach((user, choice) -> expected.put(user, List.of(choice)));
            assertEquals(expected, counted, "round " + round + ": every acknowledged vote, as last acknowledged, and no other");
            assertEquals(recorded.get(poll.id()).tally(), closed.tally());
            // asked again after the voting ended, the final tally is the same
            assertEquals(closed.tally(), nodes.get(0).book().one(room, poll.id()).orElseThrow().tally());
        }
    }

    @Test
    void twoNodesClosingAtOnceCloseOnceAndAnnounceOnce() throws Exception {
        String room = room();
        Poll poll = create(room, false, "Yes", "No");
        nodes.get(0).book().vote(as(room, Role.PARTICIPANT), "ann", poll.id(), choose("a"));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<PollBook.Closed>> done = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            int n = i;
            done.add(pool.submit(() -> {
                start.await();
                return nodes.get(n).book().close(room, poll.id(), CloseReason.TIME, null).orElseThrow();
            }));
        }
        start.countDown();
        int now = 0;
        for (Future<PollBook.Closed> f : done) {
            PollBook.Closed closed = f.get(30, TimeUnit.SECONDS);
            now += closed.now() ? 1 : 0;
            assertEquals(Map.of("a", 1L, "b", 0L), closed.tally().counts());
        }
        pool.shutdown();
        assertEquals(1, now, "one node closed it");
        assertEquals(1, published.stream().filter(e -> e.type().equals("poll.closed")).count());
        ProblemException late = org.junit.jupiter.api.Assertions.assertThrows(ProblemException.class,
                () -> nodes.get(1).book().vote(as(room, Role.PARTICIPANT), "bob", poll.id(), choose("b")));
        assertEquals("poll-closed", late.type());
    }

    @Test
    void theRoomsStreamCarriesThePollsEventsButNoVoteAndNoVoter() {
        String room = room();
        Poll poll = create(room, true, "Yes", "No");
        for (String voter : List.of("ann", "bob", "cy")) {
            nodes.get(voter.length() % 2).book().vote(as(room, Role.PARTICIPANT), voter, poll.id(), choose("a"));
        }
        nodes.get(0).book().vote(as(room, Role.PARTICIPANT), "ann", poll.id(), choose("a", "b"));
        clock.advance(Duration.ofSeconds(1));
        nodes.get(0).book().pushTallies(1_000);
        nodes.get(1).book().pushTallies(1_000);
        nodes.get(0).book().closeByHost(as(room, Role.HOST), "host", poll.id());

        dev.roomkeeper.stream.entity.Replay replay = nodes.get(1).engine().stream().replay(room, 0, null);
        assertTrue(replay.recovered());
        assertEquals(List.of("polls.set", "poll.created", "poll.tally", "polls.set", "poll.closed"),
                replay.events().stream().map(RoomEvent::type).toList(),
                "the poll's definition and close with their events, one tally; ballots and counters are silent");
        for (RoomEvent event : replay.events()) {
            for (String voter : List.of("ann", "bob", "cy")) {
                assertTrue(!event.data().contains("\"" + voter + "\""), event.type() + " names no voter");
            }
        }
        assertEquals(3, recorded.get(poll.id()).tally().totalVoters(), "and the close still counts every ballot");
    }

    @Test
    void talliesArePushedOnlyWhenChangedAndAtMostOncePerIntervalAcrossNodes() {
        String room = room();
        Poll poll = create(room, false, "Yes", "No");
        nodes.get(0).book().vote(as(room, Role.PARTICIPANT), "ann", poll.id(), choose("a"));
        nodes.get(1).book().vote(as(room, Role.PARTICIPANT), "bob", poll.id(), choose("b"));
        assertEquals(1, nodes.get(0).book().pushTallies(1_000) + nodes.get(1).book().pushTallies(1_000),
                "both nodes took a vote; one pushes");
        nodes.get(1).book().vote(as(room, Role.PARTICIPANT), "cy", poll.id(), choose("b"));
        assertEquals(0, nodes.get(1).book().pushTallies(1_000), "too soon after the last push");
        clock.advance(Duration.ofSeconds(1));
        assertEquals(1, nodes.get(1).book().pushTallies(1_000));
        nodes.get(0).book().vote(as(room, Role.PARTICIPANT), "ann", poll.id(), choose("a")); // the same vote again
        clock.advance(Duration.ofSeconds(1));
        assertEquals(0, nodes.get(0).book().pushTallies(1_000), "nothing changed");
        List<JsonObject> tallies = published.stream().filter(e -> e.type().equals("poll.tally"))
                .map(e -> jakarta.json.Json.createReader(new java.io.StringReader(e.data())).readObject()).toList();
        assertEquals(2, tallies.size());
        assertEquals(2, tallies.get(0).getInt("totalVoters"));
        assertEquals(2, tallies.get(1).getJsonObject("counts").getInt("b"));
        assertEquals(3, tallies.get(1).getInt("totalVoters"));
    }

    @Test
    void limitsOfOpenPollsAndVotersAreExactAndObserversCannotVote() {
        String room = room();
        for (int i = 0; i < 5; i++) {
            create(room, false, "Yes", "No");
        }
        ProblemException sixth = org.junit.jupiter.api.Assertions.assertThrows(ProblemException.class,
                () -> create(room, false, "Yes", "No"));
        assertEquals("too-many-open-polls", sixth.type());
        Poll poll = nodes.get(0).book().live(room).get(0).poll();
        nodes.get(0).book().close(room, poll.id(), CloseReason.HOST, "host");
        Poll again = create(room, false, "Yes", "No");
        ProblemException observer = org.junit.jupiter.api.Assertions.assertThrows(ProblemException.class,
                () -> nodes.get(0).book().vote(as(room, Role.OBSERVER), "obs", again.id(), choose("a")));
        assertEquals("forbidden", observer.type());
        ProblemException invalid = org.junit.jupiter.api.Assertions.assertThrows(ProblemException.class,
                () -> nodes.get(0).book().vote(as(room, Role.PARTICIPANT), "ann", again.id(), choose("a", "b")));
        assertEquals("invalid-option", invalid.type());
        ProblemException participantCreates = org.junit.jupiter.api.Assertions.assertThrows(ProblemException.class,
                () -> nodes.get(1).book().create(as(room, Role.PARTICIPANT), "ann",
                        new PollRequest("Q?", List.of("x", "y"), false, 0)));
        assertEquals("forbidden", participantCreates.type());
    }

    @Test
    void theRoomsClosingClosesItsOpenPollsRecordsThemAndDropsItsLivePolls() {
        String room = room();
        Poll open = create(room, false, "Yes", "No");
        Poll done = create(room, false, "Up", "Down");
        nodes.get(0).book().vote(as(room, Role.PARTICIPANT), "ann", open.id(), choose("b"));
        nodes.get(0).book().close(room, done.id(), CloseReason.HOST, "host");
        assertEquals(1, nodes.get(1).book().closeAll(room, CloseReason.ROOM_CLOSED));
        assertEquals(CloseReason.ROOM_CLOSED, recorded.get(open.id()).poll().closeReason());
        assertEquals(Map.of("a", 0L, "b", 1L), recorded.get(open.id()).tally().counts());
        assertEquals(CloseReason.HOST, recorded.get(done.id()).poll().closeReason());
        assertTrue(nodes.get(0).book().live(room).isEmpty(), "the live polls are dropped once recorded");
        assertFalse(nodes.get(0).book().one(room, open.id()).isPresent());
    }
}
