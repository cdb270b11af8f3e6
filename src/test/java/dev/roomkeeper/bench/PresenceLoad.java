package dev.roomkeeper.bench;

import dev.roomkeeper.testing.Api;
import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.TestTokens;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Load harness for presence and room fan-out over WebSocket (see src/docs/benchmarks.md). It opens
 * {@code --connections} sockets at a bounded rate, one simulated tab each, fills rooms of
 * {@code --room-size}, keeps every session alive with heartbeats, then measures two phases:
 * <ol>
 *     <li><b>join</b>: at {@code --join-rate}, a connected tab leaves and joins again with a new session id;
 *     every other member of its room times the presence.join event from the moment the join was sent;</li>
 *     <li><b>fan-out</b>: at {@code --fanout-rate}, a member publishes a message stamped with its send
 *     time; every subscriber of the room (sender included) times its delivery.</li>
 * </ol>
 * Every loop is bounded in count and in time, and a watchdog ends the run if the whole of it overruns.
 * Only loopback addresses are ever contacted. Not a test: run it with
 * {@code mvn -q -Pbench exec:java -Dexec.args="--start-server ..."}.
 */
public final class PresenceLoad {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final Duration DRAIN = Duration.ofSeconds(3);
    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(5);
    private static final long TICK_MS = 100;
    private static final double GIB = 1024.0 * 1024 * 1024;
    private static final double MIB = 1024.0 * 1024;

    private final LoadOptions options;
    private final Target target;
    private final int round;
    private final LoadStats stats = new LoadStats();
    private final String runId = Long.toString(System.currentTimeMillis() % 2_176_782_336L, 36);
    private final String stamp = LocalDateTime.now().format(STAMP);
    private final List<String> progress = new ArrayList<>();
    private final List<ServerProbe.Sample> samples = new ArrayList<>();
    private final long selfPid = ProcessHandle.current().pid();
    private BenchSocket[] sockets;
    private String[] slugs;
    private PayaraNode node;
    private ReferenceServer reference;
    private URI base;
    private ServerProbe probe;
    private volatile String phase = "setup";
    private volatile List<Latency> watched = List.of();
    private volatile boolean finished;
    private volatile long connectStartedAt;

    private PresenceLoad(LoadOptions options, Target target, int round) {
        this.options = options;
        this.target = target;
        this.round = round;
    }

    public static void main(String[] args) throws Exception {
        LoadOptions options;
        try {
            options = LoadOptions.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.out.println(LoadOptions.USAGE);
            if (!e.getMessage().isEmpty()) {
                throw e;
            }
            return;
        }
        String stamp = LocalDateTime.now().format(STAMP);
        List<RunResult> results = new ArrayList<>();
        for (int round = 1; round <= options.rounds(); round++) {
            for (Target target : options.targets()) {
                if (options.compares()) {
                    say("round " + round + " of " + options.rounds() + ": " + target.title());
                }
                results.add(new PresenceLoad(options, target, round).run());
            }
        }
        if (options.compares()) {
            String table = Comparison.render(results, options, String.join(" ", args), stamp);
            System.out.println(table);
            Path file = options.out().resolve("compare-" + stamp + ".md");
            Files.writeString(file, table);
            say("comparison written to " + file);
        }
    }

    /** An upper bound on the whole run: server boot, setup, connecting, warm-up, both phases, closing. */
    private Duration runBound() {
        long seconds = (options.startServer() || target == Target.NODE ? 300 : 0) + 120 + options.connectTimeout().toSeconds()
                + options.warmup().toSeconds() + 2 * (options.duration().toSeconds() + 20) + 120;
        return Duration.ofSeconds(seconds);
    }

    private RunResult run() throws IOException, InterruptedException {
        Files.createDirectories(options.out());
        Duration bound = runBound();
        startWatchdog(bound);
        double loadBefore = ServerProbe.loadAverage();
        String secret = startOrAttach();
        say("run " + runId + ": " + options.connections() + " connections in " + options.rooms() + " rooms of "
                + options.roomSize() + " against " + target.title() + " at " + base + ", scenario "
                + options.scenario().name().toLowerCase(Locale.ROOT) + " (bounded to " + bound.toMinutes() + " min)");
        ServerProbe.Sample idle = probe.sample();
        createRooms(secret);
        prepareSockets(secret);
        ExecutorService callbacks = Executors.newFixedThreadPool(options.clientThreads(), daemon("ws-client"));
        ScheduledExecutorService timers = Executors.newScheduledThreadPool(2, daemon("bench-timer"));
        AtomicLong tick = new AtomicLong();
        long ticksPerInterval = Math.max(1, options.heartbeat().toMillis() / TICK_MS);
        timers.scheduleAtFixedRate(() -> heartbeats(tick.getAndIncrement() % ticksPerInterval, ticksPerInterval),
                TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        timers.scheduleAtFixedRate(this::sampleAndReport, SAMPLE_EVERY.toMillis(), SAMPLE_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
        Summary summary = new Summary();
        try {
            summary.connect = connect(callbacks);
            summary.connected = probe.sample();
            classHistogram();
            warmUp();
            if (options.scenario() == Scenario.COMBINED) {
                List<PhaseResult> both = measureCombined();
                summary.join = both.get(0);
                summary.fanout = both.get(1);
                stats.forgetJoins();
            } else {
                if (options.joinRate() > 0) {
                    summary.join = measure("join", options.joinRate(), stats.joinDelivery, this::cycleOne, true);
                    stats.forgetJoins();
                }
                if (options.fanoutRate() > 0) {
                    summary.fanout = measure("fan-out", options.fanoutRate(), stats.fanout, this::publishOne, false);
                }
            }
            phase = "done";
            summary.last = probe.sample();
            // before the server is stopped: a shutdown that outlasts the reconnect grace ends sessions as expired
            summary.expiredBeforeStop = stats.expiredSessions();
        } finally {
            finished = true;
            timers.shutdownNow();
            shutDown();
            callbacks.shutdownNow();
        }
        summary.idle = idle;
        summary.loadBefore = loadBefore;
        summary.loadAfter = ServerProbe.loadAverage();
        String text = summary.render();
        System.out.println(text);
        Path file = options.out().resolve((target == Target.NODE ? "presence-node-" : "presence-") + stamp + ".txt");
        Files.writeString(file, text);
        say("summary written to " + file);
        return summary.result(file);
    }

    private String startOrAttach() {
        if (target == Target.NODE) {
            Path log = options.out().toAbsolutePath().resolve("reference-server-" + stamp + ".log");
            say("starting the Node ws reference server in " + ReferenceServer.DIR + " (log: " + log + ")");
            long begin = System.nanoTime();
            reference = ReferenceServer.start(options.addresses(), log);
            base = reference.base();
            probe = new ServerProbe(base, reference.pid());
            say(String.format(Locale.ROOT, "reference server pid %d (%s) ready after %.1f s", reference.pid(),
                    reference.versions(), (System.nanoTime() - begin) / 1e9));
            // it checks no token: any secret signs them
            return randomSecret();
        }
        if (!options.startServer()) {
            base = options.server();
            probe = new ServerProbe(base, options.serverPid());
            return options.secret();
        }
        if (System.getProperty("it.workdir") == null) {
            System.setProperty("it.workdir", options.out().toString());
        }
        String secret = randomSecret();
        Map<String, String> props = new HashMap<>();
        props.put("roomkeeper.auth.hs256-secret", secret);
        props.put("roomkeeper.engine.type", "memory");
        props.put("roomkeeper.db.url", "jdbc:h2:file:" + options.out().toAbsolutePath().resolve("h2-" + stamp + "/roomkeeper"));
        List<String> jvm = new ArrayList<>(options.serverJvm());
        if (jvm.stream().noneMatch(o -> o.startsWith("-Xlog:gc"))) {
            jvm.add("-Xlog:gc:file=" + options.out().toAbsolutePath().resolve("server-gc-" + stamp + ".log"));
        }
        say("starting Payara Micro with " + String.join(" ", jvm) + " (log: " + PayaraNode.workdir().resolve("bench.log") + ")");
        PayaraNode starting = new PayaraNode("bench", props, jvm);
        try {
            // a previous run's log must not be mistaken for this one's
            Files.deleteIfExists(starting.log());
        } catch (IOException e) {
            throw new IllegalStateException("cannot remove " + starting.log(), e);
        }
        Thread deployWatch = daemon("deploy-watch").newThread(() -> failFastOnDeployError(starting.log()));
        deployWatch.start();
        try {
            node = starting.start();
        } finally {
            deployWatch.interrupt();
        }
        base = node.base();
        probe = new ServerProbe(base, node.pid());
        say("server pid " + node.pid() + " ready after " + node.startTime().toSeconds() + " s");
        return secret;
    }

    /**
     * Payara Micro stays up after a failed deployment and PayaraNode then waits minutes for readiness;
     * the harness ends the server as soon as its log reports the failure, so the start fails at once.
     */
    private static void failFastOnDeployError(Path log) {
        long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
        while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(500);
                if (Files.exists(log) && Files.readString(log).contains("Exception while loading the app")) {
                    say("deployment failed (see " + log + "); stopping the server");
                    String rootDir = log.getParent().resolve("payara-bench").toString();
                    ProcessHandle.current().children()
                            .filter(p -> p.info().commandLine().map(c -> c.contains(rootDir)).orElse(false))
                            .forEach(ProcessHandle::destroy);
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                // the log is being written; read it again next time
            }
        }
    }

    private void createRooms(String secret) {
        if (target == Target.NODE) {
            // the reference server makes a room when the first socket joins it
            slugs = new String[options.rooms()];
            for (int r = 0; r < slugs.length; r++) {
                slugs[r] = "bench-" + runId + "-" + r;
            }
            return;
        }
        String admin = TestTokens.forUser("bench-admin").name("Bench admin").admin()
                .expiresIn(Duration.ofHours(1)).hs256(secret);
        Api api = new Api(base, admin);
        slugs = new String[options.rooms()];
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        for (int r = 0; r < slugs.length; r++) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("creating rooms took over 120 s; " + r + " of " + slugs.length + " made");
            }
            slugs[r] = "bench-" + runId + "-" + r;
            String body = "{\"title\":\"Bench " + r + "\",\"slug\":\"" + slugs[r] + "\",\"kind\":\"huddle\"}";
            Api.Reply reply = api.post("/api/rooms", body);
            // readiness can come before Payara maps the application: its own 404 or 500 pages answer
            // until then (the application answers problem+json); retry for a while
            for (int retry = 0; retry < 30 && !reply.isProblem() && (reply.status() == 404 || reply.status() >= 500); retry++) {
                pause(Duration.ofSeconds(1));
                reply = api.post("/api/rooms", body);
            }
            if (reply.status() != 201) {
                throw new IllegalStateException("cannot create room " + slugs[r] + ": " + reply);
            }
        }
        say(slugs.length + " rooms created");
    }

    /** Mints every socket's token up front, so that connecting measures the server, not HMAC. */
    private void prepareSockets(String secret) {
        sockets = new BenchSocket[options.connections()];
        Duration ttl = runBound().plusHours(1);
        BenchSocket.FirstJoins gate = options.serialFirstJoins() ? new OnePerRoom(slugs.length) : new AllAtOnce();
        for (int i = 0; i < sockets.length; i++) {
            // rooms interleave: consecutive sockets join different rooms
            int room = i % slugs.length;
            String user = "u" + runId + "-" + i;
            String token = TestTokens.forUser(user).name(user).room(slugs[room], "participant")
                    .expiresIn(ttl).hs256(secret);
            sockets[i] = new BenchSocket(i, room, user, slugs[room], token, "s" + runId,
                    options.heartbeat().toMillis(), stats, gate, this::settled);
        }
    }

    /** Member {@code m} of room {@code room}, or -1 when the room has fewer members. */
    private int member(int room, int m) {
        long i = room + (long) m * slugs.length;
        return i < sockets.length ? (int) i : -1;
    }

    /** Every first join at once. */
    private static final class AllAtOnce implements BenchSocket.FirstJoins {
        @Override
        public void authenticated(BenchSocket socket) {
            socket.joinFirst();
        }

        @Override
        public void done(BenchSocket socket) {
            // nothing waits
        }
    }

    /**
     * One first join in flight per room; the others of the room wait for it to be acknowledged. Servers
     * before 8ca6744 deadlocked when a socket subscribed to a room (RoomSubscription.start held the
     * subscription, then asked the engine for the room's replay) while a join published in that room
     * (MemoryEngine.publish held the room's stream, then offered the event to the subscription).
     */
    private static final class OnePerRoom implements BenchSocket.FirstJoins {
        private final ArrayDeque<BenchSocket>[] waiting;
        private final boolean[] busy;

        @SuppressWarnings("unchecked")
        OnePerRoom(int rooms) {
            waiting = new ArrayDeque[rooms];
            busy = new boolean[rooms];
            for (int r = 0; r < rooms; r++) {
                waiting[r] = new ArrayDeque<>();
            }
        }

        @Override
        public void authenticated(BenchSocket socket) {
            int room = socket.roomIndex();
            synchronized (this) {
                if (busy[room]) {
                    waiting[room].add(socket);
                    return;
                }
                busy[room] = true;
            }
            if (!socket.joinFirst()) {
                next(room);
            }
        }

        @Override
        public void done(BenchSocket socket) {
            next(socket.roomIndex());
        }

        /** Hands the room to the next waiting socket that is still open, or frees it. */
        private void next(int room) {
            while (true) {
                BenchSocket next;
                synchronized (this) {
                    next = waiting[room].poll();
                    if (next == null) {
                        busy[room] = false;
                        return;
                    }
                }
                if (next.joinFirst()) {
                    return;
                }
            }
        }
    }

    private Semaphore pendingConnects;
    private final AtomicInteger settledCount = new AtomicInteger();

    private void settled() {
        settledCount.incrementAndGet();
        pendingConnects.release();
    }

    /** Opens every socket at the connect rate; returns once all are joined or failed, or the bound passed. */
    private ConnectResult connect(ExecutorService callbacks) throws InterruptedException {
        phase = "connect";
        connectStartedAt = stats.now();
        HttpClient[] clients = new HttpClient[options.httpClients()];
        for (int c = 0; c < clients.length; c++) {
            clients[c] = HttpClient.newBuilder().executor(callbacks).connectTimeout(Duration.ofSeconds(15)).build();
        }
        URI[] targets = new URI[options.addresses()];
        for (int a = 0; a < targets.length; a++) {
            String host = targets.length == 1 ? base.getHost() : "127.0.0." + (a + 1);
            targets[a] = URI.create("ws://" + host + ":" + base.getPort() + "/ws");
        }
        long period = (long) (1e9 / options.connectRate());
        long start = System.nanoTime();
        long deadline = start + options.connectTimeout().toNanos();
        pendingConnects = new Semaphore(options.maxPending());
        int attempted = 0;
        for (int i = 0; i < sockets.length; i++) {
            pace(start + i * period);
            long left = deadline - System.nanoTime();
            if (left <= 0 || !pendingConnects.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                say("connect bound reached after " + i + " sockets");
                break;
            }
            BenchSocket socket = sockets[i];
            socket.connecting();
            attempted++;
            clients[i % clients.length].newWebSocketBuilder().connectTimeout(Duration.ofSeconds(15))
                    .buildAsync(targets[i % targets.length], socket)
                    .whenComplete((ws, error) -> {
                        if (error != null) {
                            socket.failed(error);
                        }
                    });
        }
        while (settledCount.get() < attempted && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int ready = readyCount();
        say(String.format(Locale.ROOT, "%d of %d sockets joined in %.1f s", ready, sockets.length, seconds));
        return new ConnectResult(attempted, ready, seconds, stats.connect.total());
    }

    private int readyCount() {
        int ready = 0;
        for (BenchSocket socket : sockets) {
            if (socket.ready()) {
                ready++;
            }
        }
        return ready;
    }

    /** One tick of the heartbeat wheel: every socket whose slot it is sends one heartbeat. */
    private void heartbeats(long slot, long slots) {
        BenchSocket[] all = sockets;
        if (all == null || finished) {
            return;
        }
        for (int i = (int) slot; i < all.length; i += (int) slots) {
            all[i].heartbeat();
        }
    }

    private void warmUp() {
        if (options.warmup().isZero()) {
            return;
        }
        phase = "warm-up";
        if (options.scenario() == Scenario.COMBINED) {
            driveTogether(options.warmup());
            pause(DRAIN);
            stats.forgetJoins();
            return;
        }
        Duration half = options.warmup().dividedBy(2);
        if (options.joinRate() > 0) {
            drive(options.joinRate(), half, this::cycleOne);
        }
        if (options.fanoutRate() > 0) {
            drive(options.fanoutRate(), half, this::publishOne);
        }
        pause(DRAIN);
        stats.forgetJoins();
    }

    private final Random random = new Random(42);
    private int[] order;
    private int cursor;
    private long publishCount;
    /** Deliveries of presence.join events the ready peers should get; written by the thread driving joins. */
    private long expectedJoinDeliveries;
    /** Deliveries of messages the ready members should get; written by the thread driving publishes. */
    private long expectedFanoutDeliveries;

    /** Leave and join again on the next ready socket that is not mid-cycle. */
    private boolean cycleOne() {
        if (order == null) {
            order = new int[sockets.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        for (int tries = 0; tries < 64; tries++) {
            int i = order[cursor++ % order.length];
            if (sockets[i].cycle()) {
                expectedJoinDeliveries += readyInRoom(sockets[i].roomIndex()) - 1;
                return true;
            }
        }
        return false;
    }

    /** Publish into the next room, from the next of its members in turn. */
    private boolean publishOne() {
        long k = publishCount++;
        int rooms = slugs.length;
        int room = (int) (k % rooms);
        int first = (int) ((k / rooms) % options.roomSize());
        for (int m = 0; m < options.roomSize(); m++) {
            int i = member(room, (first + m) % options.roomSize());
            if (i >= 0 && sockets[i].publish()) {
                expectedFanoutDeliveries += readyInRoom(room);
                return true;
            }
        }
        return false;
    }

    private int readyInRoom(int room) {
        int ready = 0;
        for (int m = 0; m < options.roomSize(); m++) {
            int i = member(room, m);
            if (i >= 0 && sockets[i].ready()) {
                ready++;
            }
        }
        return ready;
    }

    private PhaseResult measure(String name, double rate, Latency latency, BooleanSupplier action, boolean join) {
        phase = name;
        say("phase " + name + ": " + rate + "/s for " + options.duration().toSeconds() + " s");
        expectedJoinDeliveries = 0;
        expectedFanoutDeliveries = 0;
        latency.restart();
        stats.joinAck.restart();
        watched = List.of(latency);
        Window<Drive> w = window(name, () -> drive(rate, options.duration(), action));
        return new PhaseResult(name, rate, w.driven(), latency.total(), join ? stats.joinAck.total() : null,
                join ? expectedJoinDeliveries : expectedFanoutDeliveries, w.before(), w.after(), w.selfCpu(), w.heartbeats());
    }

    /** What one measured window drove, with the server's and the harness's readings around it. */
    private record Window<T>(T driven, ServerProbe.Sample before, ServerProbe.Sample after, double selfCpu,
                             long heartbeats) {
    }

    /**
     * Runs {@code driving} as the measured window named {@code name}: server and harness readings (and the profile,
     * if any) around it, the drain after it, heartbeats counted during it.
     */
    private <T> Window<T> window(String name, java.util.function.Supplier<T> driving) {
        double selfBefore = ServerProbe.cpuSeconds(selfPid);
        ServerProbe.Sample before = probe.sample();
        startProfile(name);
        long heartbeatsBefore = stats.heartbeats.sum();
        T driven = driving.get();
        long heartbeats = stats.heartbeats.sum() - heartbeatsBefore;
        pause(DRAIN);
        watched = List.of();
        double selfAfter = ServerProbe.cpuSeconds(selfPid);
        ServerProbe.Sample after = probe.sample();
        stopProfile(name);
        return new Window<>(driven, before, after, selfAfter - selfBefore, heartbeats);
    }

    /**
     * The combined scenario: leave+joins at the join rate and publishes at the fan-out rate, at the same
     * time, in one measured window. Both results share the window's server and harness CPU readings.
     *
     * @return the joins' result, then the publishes'
     */
    private List<PhaseResult> measureCombined() {
        String name = "combined";
        phase = name;
        say("phase " + name + ": " + options.joinRate() + " leave+joins/s and " + options.fanoutRate() + " publishes/s for "
                + options.duration().toSeconds() + " s");
        expectedJoinDeliveries = 0;
        expectedFanoutDeliveries = 0;
        stats.joinDelivery.restart();
        stats.fanout.restart();
        stats.joinAck.restart();
        watched = List.of(stats.fanout, stats.joinDelivery);
        Window<Drive[]> w = window(name, () -> driveTogether(options.duration()));
        return List.of(
                new PhaseResult("combined (joins)", options.joinRate(), w.driven()[0], stats.joinDelivery.total(),
                        stats.joinAck.total(), expectedJoinDeliveries, w.before(), w.after(), w.selfCpu(), w.heartbeats()),
                new PhaseResult("combined (publishes)", options.fanoutRate(), w.driven()[1], stats.fanout.total(), null,
                        expectedFanoutDeliveries, w.before(), w.after(), w.selfCpu(), w.heartbeats()));
    }

    /**
     * Joins on a thread of their own and publishes on this one, both for {@code length}; each action's
     * state (the join order, the publish counter, its expected deliveries) is only touched by its thread.
     *
     * @return the joins' drive, then the publishes'
     */
    private Drive[] driveTogether(Duration length) {
        CompletableFuture<Drive> joins = new CompletableFuture<>();
        Thread joiner = daemon("bench-joins").newThread(() -> {
            try {
                joins.complete(drive(options.joinRate(), length, this::cycleOne));
            } catch (RuntimeException e) {
                joins.completeExceptionally(e);
            }
        });
        joiner.start();
        Drive publishes = drive(options.fanoutRate(), length, this::publishOne);
        try {
            // drive() never runs past its length plus ten seconds
            return new Drive[] {joins.get(length.toSeconds() + 20, TimeUnit.SECONDS), publishes};
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while driving joins", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("driving joins failed", e);
        }
    }

    /** With --profile: a JFR recording of the server for the phase, in the output directory. */
    private void startProfile(String name) {
        Long pid = serverPid();
        if (options.profile() && pid != null) {
            Path file = options.out().toAbsolutePath().resolve("server-" + name + "-" + stamp + ".jfr");
            jcmd(pid, null, "JFR.start", "name=" + name, "settings=profile", "filename=" + file);
            say("profiling the server into " + file);
        }
    }

    /** With --profile: what fills the server's heap once every socket is connected (forces a full GC). */
    private void classHistogram() {
        Long pid = serverPid();
        if (options.profile() && pid != null) {
            Path file = options.out().toAbsolutePath().resolve("server-histogram-" + stamp + ".txt");
            jcmd(pid, file, "GC.class_histogram");
            say("server heap histogram written to " + file);
        }
    }

    private void stopProfile(String name) {
        Long pid = serverPid();
        if (options.profile() && pid != null) {
            jcmd(pid, null, "JFR.stop", "name=" + name);
        }
    }

    /** Roomkeeper's JVM, for jcmd; null for the reference server. */
    private Long serverPid() {
        if (target != Target.ROOMKEEPER) {
            return null;
        }
        return node != null ? Long.valueOf(node.pid()) : options.serverPid();
    }

    /** Runs jcmd against the server; its output goes to {@code output}, or nowhere when null. */
    private static void jcmd(long pid, Path output, String... command) {
        List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(pid)));
        line.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(line).redirectErrorStream(true)
                    .redirectOutput(output == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(output.toFile()))
                    .start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                say("jcmd " + String.join(" ", command) + " did not answer within 60 s");
            }
        } catch (IOException e) {
            say("jcmd failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs {@code action} {@code rate × length} times on a fixed schedule, and never past the length plus
     * ten seconds; a late action runs at once (the lag is reported), it does not make the next ones wait.
     */
    private Drive drive(double rate, Duration length, BooleanSupplier action) {
        long total = Math.round(rate * length.toNanos() / 1e9);
        long period = (long) (1e9 / rate);
        long start = System.nanoTime();
        long hardEnd = start + length.toNanos() + Duration.ofSeconds(10).toNanos();
        long done = 0;
        long skipped = 0;
        long maxLag = 0;
        for (long k = 0; k < total; k++) {
            long due = start + k * period;
            pace(due);
            long now = System.nanoTime();
            if (now > hardEnd || finished) {
                break;
            }
            maxLag = Math.max(maxLag, now - due);
            if (action.getAsBoolean()) {
                done++;
            } else {
                skipped++;
            }
        }
        return new Drive(done, skipped, (System.nanoTime() - start) / 1e9, maxLag);
    }

    private void sampleAndReport() {
        try {
            ServerProbe.Sample s = probe.sample();
            List<Latency> current = watched;
            String latency = "";
            if (current.size() == 1) {
                latency = " | last " + SAMPLE_EVERY.toSeconds() + " s: " + Latency.describe(current.get(0).interval());
            } else if (current.size() == 2) {
                latency = " | last " + SAMPLE_EVERY.toSeconds() + " s: publish " + Latency.describe(current.get(0).interval())
                        + "; join " + Latency.describe(current.get(1).interval());
            }
            String line = String.format(Locale.ROOT, "[%s] ready %d, heartbeats %d, joins %d, publishes %d, frames in %d, "
                            + "errors %d, closes %d | server heap %s / %s MiB, rss %s MiB, sockets %d%s",
                    phase, readyCount(), stats.heartbeats.sum(), stats.joins.sum(), stats.publishes.sum(),
                    stats.framesIn.sum(), total(stats.errors()), total(stats.closes()), mib(s.heapUsed()),
                    mib(s.heapMax()), kbToMib(s.rssKb()), s.sockets(), latency);
            synchronized (samples) {
                samples.add(s);
                progress.add(line);
            }
            say(line);
        } catch (RuntimeException e) {
            say("sampling failed: " + e);
        }
    }

    private void shutDown() {
        phase = "closing";
        if (sockets == null) {
            stopServer();
            return;
        }
        if (node != null || reference != null) {
            // the server goes first: 15,000 clean closes would only make it broadcast leaves to no one
            for (BenchSocket socket : sockets) {
                socket.closing();
            }
            stopServer();
            for (BenchSocket socket : sockets) {
                socket.abort();
            }
            return;
        }
        long start = System.nanoTime();
        long period = (long) (1e9 / 2_000);
        for (int i = 0; i < sockets.length; i++) {
            pace(start + i * period);
            sockets[i].close();
        }
        pause(Duration.ofSeconds(5));
        for (BenchSocket socket : sockets) {
            socket.abort();
        }
    }

    /** Stops the server this run started, if any. */
    private void stopServer() {
        if (node != null) {
            node.close();
        }
        if (reference != null) {
            reference.close();
        }
    }

    private void startWatchdog(Duration bound) {
        Thread watchdog = daemon("bench-watchdog").newThread(() -> {
            try {
                Thread.sleep(bound.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            if (!finished) {
                say("run exceeded its bound of " + bound + "; stopping");
                finished = true;
                if (sockets != null) {
                    for (BenchSocket socket : sockets) {
                        socket.abort();
                    }
                }
                stopServer();
                System.exit(2);
            }
        });
        watchdog.start();
    }

    private static void pace(long dueNanos) {
        long wait;
        while ((wait = dueNanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }

    private static void pause(Duration duration) {
        pace(System.nanoTime() + duration.toNanos());
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static String randomSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static void say(String line) {
        System.out.println(LocalDateTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + " " + line);
    }

    private static long total(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "?" : String.format(Locale.ROOT, "%.0f", bytes / MIB);
    }

    private static String kbToMib(long kb) {
        return kb < 0 ? "?" : String.format(Locale.ROOT, "%.0f", kb / 1024.0);
    }

    record Drive(long sent, long skipped, double seconds, long maxLagNanos) {
    }

    record ConnectResult(int attempted, int ready, double seconds, Histogram latency) {
    }

    record PhaseResult(String name, double rate, Drive drive, Histogram latency, Histogram ack, long expected,
                       ServerProbe.Sample before, ServerProbe.Sample after, double selfCpu, long heartbeats) {

        double deliveriesPerSecond() {
            return latency.getTotalCount() / drive.seconds();
        }

        double serverCpuPercent() {
            return after.cpuPercentSince(before);
        }

        double selfCpuPercent() {
            return 100 * selfCpu / ((after.cpuReadAt() - before.cpuReadAt()) / 1e9);
        }
    }

    /** The figures of one run, as the plain text that is printed and written to target/bench. */
    private final class Summary {
        ConnectResult connect;
        PhaseResult join;
        PhaseResult fanout;
        ServerProbe.Sample idle;
        ServerProbe.Sample connected;
        ServerProbe.Sample last;
        double loadBefore;
        /** Sessions announced as expired until the measuring ended, before the server was stopped. */
        int expiredBeforeStop;
        double loadAfter;

        String render() {
            StringBuilder out = new StringBuilder();
            if (target == Target.NODE) {
                line(out, "Node ws reference server presence load, run %s at %s (round %d)", runId, stamp, round);
            } else {
                line(out, "Roomkeeper presence load, run %s at %s", runId, stamp);
            }
            line(out, "machine: %d cores, %.1f GiB memory, %s %s, load average %.2f before, %.2f after",
                    Runtime.getRuntime().availableProcessors(), memTotalKb() / 1024.0 / 1024.0,
                    System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"), loadBefore, loadAfter);
            if (reference != null) {
                line(out, "server: the Node ws reference server (%s, %s), started by the harness, pid %d",
                        ReferenceServer.DIR, reference.versions(), reference.pid());
            } else if (node != null) {
                line(out, "server: started by the harness, pid %d, JVM options %s, Payara pre-boot commands %s", node.pid(),
                        String.join(" ", node.jvmOptions()), PayaraNode.PRE_BOOT_COMMANDS);
            } else {
                line(out, "server: %s%s", base, options.serverPid() == null ? " (no pid: RSS and CPU not read)" : ", pid " + options.serverPid());
            }
            line(out, "options: connections %d, room size %d (%d rooms), join rate %.0f/s, fan-out rate %.0f/s, duration %d s, "
                            + "warm-up %d s, heartbeat %d s, connect rate %.0f/s, %d loopback address(es), %d HttpClients, %d callback threads, at most %d sockets connecting at once, first joins %s",
                    options.connections(), options.roomSize(), options.rooms(), options.joinRate(), options.fanoutRate(),
                    options.duration().toSeconds(), options.warmup().toSeconds(), options.heartbeat().toSeconds(),
                    options.connectRate(), options.addresses(), options.httpClients(), options.clientThreads(),
                    options.maxPending(), options.serialFirstJoins() ? "one at a time per room" : "concurrent");
            out.append('\n');
            if (connect != null) {
                line(out, "connections: %d of %d joined in %.1f s (%d attempted); open to joined %s",
                        connect.ready(), options.connections(), connect.seconds(), connect.attempted(),
                        Latency.describe(connect.latency()));
                line(out, "  server after connecting: heap used %s MiB of %s MiB max, RSS %s MiB, %d sockets open",
                        mib(connected.heapUsed()), mib(connected.heapMax()), kbToMib(connected.rssKb()), connected.sockets());
            }
            if (join != null) {
                phase(out, join, "join -> peers' presence.join", "deliveries");
                line(out, "  join -> own ack: %s", Latency.describe(join.ack()));
            }
            if (fanout != null) {
                phase(out, fanout, "publish -> subscribers' message", "deliveries");
                line(out, "  publishes acknowledged: %d", stats.publishAcks.sum());
            }
            double runSeconds = (stats.now() - connectStartedAt) / 1e9;
            line(out, "heartbeats: %d sent (%.0f/s since connecting began, %.0f/s expected from %d sessions every %d s)",
                    stats.heartbeats.sum(), stats.heartbeats.sum() / runSeconds,
                    (connect == null ? 0 : connect.ready()) / (double) options.heartbeat().toSeconds(),
                    connect == null ? 0 : connect.ready(), options.heartbeat().toSeconds());
            line(out, "errors received: %s; closes: %s; connect failures %d; send failures %d",
                    stats.errors().isEmpty() ? "none" : stats.errors(), stats.closes().isEmpty() ? "none" : stats.closes(),
                    stats.connectFailures.sum(), stats.sendFailures.sum());
            line(out, "events received by type: %s", stats.events());
            line(out, "sessions that expired while heartbeating: %d before the server was stopped (presence.leave with "
                            + "reason expired; %d more while it was stopping), presence-expired errors %d", expiredBeforeStop,
                    stats.expiredSessions() - expiredBeforeStop, stats.errors().getOrDefault("presence-expired", 0L));
            out.append('\n');
            long maxHeap = highest(ServerProbe.Sample::heapUsed);
            long maxRss = highest(ServerProbe.Sample::rssKb);
            if (last != null) {
                line(out, "server memory: heap max %s MiB; heap used idle %s, after connecting %s, at the end %s, highest sampled %s MiB",
                        mib(last.heapMax()), mib(idle.heapUsed()), mib(connected.heapUsed()), mib(last.heapUsed()), mib(maxHeap));
                line(out, "server RSS: idle %s, after connecting %s, at the end %s, highest sampled %s, peak (VmHWM) %s MiB",
                        kbToMib(idle.rssKb()), kbToMib(connected.rssKb()), kbToMib(last.rssKb()), kbToMib(maxRss),
                        kbToMib(last.peakRssKb()));
                if (target == Target.ROOMKEEPER) {
                    line(out, "server GC: %d collections, %.2f s in total since boot", last.gcCount(), last.gcSeconds());
                }
            }
            line(out, "harness: RSS %s MiB, heap used %.0f MiB", kbToMib(ServerProbe.statusKb(selfPid, "VmRSS:").orElse(-1)),
                    (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / MIB);
            out.append('\n');
            targets(out);
            out.append("\nprogress (every ").append(SAMPLE_EVERY.toSeconds()).append(" s):\n");
            synchronized (samples) {
                progress.forEach(p -> out.append("  ").append(p).append('\n'));
            }
            return out.toString();
        }

        /** What the side-by-side table needs of this run. */
        RunResult result(Path file) {
            long maxHeap = highest(ServerProbe.Sample::heapUsed);
            long maxRss = highest(ServerProbe.Sample::rssKb);
            List<RunResult.Window> windows = new ArrayList<>();
            if (options.scenario() == Scenario.COMBINED && join != null && fanout != null) {
                windows.add(window("combined", fanout, join));
            } else {
                if (join != null) {
                    windows.add(window("join phase", null, join));
                }
                if (fanout != null) {
                    windows.add(window("fan-out phase", fanout, null));
                }
            }
            return new RunResult(target, round, options.connections(), connect == null ? 0 : connect.ready(), windows,
                    maxHeap, maxRss, last == null ? -1 : last.peakRssKb(), expiredBeforeStop,
                    stats.errors().getOrDefault("presence-expired", 0L), total(stats.errors()), total(stats.closes()),
                    loadBefore, loadAfter, file);
        }

        /** The highest value of a figure over the server's samples and the last reading; -1 without any. */
        private long highest(java.util.function.ToLongFunction<ServerProbe.Sample> figure) {
            long max = last == null ? -1 : figure.applyAsLong(last);
            synchronized (samples) {
                for (ServerProbe.Sample s : samples) {
                    max = Math.max(max, figure.applyAsLong(s));
                }
            }
            return max;
        }

        /** One measured window from its publishes' and joins' results (either may be null, not both). */
        private RunResult.Window window(String name, PhaseResult publishes, PhaseResult joins) {
            PhaseResult any = publishes != null ? publishes : joins;
            double seconds = Math.max(publishes == null ? 0 : publishes.drive().seconds(),
                    joins == null ? 0 : joins.drive().seconds());
            double serverCpu = any.after().cpuSeconds() < 0 || any.before().cpuSeconds() < 0 ? -1
                    : any.after().cpuSeconds() - any.before().cpuSeconds();
            return new RunResult.Window(name, publishes == null ? 0 : publishes.drive().sent(),
                    publishes == null ? null : publishes.latency(), publishes == null ? 0 : publishes.expected(),
                    joins == null ? 0 : joins.drive().sent(), joins == null ? null : joins.latency(),
                    joins == null ? 0 : joins.expected(),
                    seconds, (any.after().cpuReadAt() - any.before().cpuReadAt()) / 1e9, serverCpu, any.selfCpu(),
                    any.heartbeats());
        }

        private void phase(StringBuilder out, PhaseResult p, String what, String unit) {
            line(out, "%s phase: %d sent in %.1f s (%.1f/s of %.0f/s asked; %d skipped, schedule lag max %.1f ms)",
                    p.name(), p.drive().sent(), p.drive().seconds(), p.drive().sent() / p.drive().seconds(), p.rate(),
                    p.drive().skipped(), p.drive().maxLagNanos() / 1e6);
            line(out, "  %s: %d %s (%.0f/s; %d expected), %s", what, p.latency().getTotalCount(), unit,
                    p.deliveriesPerSecond(), p.expected(), Latency.describe(p.latency()));
            line(out, "  heartbeats during the phase: %.0f/s", p.heartbeats() / p.drive().seconds());
            boolean gcKnown = p.after().gcCount() >= 0 && p.before().gcCount() >= 0;
            line(out, "  CPU over the phase (of %d cores = %d%%): server %.0f%%, harness %.0f%%; server GC %s",
                    Runtime.getRuntime().availableProcessors(), 100 * Runtime.getRuntime().availableProcessors(),
                    p.serverCpuPercent(), p.selfCpuPercent(), target == Target.NODE ? "— (no JVM)"
                            : !gcKnown ? "not read (metrics did not answer)"
                            : String.format(Locale.ROOT, "+%d collections, +%.2f s", p.after().gcCount() - p.before().gcCount(),
                            p.after().gcSeconds() - p.before().gcSeconds()));
        }

        private void targets(StringBuilder out) {
            out.append("targets (from the issue):\n");
            boolean scale = options.connections() >= 15_000;
            String note = scale ? "" : "  [run below target scale]";
            if (connect != null && last != null) {
                boolean ok = connect.ready() >= 15_000 && last.heapMax() > 0 && last.heapMax() <= GIB;
                line(out, "  %s 15,000 connections on one server JVM, heap <= 1 GiB: %d joined, heap max %s MiB%s",
                        ok ? "MET   " : "MISSED", connect.ready(), mib(last.heapMax()), note);
            }
            if (join != null) {
                double p99 = join.latency().getValueAtPercentile(99) / 1000.0;
                boolean ok = join.latency().getTotalCount() > 0 && p99 <= 50 && join.drive().sent() / join.drive().seconds() >= 99;
                line(out, "  %s join -> presence broadcast p99 <= 50 ms at 100 joins/s: p99 %.1f ms at %.1f joins/s%s%s",
                        ok ? "MET   " : "MISSED", p99, join.drive().sent() / join.drive().seconds(),
                        ok ? "" : String.format(Locale.ROOT, " (%.1fx the target)", p99 / 50), note);
            }
            if (fanout != null) {
                double p99 = fanout.latency().getValueAtPercentile(99) / 1000.0;
                double rate = fanout.deliveriesPerSecond();
                boolean ok = p99 <= 25 && rate >= 20_000;
                line(out, "  %s fan-out >= 20,000 deliveries/s at p99 <= 25 ms: %.0f deliveries/s, p99 %.1f ms%s",
                        ok ? "MET   " : "MISSED", rate, p99, note);
            }
        }

        private static void line(StringBuilder out, String format, Object... args) {
            out.append(String.format(Locale.ROOT, format, args)).append('\n');
        }

        private static long memTotalKb() {
            try {
                for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                    if (l.startsWith("MemTotal:")) {
                        return Long.parseLong(l.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not Linux
            }
            return -1;
        }
    }
}
