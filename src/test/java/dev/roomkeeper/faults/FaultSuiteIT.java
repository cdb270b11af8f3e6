package dev.roomkeeper.faults;

import dev.roomkeeper.faults.FaultCluster.AttendanceRow;
import dev.roomkeeper.faults.Publisher.Attempt;
import dev.roomkeeper.testing.Api;
import dev.roomkeeper.testing.Fixtures;
import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.WsClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static dev.roomkeeper.testing.Fixtures.presenceJoin;
import static dev.roomkeeper.testing.Fixtures.session;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fault suite (issue 9): what users see when Redis, PostgreSQL or a node fails under them, on a two-node cluster
 * with a Redis and a PostgreSQL of its own ({@link FaultCluster}), so the shared servers other tests use are never
 * disturbed. Each test breaks one thing for real, asserts what clients see, and prints the recovery times it
 * measured ({@code [faults] ...}) for the docs.
 * <p>
 * The nodes are booted once for the whole class; every test starts by healing what an earlier one left broken
 * ({@link FaultCluster#heal()}), and the two tests that take a node down run last, the graceful stop at the very
 * end, so the suite boots a node three times in all.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuiteIT {

    /** Publishes a second on the publisher's socket in the Redis tests. */
    private static final int RATE = 20;
    /** The heartbeat interval of the presence sessions whose end is measured (ms). */
    private static final long INTERVAL = 2_000;
    /** The longest a publish may wait for its reply while Redis is frozen: 2 x connect-timeout (4 s), with slack. */
    private static final Duration PUBLISH_REPLY_BOUND = Duration.ofSeconds(6);
    /** The longest readiness may take to answer while PostgreSQL is frozen. */
    private static final Duration READINESS_BOUND = Duration.ofSeconds(3);
    /**
     * The longest database-backed REST may take to answer 503 while PostgreSQL is frozen: the documented bound for
     * the first call (socket timeout 5 s, plus the 3 s login timeout when a connection must be opened), with slack;
     * measured 5.0-5.1 s, and every later call is refused at once.
     */
    private static final Duration REST_BOUND = Duration.ofSeconds(9);
    /** The longest a publish may wait for its ack while PostgreSQL is down or frozen: it never needs the database. */
    private static final Duration WS_BOUND = Duration.ofSeconds(3);
    /** How long PostgreSQL stays frozen. */
    private static final Duration FREEZE = Duration.ofSeconds(10);

    private static FaultCluster cluster;
    private static long suiteStart;

    @BeforeAll
    static void startCluster() {
        suiteStart = System.nanoTime();
        cluster = FaultCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
        System.out.println("[faults] suite: " + FaultCluster.millisSince(suiteStart) + " ms in all");
    }

    @BeforeEach
    void heal() {
        cluster.heal();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 1. Redis restarted empty
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Redis restarts with no data while two sockets on each node follow a room (presence joined) and a publisher
     * publishes 20 a second. The stream starts over (new epoch, seq 1). Before the fix, live sockets silently dropped
     * the new epoch's events whose seq was not above the last old one, and never got a resync. Now each socket either
     * gets the new epoch's events from seq 1, or a {@code resync} after which it subscribes again from 0: no
     * acknowledged publish is missing at any client, and no seq goes back within an epoch without a resync.
     */
    @Test
    @Order(1)
    void redisRestartedEmptyLosesNoAcknowledgedPublishAndNoSeqGoesBackWithoutAResync() {
        PayaraNode a = cluster.nodeA();
        PayaraNode b = cluster.nodeB();
        Fixtures fx = new Fixtures(a);
        String room = fx.room().getString("id");
        for (String user : List.of("ana", "ben", "cem", "dia", "pub")) {
            fx.member(room, user, "participant");
        }
        List<RoomFollower> followers = new ArrayList<>();
        Publisher publisher = null;
        try {
            followers.add(RoomFollower.present("ana@a", a, "ana", room, session(), 3_000));
            followers.add(RoomFollower.present("ben@a", a, "ben", room, session(), 3_000));
            followers.add(RoomFollower.present("cem@b", b, "cem", room, session(), 3_000));
            followers.add(RoomFollower.present("dia@b", b, "dia", room, session(), 3_000));
            publisher = Publisher.start(socket(a, "pub"), room, tag("r1"), RATE, false);
            awaitSteady(publisher, followers);
            String oldEpoch = lastAck(publisher.attempts()).map(Attempt::epoch).orElse(null);

            long begin = System.nanoTime();
            cluster.restartRedisEmpty();
            long back = System.currentTimeMillis();
            log("redis-restart: Redis stopped and back empty in " + FaultCluster.millisSince(begin) + " ms");

            Publisher p = publisher;
            within(Duration.ofSeconds(30), () -> p.ackedSentAfter(back) >= 2L * RATE);
            publisher.stop(Duration.ofSeconds(10));
            List<Attempt> attempts = publisher.attempts();
            List<Attempt> after = attempts.stream().filter(x -> x.sentMillis > back && x.acked()).toList();
            assertTrue(after.size() >= 2 * RATE, () -> "publishes were not acknowledged again within 30 s of Redis"
                    + " coming back: " + after.size() + " acks; outcomes " + outcomes(attempts) + "; last " + tail(attempts));
            log("redis-restart: first ack " + (after.get(0).sentMillis + after.get(0).latencyMillis() - back)
                    + " ms after Redis was back; outcomes " + outcomes(attempts));

            List<Attempt> acked = attempts.stream().filter(Attempt::acked).toList();
            long converging = System.currentTimeMillis();
            boolean converged = within(Duration.ofSeconds(15),
                    () -> followers.stream().allMatch(f -> missing(f, acked).isEmpty()));
            if (converged) {
                log("redis-restart: every follower had every acknowledged publish "
                        + (System.currentTimeMillis() - back) + " ms after Redis was back ("
                        + (System.currentTimeMillis() - converging) + " ms after publishing stopped)");
            }
            for (RoomFollower f : followers) {
                log("redis-restart: " + f.name() + " " + recovery(f, back, after));
            }

            Checks checks = new Checks("redis-restart");
            for (RoomFollower f : followers) {
                checks.check(f.name() + " receives every acknowledged publish", () -> {
                    List<Attempt> lost = missing(f, acked);
                    assertTrue(lost.isEmpty(), () -> f.name() + " never received " + lost.size() + " of " + acked.size()
                            + " acknowledged publishes, e.g. " + lost.stream().limit(5).toList() + "; " + f.state());
                });
                checks.check(f.name() + " never sees a seq go back or skip without a resync", () -> assertEquals(List.of(),
                        f.violations(), () -> f.name() + " saw the stream break its promise: " + f.state()));
                checks.check(f.name() + " receives each message at its acknowledged seq and epoch", () -> {
                    for (Attempt ack : acked) {
                        for (RoomFollower.Delivery d : f.deliveriesOf(ack.marker)) {
                            assertEquals(ack.seq(), d.seq(), () -> f.name() + " got " + ack.marker + " at seq " + d.seq()
                                    + " but its publish was acknowledged with seq " + ack.seq());
                            if (ack.epoch() != null && d.epoch() != null) {
                                assertEquals(ack.epoch(), d.epoch(), () -> f.name() + " got " + ack.marker + " in epoch "
                                        + d.epoch() + " but its publish was acknowledged in epoch " + ack.epoch());
                            }
                        }
                    }
                });
            }
            String newEpoch = after.get(after.size() - 1).epoch();
            checks.check("acks after the data loss name a new epoch", () -> assertTrue(oldEpoch == null || newEpoch == null
                    || !oldEpoch.equals(newEpoch), "still epoch " + oldEpoch));
            checks.assertAllPassed();
        } finally {
            closeAll(publisher, followers);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 2. Redis frozen
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Redis freezes (SIGSTOP) for 8 s under a publisher at 20 a second whose publishes each carry a new
     * {@code publishId}. Every publish is answered within the engine's bounded wait (before the fix, frames queued
     * behind a frozen one waited 9.8 s), with {@code ack} (then delivered exactly once to every subscriber),
     * {@code stream-unavailable} (then never delivered) or {@code outcome-unknown} (then a retry with the same
     * publishId after Redis is back gets an ack, {@code duplicate: true} with the first seq if the first went
     * through, and the message is delivered exactly once in the end).
     */
    @Test
    @Order(2)
    void redisFrozenAnswersEveryPublishWithinTheBoundAndEachMessageIsDeliveredOnceOrNever() {
        PayaraNode a = cluster.nodeA();
        PayaraNode b = cluster.nodeB();
        Fixtures fx = new Fixtures(a);
        String room = fx.room().getString("id");
        for (String user : List.of("eli", "fay", "gus", "hal", "pub")) {
            fx.member(room, user, "participant");
        }
        List<RoomFollower> followers = new ArrayList<>();
        Publisher publisher = null;
        try {
            followers.add(RoomFollower.subscribe("eli@a", a, "eli", room));
            followers.add(RoomFollower.subscribe("fay@a", a, "fay", room));
            followers.add(RoomFollower.subscribe("gus@b", b, "gus", room));
            followers.add(RoomFollower.subscribe("hal@b", b, "hal", room));
            publisher = Publisher.start(socket(a, "pub"), room, tag("r2"), RATE, true);
            awaitSteady(publisher, followers);

            long frozenAt = System.currentTimeMillis();
            cluster.freezeRedis();
            try {
                holdFault(Duration.ofSeconds(8));
            } finally {
                cluster.thawRedis();
            }
            long thawed = System.currentTimeMillis();
            log("redis-freeze: Redis frozen for " + (thawed - frozenAt) + " ms");

            Publisher p = publisher;
            within(Duration.ofSeconds(30), () -> p.ackedSentAfter(thawed) >= RATE);
            publisher.stop(Duration.ofSeconds(15));
            List<Attempt> attempts = publisher.attempts();
            List<Attempt> during = attempts.stream().filter(x -> x.sentMillis >= frozenAt && x.sentMillis <= thawed).toList();
            log("redis-freeze: " + attempts.size() + " publishes, outcomes " + outcomes(attempts) + "; during the freeze "
                    + outcomes(during) + ", slowest reply " + slowest(attempts).map(Attempt::latencyMillis).orElse(-1L) + " ms");
            attempts.stream().filter(x -> x.sentMillis > thawed && x.acked()).findFirst().ifPresent(x ->
                    log("redis-freeze: first ack " + (x.sentMillis + x.latencyMillis() - thawed) + " ms after the thaw"));

            // every frame answered, none later than the bound, with one of the three documented outcomes
            Checks checks = new Checks("redis-freeze");
            List<Attempt> unanswered = attempts.stream().filter(x -> !x.answered()).toList();
            checks.check("every publish answered", () -> assertTrue(unanswered.isEmpty(), () -> unanswered.size()
                    + " publishes never answered, e.g. " + unanswered.stream().limit(5).toList() + "; outcomes " + outcomes(attempts)));
            List<Attempt> slow = attempts.stream().filter(x -> x.latencyMillis() > PUBLISH_REPLY_BOUND.toMillis())
                    .sorted(Comparator.comparingLong(Attempt::latencyMillis).reversed()).toList();
            checks.check("every publish answered within " + PUBLISH_REPLY_BOUND.toMillis() + " ms", () -> assertTrue(slow.isEmpty(),
                    () -> slow.size() + " publishes waited longer for their reply, the slowest " + slow.stream().limit(5).toList()));
            List<Attempt> odd = attempts.stream().filter(x -> x.answered() && !Set.of("ack", "stream-unavailable", "outcome-unknown")
                    .contains(x.outcome())).toList();
            checks.check("every reply is ack, stream-unavailable or outcome-unknown", () -> assertTrue(odd.isEmpty(),
                    () -> odd.stream().limit(5).map(x -> x + " " + x.reply).toList().toString()));

            // outcome-unknown: the client retries with the same publishId until it gets an ack
            Map<String, Attempt> finalAcks = new LinkedHashMap<>();
            attempts.stream().filter(Attempt::acked).forEach(x -> finalAcks.put(x.marker, x));
            List<Attempt> unknown = attempts.stream().filter(x -> "outcome-unknown".equals(x.outcome())).toList();
            int duplicates = 0;
            long retryDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            for (Attempt first : unknown) {
                Attempt retried;
                do {
                    retried = publisher.retry(first, PUBLISH_REPLY_BOUND);
                } while (!retried.acked() && System.nanoTime() < retryDeadline && pause(Duration.ofMillis(250)));
                Attempt last = retried;
                checks.check("an outcome-unknown publish retried with its publishId is acknowledged", () -> assertTrue(last.acked(),
                        () -> "retrying " + first + " with publishId " + first.publishId + " got no ack within 20 s: "
                                + last + " " + last.reply));
                if (last.acked()) {
                    if (last.result().getBoolean("duplicate", false)) {
                        duplicates++;
                    }
                    finalAcks.put(first.marker, last);
                }
            }
            log("redis-freeze: " + unknown.size() + " outcome-unknown retried: " + duplicates
                    + " had gone through (duplicate: true), " + (unknown.size() - duplicates) + " not");

            Collection<Attempt> acked = finalAcks.values();
            boolean converged = within(Duration.ofSeconds(20),
                    () -> followers.stream().allMatch(f -> missing(f, acked).isEmpty()));
            if (converged) {
                log("redis-freeze: every follower had every acknowledged publish " + (System.currentTimeMillis() - thawed)
                        + " ms after the thaw");
            }
            Set<String> refused = attempts.stream().filter(x -> "stream-unavailable".equals(x.outcome()))
                    .map(x -> x.marker).filter(m -> !finalAcks.containsKey(m)).collect(Collectors.toSet());
            for (RoomFollower f : followers) {
                Map<String, List<RoomFollower.Delivery>> got = f.deliveries();
                checks.check(f.name() + " receives each acknowledged publish exactly once, at its seq", () -> {
                    List<String> problems = new ArrayList<>();
                    for (Attempt ack : acked) {
                        List<RoomFollower.Delivery> ds = got.getOrDefault(ack.marker, List.of());
                        if (ds.size() != 1) {
                            problems.add(ack + " delivered " + ds.size() + " times");
                        } else if (ds.get(0).seq() != ack.seq()) {
                            problems.add(ack + " delivered at seq " + ds.get(0).seq());
                        }
                    }
                    assertTrue(problems.isEmpty(), () -> problems.size() + " of " + acked.size() + ", e.g. "
                            + problems.stream().limit(5).toList() + "; " + f.state());
                });
                checks.check(f.name() + " never receives a publish refused with stream-unavailable", () -> {
                    List<String> delivered = refused.stream().filter(got::containsKey)
                            .map(m -> m + " at seq " + got.get(m).get(0).seq()).sorted().toList();
                    assertTrue(delivered.isEmpty(), () -> delivered.size() + " of " + refused.size() + " refused publishes"
                            + " delivered, e.g. " + delivered.stream().limit(5).toList());
                });
                checks.check(f.name() + " never sees a seq go back or skip without a resync",
                        () -> assertEquals(List.of(), f.violations(), f::state));
            }
            checks.assertAllPassed();
        } finally {
            closeAll(publisher, followers);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 3. Presence after Redis data loss
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Redis restarts empty while users are present. The sockets still connected (one on each node) are joined
     * again by their nodes: the others' presence shows them again and nobody sees them leave. Sessions that were
     * already gone — a REST-heartbeat session that stopped heartbeating, a tab whose socket dropped and is in its
     * reconnect grace — end ({@code presence.leave}, or at least gone from the presence list) and their attendance
     * records are closed.
     */
    @Test
    @Order(3)
    void presenceAfterRedisDataLossKeepsConnectedUsersAndEndsGoneSessions() throws Exception {
        PayaraNode a = cluster.nodeA();
        PayaraNode b = cluster.nodeB();
        Fixtures fx = new Fixtures(a);
        String room = fx.room().getString("id");
        for (String user : List.of("alice", "bob", "carol", "dave", "olga")) {
            fx.member(room, user, "participant");
        }
        List<RoomFollower> followers = new ArrayList<>();
        ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor();
        try {
            RoomFollower olga = RoomFollower.subscribe("olga@b", b, "olga", room);
            followers.add(olga);
            RoomFollower alice = RoomFollower.present("alice@a", a, "alice", room, session(), INTERVAL);
            followers.add(alice);
            RoomFollower bob = RoomFollower.present("bob@b", b, "bob", room, session(), INTERVAL);
            followers.add(bob);
            RoomFollower dave = RoomFollower.present("dave@a", a, "dave", room, session(), INTERVAL);
            followers.add(dave);
            // carol keeps her session alive over REST, as a client without a socket does
            Api carol = new Api(b.base(), Fixtures.token("carol"));
            String carolSession = session();
            String beat = "{\"room\":\"" + room + "\",\"sessionId\":\"" + carolSession + "\",\"interval\":" + INTERVAL + "}";
            Api.Reply first = carol.post("/api/presence/heartbeat", beat);
            assertEquals(200, first.status(), first::toString);
            AtomicLong lastBeat = new AtomicLong(System.currentTimeMillis());
            beats.scheduleAtFixedRate(() -> {
                try {
                    if (carol.post("/api/presence/heartbeat", beat).status() == 200) {
                        lastBeat.set(System.currentTimeMillis());
                    }
                } catch (RuntimeException e) {
                    // the next beat tries again
                }
            }, INTERVAL / 2, INTERVAL / 2, TimeUnit.MILLISECONDS);

            for (String user : List.of("alice", "bob", "carol", "dave")) {
                assertTrue(olga.awaitEvent(WsClient.WAIT, RoomFollower.about("presence.join", user)).isPresent(),
                        () -> "olga never saw " + user + " join: " + olga.events());
            }
            Map<String, String> sessions = Map.of("alice", alice.sessionId(), "bob", bob.sessionId(),
                    "carol", carolSession, "dave", dave.sessionId());
            awaitAttendance(room, sessions.values(), false, Duration.ofSeconds(10), "the four sessions recorded as open");

            // carol's client goes away (no more heartbeats), dave's socket drops
            beats.shutdownNow();
            beats.awaitTermination(5, TimeUnit.SECONDS);
            long carolLastBeat = lastBeat.get();
            dave.abort();
            assertTrue(olga.awaitEvent(WsClient.WAIT, e -> RoomFollower.about("presence.update", "dave").test(e)
                    && "reconnecting".equals(e.getJsonObject("data").getString("change", null))).isPresent(),
                    () -> "olga never saw dave reconnecting: " + olga.events());

            cluster.restartRedisEmpty();
            long back = System.currentTimeMillis();
            log("presence-data-loss: Redis back empty " + (back - carolLastBeat) + " ms after carol's last heartbeat");

            Checks checks = new Checks("presence-data-loss");
            Api olgaApi = new Api(a.base(), Fixtures.token("olga"));
            boolean rejoined = within(Duration.ofSeconds(20),
                    () -> presentUsers(olgaApi, room).containsAll(Set.of("alice", "bob")));
            if (rejoined) {
                log("presence-data-loss: alice and bob present again " + (System.currentTimeMillis() - back)
                        + " ms after Redis was back");
            }
            checks.check("the connected users are present again within 20 s", () -> assertTrue(rejoined,
                    () -> "alice and bob are not: presence list " + presentUsers(olgaApi, room) + "; alice's heartbeat errors "
                            + alice.heartbeatErrors().stream().limit(3).toList() + "; " + alice.state()));

            // the gone sessions: the store lost them, so nobody's sweep ends them; their attendance is closed by the
            // lost-session sweep once they are missing on two sweeps in a row (documented: within two intervals),
            // here within three intervals and a few seconds of slack
            Set<String> gone = Set.of(carolSession, dave.sessionId());
            Duration goneBound = FaultCluster.LOST_SESSION_SWEEP.multipliedBy(3).plusSeconds(10);
            boolean closed = within(goneBound, () -> cluster.attendance(room).stream()
                    .filter(r -> gone.contains(r.sessionId())).allMatch(r -> !r.open()));
            List<AttendanceRow> rows = cluster.attendance(room);
            for (AttendanceRow r : rows) {
                if (!r.open() && gone.contains(r.sessionId())) {
                    boolean isCarol = r.sessionId().equals(carolSession);
                    log("presence-data-loss: " + r.userId() + "'s attendance closed (" + r.leaveReason() + ") "
                            + (r.leftAt().toEpochMilli() - (isCarol ? carolLastBeat : back)) + " ms after "
                            + (isCarol ? "her last heartbeat" : "Redis was back"));
                }
            }
            for (String user : List.of("carol", "dave")) {
                Optional<JsonObject> left = olga.events("presence.leave", user).stream().findFirst();
                log("presence-data-loss: " + user + (left.isPresent() ? " left, reason "
                        + left.get().getJsonObject("data").getString("reason", null) + ", "
                        + (left.get().getJsonNumber("time").longValue() - back) + " ms after Redis was back"
                        : ": no presence.leave seen"));
            }
            checks.check("the attendance of sessions gone before the data loss is closed within " + goneBound.toSeconds()
                    + " s", () -> assertTrue(closed,
                    () -> "still open: " + rows.stream().filter(r -> gone.contains(r.sessionId()) && r.open()).toList()));
            Set<String> present = presentUsers(olgaApi, room);
            checks.check("in the end alice and bob are present, carol and dave are not", () -> assertEquals(
                    Set.of("alice", "bob"), present.stream().filter(u -> !u.equals("olga")).collect(Collectors.toSet())));
            for (RoomFollower f : List.of(olga, alice, bob)) {
                for (String user : List.of("alice", "bob")) {
                    checks.check("nobody sees a connected user leave", () -> assertEquals(List.of(),
                            f.events("presence.leave", user), () -> f.name() + " saw " + user + " leave"));
                }
            }
            checks.assertAllPassed();
        } finally {
            beats.shutdownNow();
            closeAll(null, followers);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 6. PostgreSQL stopped
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * PostgreSQL stops (fast shutdown) and starts again. Meanwhile publish, presence join/leave/heartbeat and
     * subscribe keep working over the socket for a room and members the nodes used just before; database-backed REST
     * answers 503 problem+json {@code database-unavailable} with a Retry-After, never 500; readiness goes DOWN, and
     * UP again by itself once PostgreSQL is back; and no attendance record of a session that ended during the outage
     * is left open.
     */
    @Test
    @Order(4)
    void postgresStoppedKeepsKnownRoomsLiveAnswers503AndRecovers() {
        Checks checks = new Checks("postgres-stop");
        DatabaseScene scene = DatabaseScene.prepare(cluster, checks);
        try {
            long stoppedAt = System.currentTimeMillis();
            cluster.stopPostgres();
            try {
                log("postgres-stop: stopped in " + (System.currentTimeMillis() - stoppedAt) + " ms");
                for (PayaraNode node : cluster.nodes()) {
                    checks.check(node.name() + " readiness DOWN within 15 s", () -> {
                        Probe down = awaitReadiness(node, 503, Duration.ofSeconds(15));
                        log("postgres-stop: " + node.name() + " readiness DOWN " + (down.at - stoppedAt) + " ms after the stop");
                    });
                }
                Probe get = probe(scene.admin(cluster.nodeA()), "GET", "/api/rooms/" + scene.room, null).named("GET room");
                Probe post = probe(scene.admin(cluster.nodeB()), "POST", "/api/rooms", newRoom()).named("POST rooms");
                log("postgres-stop: REST without the database: " + get.summary() + ", " + post.summary());
                checks.check("GET /api/rooms/{id} answers 503 database-unavailable", () -> assertDatabaseUnavailable(get, null));
                checks.check("POST /api/rooms answers 503 database-unavailable", () -> assertDatabaseUnavailable(post, null));
                scene.exerciseWhileDatabaseIsAway(stoppedAt + 2 * FaultCluster.ACCESS_CACHE_TTL.toMillis() + 1_000,
                        "postgres-stop");
            } finally {
                cluster.startPostgres();
            }
            scene.assertRecovered(System.currentTimeMillis(), "postgres-stop");
        } finally {
            scene.close();
        }
        checks.assertAllPassed();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 7. PostgreSQL frozen
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * PostgreSQL freezes (SIGSTOP to the postmaster and every backend) for 10 s: as with a stop, plus readiness
     * answers within 3 s throughout, database-backed REST answers 503 within the documented 8 s (then at once), and socket publishes keep being
     * acknowledged promptly instead of stalling until the thaw.
     */
    @Test
    @Order(5)
    void postgresFrozenKeepsKnownRoomsLiveAndAnswersPromptly() {
        Checks checks = new Checks("postgres-freeze");
        DatabaseScene scene = DatabaseScene.prepare(cluster, checks);
        List<Probe> readiness = new CopyOnWriteArrayList<>();
        List<Probe> rest = new CopyOnWriteArrayList<>();
        ScheduledExecutorService threads = Executors.newScheduledThreadPool(5, daemons("freeze"));
        try {
            cluster.freezePostgres();
            long frozenAt = System.currentTimeMillis();
            long until = frozenAt + FREEZE.toMillis();
            AtomicLong thawedAt = new AtomicLong();
            // the freeze ends on time whatever the test's thread is waiting for
            ScheduledFuture<?> thaw = threads.schedule(() -> {
                cluster.thawPostgres();
                thawedAt.set(System.currentTimeMillis());
            }, FREEZE.toMillis(), TimeUnit.MILLISECONDS);
            List<Future<?>> probing = new ArrayList<>();
            try {
                // REST and readiness are probed on threads of their own, each in a loop, so a request that hangs
                // holds up neither the other probes nor the socket side
                for (PayaraNode node : cluster.nodes()) {
                    Api anonymous = new Api(node.base(), null);
                    probing.add(threads.submit(() -> repeatUntil(until, () -> readiness.add(
                            probe(anonymous, "GET", "/health/ready", null).named(node.name())))));
                }
                probing.add(threads.submit(() -> repeatUntil(until, () -> rest.add(
                        probe(scene.admin(cluster.nodeA()), "GET", "/api/rooms/" + scene.room, null).named("GET room")))));
                probing.add(threads.submit(() -> repeatUntil(until, () -> rest.add(
                        probe(scene.admin(cluster.nodeB()), "POST", "/api/rooms", newRoom()).named("POST rooms")))));
                scene.exerciseWhileDatabaseIsAway(until, "postgres-freeze");
                thaw.get(FREEZE.toMillis() + 5_000, TimeUnit.MILLISECONDS);
            } finally {
                thaw.cancel(false);
                cluster.thawPostgres();
            }
            long thawed = thawedAt.get() > 0 ? thawedAt.get() : System.currentTimeMillis();
            log("postgres-freeze: frozen for " + (thawed - frozenAt) + " ms");
            for (Future<?> p : probing) {
                checks.check("the probes end", () -> p.get(30, TimeUnit.SECONDS));
            }
            log("postgres-freeze: readiness during the freeze " + readiness.stream().map(Probe::summary).toList());
            log("postgres-freeze: REST during the freeze " + rest.stream().map(Probe::summary).toList());

            for (Probe p : readiness) {
                checks.check("readiness answers within " + READINESS_BOUND.toMillis() + " ms during the freeze",
                        () -> assertTrue(p.millis <= READINESS_BOUND.toMillis(), p::toString));
            }
            for (PayaraNode node : cluster.nodes()) {
                checks.check(node.name() + " readiness goes DOWN during the freeze", () -> assertTrue(readiness.stream()
                        .anyMatch(p -> p.name.equals(node.name()) && p.status == 503 && p.body.contains("roomkeeper-database")
                                && p.at <= thawed), readiness::toString));
            }
            for (Probe p : rest) {
                if (p.at <= thawed) {
                    checks.check(p.name + " answers 503 database-unavailable within " + REST_BOUND.toMillis()
                            + " ms during the freeze", () -> assertDatabaseUnavailable(p, REST_BOUND));
                } else {
                    // sent during the freeze, answered after the thaw: served, or refused as above, but in time
                    checks.check(p.name + " answers within " + REST_BOUND.toMillis() + " ms across the thaw, never 500", () -> {
                        assertTrue(p.millis <= REST_BOUND.toMillis(), p::toString);
                        if (p.status != 200 && p.status != 201) {
                            assertDatabaseUnavailable(p, REST_BOUND);
                        }
                    });
                }
            }
            scene.assertRecovered(thawed, "postgres-freeze");
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError("the freeze did not end on time", e);
        } finally {
            cluster.thawPostgres();
            threads.shutdownNow();
            scene.close();
        }
        checks.assertAllPassed();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 4. Node killed
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * A node dies (SIGKILL) with users present on it: on the other node each of them leaves exactly once, within the
     * documented bound (reconnect grace + 2 x interval + 5 s), and their attendance records are closed.
     */
    @Test
    @Order(6)
    void nodeKilledItsUsersLeaveOnceWithinTheBoundAndAttendanceCloses() {
        PayaraNode survivor = cluster.nodeA();
        PayaraNode victim = cluster.nodeB();
        Fixtures fx = new Fixtures(survivor);
        String room = fx.room().getString("id");
        for (String user : List.of("kim", "lee", "wes")) {
            fx.member(room, user, "participant");
        }
        Fixtures onVictim = new Fixtures(victim);
        List<WsClient> tabs = new ArrayList<>();
        RoomFollower watcher = null;
        try {
            watcher = RoomFollower.subscribe("wes@a", survivor, "wes", room);
            Map<WsClient, String> sessions = new LinkedHashMap<>();
            for (String user : List.of("kim", "kim", "lee")) {
                WsClient tab = onVictim.socket(user);
                tabs.add(tab);
                String s = session();
                sessions.put(tab, s);
                JsonObject ack = tab.send(presenceJoin(room, "j", s, INTERVAL, null)).reply("j");
                assertEquals("ack", ack.getString("type"), ack::toString);
            }
            RoomFollower w = watcher;
            for (String user : List.of("kim", "lee")) {
                assertTrue(w.awaitEvent(WsClient.WAIT, RoomFollower.about("presence.join", user)).isPresent(),
                        () -> "wes never saw " + user + " join: " + w.events());
            }
            awaitAttendance(room, sessions.values(), false, Duration.ofSeconds(10), "the three sessions recorded as open");
            for (Map.Entry<WsClient, String> tab : sessions.entrySet()) {
                JsonObject ack = tab.getKey().send(Fixtures.presence("heartbeat", room, "h", tab.getValue())).reply("h");
                assertEquals("ack", ack.getString("type"), ack::toString);
            }

            long killedAt = System.currentTimeMillis();
            cluster.kill(victim);
            Duration bound = FaultCluster.RECONNECT_GRACE.plusMillis(2 * INTERVAL).plusSeconds(5);
            for (String user : List.of("kim", "lee")) {
                Optional<JsonObject> left = w.awaitEvent(bound.plusSeconds(10), RoomFollower.about("presence.leave", user));
                assertTrue(left.isPresent(), () -> user + " never left after the kill: " + w.events());
                long after = left.get().getJsonNumber("time").longValue() - killedAt;
                log("node-kill: " + user + " left (" + left.get().getJsonObject("data").getString("reason", null) + ") "
                        + after + " ms after the kill");
                assertTrue(after <= bound.toMillis(), () -> user + " left " + after + " ms after the kill, over the bound of "
                        + bound.toMillis() + " ms");
            }
            // both sweeps (the survivor's; the victim's is gone) end each session once: a second leave would come
            // within a few sweeps
            Optional<JsonObject> second = w.awaitEvent(Duration.ofSeconds(4), e -> RoomFollower.about("presence.leave", null).test(e)
                    && w.events("presence.leave", e.getJsonObject("data").getString("userId")).size() > 1);
            assertEquals(Optional.empty(), second, "one leave per user: " + w.events());
            boolean closed = awaitAttendance(room, sessions.values(), true, Duration.ofSeconds(15), null);
            List<AttendanceRow> rows = cluster.attendance(room);
            rows.stream().filter(r -> !r.open()).forEach(r -> log("node-kill: " + r.userId() + "'s attendance closed ("
                    + r.leaveReason() + ") at " + (r.leftAt().toEpochMilli() - killedAt) + " ms after the kill"));
            assertTrue(closed, () -> "attendance of the killed node's sessions not closed: " + rows);
            assertEquals(3, rows.size(), () -> "one record per session: " + rows);
            assertEquals(List.of(), w.violations(), w::state);
        } finally {
            tabs.forEach(WsClient::abort);
            if (watcher != null) {
                watcher.close();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 5. Graceful stop
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * A node stops gracefully (SIGTERM) with a user present on it: the other node's clients see the session
     * {@code reconnecting}, and the user's tab, reconnecting to the other node with its resumeToken, resumes the
     * session without anyone seeing it leave; attendance keeps one open record.
     */
    @Test
    @Order(7)
    void gracefulStopLeavesSessionsReconnectingAndTheyResumeOnTheOtherNode() {
        PayaraNode survivor = cluster.nodeA();
        PayaraNode stopping = cluster.nodeB();
        Fixtures fx = new Fixtures(survivor);
        String room = fx.room().getString("id");
        for (String user : List.of("max", "nia")) {
            fx.member(room, user, "participant");
        }
        RoomFollower watcher = null;
        WsClient before = null;
        WsClient after = null;
        try {
            watcher = RoomFollower.subscribe("nia@a", survivor, "nia", room);
            RoomFollower w = watcher;
            before = new Fixtures(stopping).socket("max");
            String s = session();
            JsonObject joined = before.send(presenceJoin(room, "j", s, 10_000, null)).reply("j");
            assertEquals("ack", joined.getString("type"), joined::toString);
            String resumeToken = joined.getJsonObject("result").getString("resumeToken");
            assertTrue(w.awaitEvent(WsClient.WAIT, RoomFollower.about("presence.join", "max")).isPresent(), w::state);
            awaitAttendance(room, List.of(s), false, Duration.ofSeconds(10), "max's session recorded as open");

            long stopAt = System.currentTimeMillis();
            CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> cluster.stopGracefully(stopping),
                    FaultCluster.THREADS);
            int code = before.awaitClose();
            log("graceful-stop: max's socket closed with " + code + " " + (System.currentTimeMillis() - stopAt)
                    + " ms after SIGTERM");
            Optional<JsonObject> reconnecting = w.awaitEvent(Duration.ofSeconds(20), e -> RoomFollower.about("presence.update", "max").test(e)
                    && "reconnecting".equals(e.getJsonObject("data").getString("change", null)));
            assertTrue(reconnecting.isPresent(), () -> "nia never saw max reconnecting after node B's graceful stop: "
                    + w.events());
            log("graceful-stop: nia saw max reconnecting " + (reconnecting.get().getJsonNumber("time").longValue() - stopAt)
                    + " ms after SIGTERM");

            // and so does a snapshot taken now (what a client that joins or resubscribes gets)
            Api niaApi = new Api(survivor.base(), Fixtures.token("nia"));
            assertEquals("reconnecting", sessionState(niaApi, room, "max", s),
                    () -> "node A's presence list during the grace: " + niaApi.get("/api/rooms/" + room + "/presence"));

            after = new Fixtures(survivor).socket("max");
            long resumeAt = System.currentTimeMillis();
            JsonObject resumed = after.send("{\"type\":\"presence.join\",\"id\":\"r\",\"room\":\"" + room + "\",\"sessionId\":\""
                    + s + "\",\"interval\":10000,\"resumeToken\":\"" + resumeToken + "\"}").reply("r");
            assertEquals("ack", resumed.getString("type"), resumed::toString);
            Optional<JsonObject> back = w.awaitEvent(WsClient.WAIT, e -> RoomFollower.about("presence.update", "max").test(e)
                    && "resumed".equals(e.getJsonObject("data").getString("change", null)));
            assertTrue(back.isPresent(), () -> "nia never saw max resume: " + w.events());
            log("graceful-stop: max resumed on node A " + (System.currentTimeMillis() - resumeAt) + " ms after reconnecting, "
                    + (System.currentTimeMillis() - stopAt) + " ms after SIGTERM");
            stopped.orTimeout(40, TimeUnit.SECONDS).join();
            log("graceful-stop: node B stopped in " + (System.currentTimeMillis() - stopAt) + " ms");

            // past the grace a leave would have come by now
            Optional<JsonObject> left = w.awaitEvent(FaultCluster.RECONNECT_GRACE.plusSeconds(3), RoomFollower.about("presence.leave", "max"));
            assertEquals(Optional.empty(), left, () -> "max left although his tab resumed: " + w.events());
            List<AttendanceRow> rows = cluster.attendance(room).stream().filter(r -> r.sessionId().equals(s)).toList();
            assertEquals(1, rows.size(), () -> "one record for the resumed session: " + rows);
            assertTrue(rows.get(0).open(), () -> "the resumed session's record is still open: " + rows);
            assertEquals(List.of(), w.violations(), w::state);
        } finally {
            if (after != null) {
                after.close();
            }
            if (before != null) {
                before.abort();
            }
            if (watcher != null) {
                watcher.close();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // the database tests' scene
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * A room both nodes used just before the database went away: pia on node A (subscribed, present) publishes,
     * quinn on node B (subscribed, present) receives, rex on node B is present and leaves during the outage.
     */
    private static final class DatabaseScene implements AutoCloseable {
        /** How long a command may wait for its reply before the check gives up (it then reports the wait). */
        private static final Duration REPLY_WAIT = Duration.ofSeconds(12);

        final String room;
        final Checks checks;
        final WsClient pia;
        final WsClient quinn;
        final WsClient rex;
        final String quinnSession;
        final String rexSession;
        /** Sessions that ended while the database was away: none may stay open in attendance. */
        final Set<String> endedDuringOutage = new HashSet<>();
        private final List<Long> publishMillis = new ArrayList<>();
        private int n;

        private DatabaseScene(String room, Checks checks, WsClient pia, WsClient quinn, WsClient rex, String quinnSession,
                              String rexSession) {
            this.room = room;
            this.checks = checks;
            this.pia = pia;
            this.quinn = quinn;
            this.rex = rex;
            this.quinnSession = quinnSession;
            this.rexSession = rexSession;
        }

        static DatabaseScene prepare(FaultCluster cluster, Checks checks) {
            Fixtures fx = new Fixtures(cluster.nodeA());
            String room = fx.room().getString("id");
            for (String user : List.of("pia", "quinn", "rex")) {
                fx.member(room, user, "participant");
            }
            WsClient pia = fx.socket("pia");
            Fixtures onB = new Fixtures(cluster.nodeB());
            WsClient quinn = onB.socket("quinn");
            WsClient rex = onB.socket("rex");
            String piaSession = session();
            String quinnSession = session();
            String rexSession = session();
            expectAck(pia.send(Fixtures.subscribe(room, "s")).reply("s"));
            expectAck(pia.send(presenceJoin(room, "j", piaSession, 10_000, null)).reply("j"));
            expectAck(quinn.send(Fixtures.subscribe(room, "s")).reply("s"));
            expectAck(quinn.send(presenceJoin(room, "j", quinnSession, 10_000, null)).reply("j"));
            expectAck(rex.send(presenceJoin(room, "j", rexSession, 10_000, null)).reply("j"));
            DatabaseScene scene = new DatabaseScene(room, checks, pia, quinn, rex, quinnSession, rexSession);
            scene.publishAndReceive("warm-up", Duration.ofSeconds(10));
            awaitAttendance(room, List.of(piaSession, quinnSession, rexSession), false, Duration.ofSeconds(10),
                    "the sessions recorded as open before the outage");
            return scene;
        }

        Api admin(PayaraNode node) {
            return new Api(node.base(), Fixtures.adminToken());
        }

        /**
         * While the database is away: rex leaves; then, once a second until {@code until} (callers give at least twice
         * the access cache's TTL, so the nodes must answer from what they knew, not from a fresh cache): pia publishes
         * and quinn receives it, quinn heartbeats, pia subscribes again, quinn joins a second tab and leaves it.
         */
        void exerciseWhileDatabaseIsAway(long until, String label) {
            checks.check("a present member leaves over the socket", () -> {
                expectReply(rex, Fixtures.presence("leave", room, "l", rexSession), "l", "rex's leave");
                endedDuringOutage.add(rexSession);
            });
            int rounds = 0;
            while (System.currentTimeMillis() < until || rounds == 0) {
                long roundStart = System.currentTimeMillis();
                int round = ++rounds;
                String id = "x" + (++n);
                checks.check("a publish is acknowledged within " + WS_BOUND.toMillis() + " ms and received on the other node",
                        () -> publishAndReceive(label + "-" + round, WS_BOUND));
                checks.check("a heartbeat is acknowledged", () -> expectReply(quinn,
                        Fixtures.presence("heartbeat", room, "h" + id, quinnSession), "h" + id, "quinn's heartbeat"));
                checks.check("subscribing again is acknowledged", () -> expectReply(pia, Fixtures.subscribe(room, "s" + id),
                        "s" + id, "pia's subscribe"));
                String tab = session();
                checks.check("a second tab joins and leaves", () -> {
                    expectReply(quinn, presenceJoin(room, "j" + id, tab, 10_000, null), "j" + id, "quinn's join of a second tab");
                    expectReply(quinn, Fixtures.presence("leave", room, "l" + id, tab), "l" + id, "quinn's leave of his second tab");
                    endedDuringOutage.add(tab);
                });
                pause(Duration.ofMillis(1_000 - (System.currentTimeMillis() - roundStart))); // one round a second
            }
            log(label + ": " + rounds + " rounds of publish/heartbeat/subscribe/join/leave over the socket while the"
                    + " database was away; publish acks in " + publishMillis + " ms");
        }

        private void publishAndReceive(String marker, Duration bound) {
            String id = "p" + (++n);
            long begin = System.nanoTime();
            JsonObject ack = expectReply(pia, Fixtures.publish(room, id, "{\"m\":\"" + marker + "\"}"), id, "pia's publish");
            long millis = FaultCluster.millisSince(begin);
            publishMillis.add(millis);
            assertTrue(millis <= bound.toMillis(), () -> "pia's publish " + marker + " took " + millis + " ms to be acknowledged");
            Optional<JsonObject> event = quinn.awaitWithin(Duration.ofSeconds(5), f -> "event".equals(f.getString("type"))
                    && f.getJsonObject("event").get("data") instanceof JsonObject d
                    && d.get("body") instanceof JsonObject body && marker.equals(body.getString("m", null)));
            assertTrue(event.isPresent(), () -> "quinn on node B never received " + marker);
            assertEquals(ack.getJsonObject("result").getJsonNumber("seq").longValue(),
                    event.get().getJsonObject("event").getJsonNumber("seq").longValue(), "quinn got the message at its seq");
        }

        /** Sends a command and expects an ack within {@link #REPLY_WAIT}; reports the error or the wait otherwise. */
        private static JsonObject expectReply(WsClient socket, String frame, String id, String what) {
            long begin = System.nanoTime();
            Optional<JsonObject> reply = socket.send(frame).awaitWithin(REPLY_WAIT, f -> id.equals(f.getString("id", null)));
            assertTrue(reply.isPresent(), () -> what + " got no reply within " + REPLY_WAIT.toMillis() + " ms");
            assertEquals("ack", reply.get().getString("type"), () -> what + " was refused after "
                    + FaultCluster.millisSince(begin) + " ms: " + reply.get());
            return reply.get();
        }

        /** Readiness UP again unaided on both nodes, REST serving, no record of a session that ended left open. */
        void assertRecovered(long backAt, String label) {
            for (PayaraNode node : cluster.nodes()) {
                checks.check(node.name() + " readiness UP again within 30 s", () -> {
                    Probe up = awaitReadiness(node, 200, Duration.ofSeconds(30));
                    log(label + ": " + node.name() + " readiness UP " + (up.at - backAt) + " ms after the database was back");
                });
            }
            Api admin = admin(cluster.nodeA());
            checks.check("REST serves again within 15 s", () -> {
                assertTrue(within(Duration.ofSeconds(15), () -> admin.get("/api/rooms/" + room).status() == 200),
                        () -> "GET room still fails: " + admin.get("/api/rooms/" + room));
                log(label + ": REST serving " + (System.currentTimeMillis() - backAt) + " ms after the database was back");
            });
            checks.check("no attendance record of a session that ended during the outage stays open", () -> {
                boolean closed = within(Duration.ofSeconds(15), () -> cluster.attendance(room).stream()
                        .filter(r -> endedDuringOutage.contains(r.sessionId())).noneMatch(AttendanceRow::open));
                List<AttendanceRow> rows = cluster.attendance(room);
                List<AttendanceRow> open = rows.stream().filter(r -> endedDuringOutage.contains(r.sessionId()) && r.open()).toList();
                log(label + ": " + rows.stream().filter(r -> endedDuringOutage.contains(r.sessionId())).count() + " records of "
                        + endedDuringOutage.size() + " sessions that ended during the outage, " + open.size() + " open, "
                        + (System.currentTimeMillis() - backAt) + " ms after the database was back; rex's: "
                        + rows.stream().filter(r -> r.sessionId().equals(rexSession)).toList());
                assertTrue(closed, () -> open.size() + " still open 15 s after the outage: " + open);
            });
        }

        @Override
        public void close() {
            for (WsClient c : List.of(pia, quinn, rex)) {
                c.close();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // helpers
    // ---------------------------------------------------------------------------------------------------------------

    private static void log(String line) {
        System.out.println("[faults] " + line);
    }

    /** A marker prefix unique to this run, so markers and publishIds never collide with an earlier run's. */
    private static String tag(String test) {
        return test + UUID.randomUUID().toString().substring(0, 6);
    }

    private static WsClient socket(PayaraNode node, String user) {
        return WsClient.authenticated(node.ws(), Fixtures.token(user));
    }

    /** The publisher acknowledged and every follower received a good number of messages: the fault can come. */
    private static void awaitSteady(Publisher publisher, List<RoomFollower> followers) {
        boolean steady = within(Duration.ofSeconds(20), () -> publisher.acked() >= RATE
                && followers.stream().allMatch(f -> f.deliveries().size() >= RATE / 2));
        assertTrue(steady, () -> "no steady state before the fault: " + publisher.acked() + " acks, outcomes "
                + outcomes(publisher.attempts()) + ", followers " + followers.stream().map(RoomFollower::state).toList());
    }

    /**
     * Waits until {@code condition} holds, polling every 100 ms, for at most {@code limit}; true when it held. Errors
     * thrown by the condition count as "not yet" (a request to a node that is still recovering).
     */
    private static boolean within(Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return true;
                }
            } catch (RuntimeException e) {
                // not yet
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            pause(Duration.ofMillis(100));
        }
    }

    /** Runs {@code action} again and again until {@code until} (epoch ms). */
    private static void repeatUntil(long until, Runnable action) {
        while (System.currentTimeMillis() < until) {
            action.run();
        }
    }

    private static java.util.concurrent.ThreadFactory daemons(String name) {
        return r -> {
            Thread t = new Thread(r, "faults-" + name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Sleeps; true, so it can sit in a loop condition. */
    private static boolean pause(Duration duration) {
        try {
            Thread.sleep(Math.max(0, duration.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    /** Keeps a fault in place for its planned duration (the length of the outage, not a wait for anything). */
    private static void holdFault(Duration duration) {
        pause(duration);
    }

    private static Optional<Attempt> lastAck(List<Attempt> attempts) {
        return attempts.stream().filter(Attempt::acked).reduce((x, y) -> y);
    }

    private static Optional<Attempt> slowest(List<Attempt> attempts) {
        return attempts.stream().max(Comparator.comparingLong(Attempt::latencyMillis));
    }

    private static Map<String, Long> outcomes(List<Attempt> attempts) {
        return attempts.stream().collect(Collectors.groupingBy(Attempt::outcome, java.util.TreeMap::new, Collectors.counting()));
    }

    private static List<Attempt> tail(List<Attempt> attempts) {
        return attempts.subList(Math.max(0, attempts.size() - 5), attempts.size());
    }

    private static List<Attempt> missing(RoomFollower follower, Collection<Attempt> acked) {
        Map<String, List<RoomFollower.Delivery>> got = follower.deliveries();
        return acked.stream().filter(a -> !got.containsKey(a.marker)).toList();
    }

    /** How a follower came through the data loss: its resyncs and new epochs, and its first new message. */
    private static String recovery(RoomFollower f, long back, List<Attempt> ackedAfter) {
        StringBuilder s = new StringBuilder();
        List<RoomFollower.Resync> resyncs = f.resyncs();
        s.append(resyncs.isEmpty() ? "no resync" : "resync " + (resyncs.get(0).atMillis() - back) + " ms after Redis was back "
                + resyncs.get(0).frame() + (resyncs.size() > 1 ? " (" + resyncs.size() + " in all)" : ""));
        List<Long> epochs = f.epochChanges();
        if (!epochs.isEmpty()) {
            s.append(", new epoch from seq 1 without a resync ").append(epochs.get(0) - back).append(" ms after Redis was back");
        }
        ackedAfter.stream().map(a -> f.deliveriesOf(a.marker)).filter(d -> !d.isEmpty()).map(d -> d.get(0).atMillis())
                .min(Long::compare).ifPresent(t -> s.append(", first new message ").append(t - back).append(" ms after"));
        return s.toString();
    }

    /** The users present in a room, by its presence list (empty when the list cannot be had). */
    private static Set<String> presentUsers(Api member, String room) {
        Api.Reply reply = member.get("/api/rooms/" + room + "/presence");
        if (reply.status() != 200) {
            return Set.of();
        }
        return reply.json().getJsonArray("users").getValuesAs(JsonValue::asJsonObject).stream()
                .map(u -> u.getString("userId")).collect(Collectors.toSet());
    }

    /** The state of one presence session in a room's presence list, or null when it is not listed. */
    private static String sessionState(Api member, String room, String user, String sessionId) {
        Api.Reply reply = member.get("/api/rooms/" + room + "/presence");
        assertEquals(200, reply.status(), reply::toString);
        return reply.json().getJsonArray("users").getValuesAs(JsonValue::asJsonObject).stream()
                .filter(u -> user.equals(u.getString("userId")))
                .flatMap(u -> u.getJsonArray("sessions").getValuesAs(JsonValue::asJsonObject).stream())
                .filter(x -> sessionId.equals(x.getString("sessionId")))
                .map(x -> x.getString("state", null)).findFirst().orElse(null);
    }

    /**
     * Waits until every one of {@code sessions} has a record, all open ({@code closed} false) or all closed; fails
     * with {@code what} when given, else answers whether it happened.
     */
    private static boolean awaitAttendance(String room, Collection<String> sessions, boolean closed, Duration limit, String what) {
        boolean done = within(limit, () -> {
            List<AttendanceRow> rows = cluster.attendance(room).stream().filter(r -> sessions.contains(r.sessionId())).toList();
            return rows.stream().map(AttendanceRow::sessionId).collect(Collectors.toSet()).containsAll(sessions)
                    && rows.stream().allMatch(r -> r.open() != closed);
        });
        if (what != null) {
            assertTrue(done, () -> what + ": not within " + limit.toSeconds() + " s: " + cluster.attendance(room));
        }
        return done;
    }

    private static void expectAck(JsonObject reply) {
        assertEquals("ack", reply.getString("type"), reply::toString);
    }

    private static String newRoom() {
        String slug = Fixtures.unique("outage");
        return "{\"title\":\"Room " + slug + "\",\"slug\":\"" + slug + "\",\"kind\":\"huddle\"}";
    }

    /** One timed HTTP exchange; status -1 when it failed (connection refused, timed out after 20 s). */
    private static final class Probe {
        final int status;
        final long millis;
        final long at;
        final String contentType;
        final String body;
        final Optional<String> retryAfter;
        String name = "";

        Probe(int status, long millis, String contentType, String body, Optional<String> retryAfter) {
            this.status = status;
            this.millis = millis;
            this.at = System.currentTimeMillis();
            this.contentType = contentType;
            this.body = body;
            this.retryAfter = retryAfter;
        }

        Probe named(String name) {
            this.name = name;
            return this;
        }

        String summary() {
            return (name.isEmpty() ? "" : name + " ") + status + "/" + millis + "ms";
        }

        @Override
        public String toString() {
            return name + " " + status + " in " + millis + " ms " + contentType + " " + body
                    + retryAfter.map(r -> " Retry-After " + r).orElse("");
        }
    }

    private static Probe probe(Api api, String method, String path, String body) {
        long begin = System.nanoTime();
        try {
            Api.Reply reply = api.send(method, path, body, "application/json");
            return new Probe(reply.status(), FaultCluster.millisSince(begin), reply.contentType(), reply.body(),
                    reply.raw().headers().firstValue("Retry-After"));
        } catch (RuntimeException e) {
            return new Probe(-1, FaultCluster.millisSince(begin), "", String.valueOf(e.getCause()), Optional.empty());
        }
    }

    private static Probe awaitReadiness(PayaraNode node, int status, Duration limit) {
        Api anonymous = new Api(node.base(), null);
        List<Probe> seen = new ArrayList<>();
        boolean reached = within(limit, () -> {
            Probe p = probe(anonymous, "GET", "/health/ready", null);
            seen.add(p);
            return p.status == status && p.body.contains("roomkeeper-database");
        });
        assertTrue(reached, () -> node.name() + " readiness did not answer " + status + " within " + limit.toSeconds()
                + " s: last " + (seen.isEmpty() ? "none" : seen.get(seen.size() - 1)));
        return seen.get(seen.size() - 1);
    }

    /** 503 problem+json {@code database-unavailable} with a Retry-After (never a 500), within {@code bound} if given. */
    private static void assertDatabaseUnavailable(Probe p, Duration bound) {
        assertEquals(503, p.status, () -> "database-backed REST without the database: " + p);
        assertTrue(p.contentType.startsWith("application/problem+json"), () -> "a problem: " + p);
        JsonObject problem = new Api.Reply(p.status, p.contentType, p.body, null).json();
        assertTrue(problem.getString("type", "").endsWith("database-unavailable")
                || "database-unavailable".equals(problem.getString("code", null)), () -> "code database-unavailable: " + p);
        assertTrue(p.retryAfter.isPresent(), () -> "a Retry-After header: " + p);
        if (bound != null) {
            assertTrue(p.millis <= bound.toMillis(), () -> "answered within " + bound.toMillis() + " ms: " + p);
        }
    }

    private static void closeAll(Publisher publisher, List<RoomFollower> followers) {
        if (publisher != null) {
            publisher.close();
        }
        followers.forEach(RoomFollower::close);
    }
}
