package dev.roomkeeper.bench;

import dev.roomkeeper.testing.Api;
import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.TestTokens;
import org.HdrHistogram.Histogram;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The room-state load (issue 12): rooms of observers following the room's stream while members write shared
 * keys at a fixed rate across the node; every observer times each {@code state.set} event from the write's
 * {@link System#nanoTime()}, carried in the value. Prints deliveries/s, p50/p99/p99.9 write → observer, refused
 * writes and the server's CPU per 1,000 deliveries, and writes the summary to
 * {@code target/bench/roomstate-<time>.txt}.
 * <pre>
 * mvn -q package -DskipTests
 * mvn -q -Pbench exec:java -Dbench.main=dev.roomkeeper.bench.RoomStateLoad -Dexec.args="--rooms 20 --observers 50 --write-rate 1000"
 * </pre>
 * At the same time, {@code --voters} members of each room vote on the room's poll (created by a host of the room
 * before the load) at {@code --vote-rate} votes/s across the node, each voter changing its vote between the poll's
 * two options; when the load stops, every voter's last acknowledged vote is counted on the client and each poll is
 * closed by its host: the final tally in the close's answer must equal that count exactly (printed per run, and
 * a mismatch fails the run).
 * <p>
 * Options (all optional): {@code --rooms N} (20), {@code --observers N} per room (50), {@code --writers N} per
 * room (5), {@code --write-rate N} writes/s across the node (1000), {@code --voters N} per room (50),
 * {@code --vote-rate N} votes/s across the node (1000; 0 for none), {@code --warmup S} (30), {@code --duration S}
 * (30), {@code --connect-timeout S} (300), {@code --http-clients N} JDK clients sharing the sockets (4),
 * {@code --client-threads N} their callback threads (2), {@code --out DIR} (target/bench). The server is started by the harness (Payara Micro, in-process engine,
 * H2, {@code -Xms1g -Xmx1g -XX:+UseG1GC}) on a free port; the load client runs in this JVM.
 */
public final class RoomStateLoad {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final long TICK_MS = 10;

    private final Map<String, String> options;
    private final String stamp = LocalDateTime.now().format(STAMP);
    private final String runId = Long.toString(System.nanoTime() % 1_000_000, 36);
    private final Latency delivery = new Latency();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong closes = new AtomicLong();
    private final AtomicLong votesSent = new AtomicLong();
    private final AtomicLong votesAcked = new AtomicLong();
    private final AtomicLong voteRefusals = new AtomicLong();
    private final AtomicLong tallies = new AtomicLong();
    /** room slug to poll id */
    private final Map<String, String> polls = new java.util.concurrent.ConcurrentHashMap<>();
    /** room slug to the final tally's counts, from the host's close */
    private final Map<String, String> finals = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<String> firstErrors = new ArrayList<>();
    /** sockets opening and not ready yet: bounded, as a storm of handshakes would time out */
    private final java.util.concurrent.Semaphore connecting = new java.util.concurrent.Semaphore(100);

    private RoomStateLoad(Map<String, String> options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("options are --name value pairs: " + String.join(" ", args));
            }
            options.put(args[i].substring(2), args[++i]);
        }
        try {
            new RoomStateLoad(options).run();
        } catch (Exception | Error e) {
            e.printStackTrace(System.out); // exec:java reports it only once every thread ended: say it now
            System.exit(1);
        }
        System.exit(0);
    }

    private int option(String name, int fallback) {
        String value = options.get(name);
        return value == null ? fallback : Integer.parseInt(value);
    }

    private void run() throws Exception {
        int rooms = option("rooms", 20);
        int observersPerRoom = option("observers", 50);
        int writersPerRoom = option("writers", 5);
        int writeRate = option("write-rate", 1000);
        int votersPerRoom = option("voters", 50);
        int voteRate = option("vote-rate", 1000);
        Duration warmup = Duration.ofSeconds(option("warmup", 30));
        Duration window = Duration.ofSeconds(option("duration", 30));
        Path out = Path.of(options.getOrDefault("out", "target/bench"));
        Files.createDirectories(out);
        if (System.getProperty("it.workdir") == null) {
            System.setProperty("it.workdir", out.toString());
        }
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        String secret = HexFormat.of().formatHex(raw);
        Map<String, String> props = new HashMap<>();
        props.put("roomkeeper.auth.hs256-secret", secret);
        props.put("roomkeeper.engine.type", "memory");
        props.put("roomkeeper.db.url", "jdbc:h2:file:" + out.toAbsolutePath().resolve("h2-state-" + stamp + "/roomkeeper"));
        List<String> jvm = new ArrayList<>(LoadOptions.DEFAULT_SERVER_JVM);
        jvm.add("-Xlog:gc:file=" + out.toAbsolutePath().resolve("server-gc-state-" + stamp + ".log"));
        double loadBefore = ServerProbe.loadAverage();
        say("starting Payara Micro with " + String.join(" ", jvm));
        try (PayaraNode node = new PayaraNode("bench-state", props, jvm).start()) {
            ServerProbe probe = new ServerProbe(node.base(), node.pid());
            String admin = TestTokens.forUser("bench-admin").name("Bench admin").admin().expiresIn(Duration.ofHours(2)).hs256(secret);
            Api api = new Api(node.base(), admin);
            String[] slugs = new String[rooms];
            for (int r = 0; r < rooms; r++) {
                slugs[r] = "state-" + runId + "-" + r;
                Api.Reply reply = api.post("/api/rooms", "{\"title\":\"State " + r + "\",\"slug\":\"" + slugs[r] + "\",\"kind\":\"huddle\"}");
                for (int retry = 0; retry < 30 && !reply.isProblem() && (reply.status() == 404 || reply.status() >= 500); retry++) {
                    Thread.sleep(1000); // Payara answers its own 404/500 pages until the application is mapped
                    reply = api.post("/api/rooms", "{\"title\":\"State " + r + "\",\"slug\":\"" + slugs[r] + "\",\"kind\":\"huddle\"}");
                }
                if (reply.status() != 201) {
                    throw new IllegalStateException("cannot create room " + slugs[r] + ": " + reply);
                }
            }
            // several clients: each reads its sockets on one selector thread, and one would not keep up
            java.util.concurrent.ExecutorService callbacks = Executors.newFixedThreadPool(option("client-threads", 2));
            HttpClient[] https = new HttpClient[option("http-clients", 4)];
            for (int h = 0; h < https.length; h++) {
                https[h] = HttpClient.newBuilder().executor(callbacks).build();
            }
            List<Client> observers = new ArrayList<>();
            List<Client> writers = new ArrayList<>();
            List<Client> voters = new ArrayList<>();
            List<Client> hosts = new ArrayList<>();
            for (int r = 0; r < rooms; r++) {
                for (int o = 0; o < observersPerRoom; o++) {
                    String user = "o" + runId + "-" + r + "-" + o;
                    observers.add(new Client(slugs[r], TestTokens.forUser(user).name(user).room(slugs[r], "observer")
                            .expiresIn(Duration.ofHours(2)).hs256(secret), true));
                }
                for (int w = 0; w < writersPerRoom; w++) {
                    String user = "w" + runId + "-" + r + "-" + w;
                    writers.add(new Client(slugs[r], TestTokens.forUser(user).name(user).room(slugs[r], "participant")
                            .expiresIn(Duration.ofHours(2)).hs256(secret), false));
                }
                if (voteRate > 0) {
                    for (int v = 0; v < votersPerRoom; v++) {
                        String user = "v" + runId + "-" + r + "-" + v;
                        voters.add(new Client(slugs[r], TestTokens.forUser(user).name(user).room(slugs[r], "participant")
                                .expiresIn(Duration.ofHours(2)).hs256(secret), false));
                    }
                    String host = "h" + runId + "-" + r;
                    hosts.add(new Client(slugs[r], TestTokens.forUser(host).name(host).room(slugs[r], "host")
                            .expiresIn(Duration.ofHours(2)).hs256(secret), false));
                }
            }
            List<Client> all = new ArrayList<>(observers);
            all.addAll(writers);
            all.addAll(voters);
            all.addAll(hosts);
            CountDownLatch ready = new CountDownLatch(all.size());
            ScheduledExecutorService pings = Executors.newScheduledThreadPool(1);
            pings.scheduleAtFixedRate(() -> all.forEach(Client::ping), 20, 20, TimeUnit.SECONDS); // not idle while others connect
            int connectTimeout = option("connect-timeout", 300);
            int opened = 0;
            for (Client client : all) {
                HttpClient http = https[opened++ % https.length];
                if (!connecting.tryAcquire(connectTimeout, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("sockets do not become ready: " + (all.size() - ready.getCount())
                            + " of " + all.size() + "; first errors: " + firstErrors);
                }
                client.ready = ready;
                http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30)).buildAsync(node.ws(), client)
                        .whenComplete((socket, error) -> {
                            if (error != null) {
                                synchronized (firstErrors) {
                                    if (firstErrors.size() < 5) {
                                        firstErrors.add("connect: " + error);
                                    }
                                }
                            }
                        });
            }
            if (!ready.await(connectTimeout, TimeUnit.SECONDS)) {
                throw new IllegalStateException((all.size() - ready.getCount()) + " of " + all.size() + " sockets ready after 300 s; "
                        + "first errors: " + firstErrors + ", sockets closed by the server: " + closes.get());
            }
            say(all.size() + " sockets ready: " + observers.size() + " observers, " + writers.size() + " writers, "
                    + voters.size() + " voters and " + hosts.size() + " hosts in " + rooms + " rooms");
            for (Client host : hosts) {
                host.createPoll();
            }
            long pollsDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (polls.size() < hosts.size() && System.nanoTime() < pollsDeadline) {
                Thread.sleep(50); // polling a condition with a deadline: the hosts' acks name the polls
            }
            if (polls.size() < hosts.size()) {
                throw new IllegalStateException(polls.size() + " of " + hosts.size() + " polls created: " + firstErrors);
            }

            ScheduledExecutorService timers = Executors.newScheduledThreadPool(1);
            double perTick = writeRate * TICK_MS / 1000.0;
            double[] owed = {0};
            int[] next = {0};
            timers.scheduleAtFixedRate(() -> {
                owed[0] += perTick;
                while (owed[0] >= 1) {
                    owed[0]--;
                    Client writer = writers.get(next[0]++ % writers.size());
                    writer.write("bench/" + writer.user(), System.nanoTime());
                    written.incrementAndGet();
                }
            }, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
            if (voteRate > 0) {
                double votesPerTick = voteRate * TICK_MS / 1000.0;
                double[] votesOwed = {0};
                int[] nextVoter = {0};
                timers.scheduleAtFixedRate(() -> {
                    votesOwed[0] += votesPerTick;
                    while (votesOwed[0] >= 1) {
                        votesOwed[0]--;
                        voters.get(nextVoter[0]++ % voters.size()).vote();
                    }
                }, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
            }


            Thread.sleep(warmup.toMillis()); // the warm-up is a stretch of load, not a wait for a condition
            delivery.restart();
            long deliveredBefore = delivered.get();
            long writtenBefore = written.get();
            ServerProbe.Sample before = probe.sample();
            Thread.sleep(window.toMillis());
            timers.shutdownNow(); // the load stops with the window: what follows is drained, not new
            timers.awaitTermination(10, TimeUnit.SECONDS);
            long writes = written.get() - writtenBefore;
            long votesInWindow = votesAcked.get();
            Thread.sleep(3000); // the drain: deliveries of the window's last writes
            ServerProbe.Sample after = probe.sample();
            long deliveries = delivered.get() - deliveredBefore;
            // the exact-tally check: every vote answered, then each host closes its poll
            long answersDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (voters.stream().anyMatch(Client::votePending) && System.nanoTime() < answersDeadline) {
                Thread.sleep(50); // polling a condition with a deadline: the last votes' acks
            }
            long unanswered = voters.stream().filter(Client::votePending).count();
            for (Client host : hosts) {
                host.closePoll();
            }
            long closeDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (finals.size() < hosts.size() && System.nanoTime() < closeDeadline) {
                Thread.sleep(50); // polling a condition with a deadline: the hosts' close acks
            }
            int exact = 0;
            List<String> mismatches = new ArrayList<>();
            for (Client host : hosts) {
                long a = voters.stream().filter(v -> v.room.equals(host.room) && "a".equals(v.lastAcked)).count();
                long b = voters.stream().filter(v -> v.room.equals(host.room) && "b".equals(v.lastAcked)).count();
                String expectedCounts = "{\"a\":" + a + ",\"b\":" + b + "}";
                String got = finals.get(host.room);
                if (expectedCounts.equals(got)) {
                    exact++;
                } else if (mismatches.size() < 5) {
                    mismatches.add(host.room + ": expected " + expectedCounts + ", closed with " + got);
                }
            }
            Histogram total = delivery.total();
            double seconds = window.toMillis() / 1000.0;
            double cpuMs = (after.cpuSeconds() - before.cpuSeconds()) * 1000;
            long expected = writes * observersPerRoom;
            String summary = String.join("\n",
                    "Roomkeeper room-state load, run " + runId + " at " + stamp,
                    String.format(Locale.ROOT, "machine: %d cores, load average %.2f before, %.2f after",
                            Runtime.getRuntime().availableProcessors(), loadBefore, ServerProbe.loadAverage()),
                    String.format(Locale.ROOT, "%d rooms of %d observers, %d writers each; %d writes/s asked, %.1f/s sent in the %.0f-s window after %d s of warm-up",
                            rooms, observersPerRoom, writersPerRoom, writeRate, writes / seconds, seconds, warmup.toSeconds()),
                    String.format(Locale.ROOT, "write -> observers' state.set: %.0f deliveries/s (%d of %d expected, %.2f %%), %s",
                            deliveries / seconds, deliveries, expected, expected == 0 ? 0 : 100.0 * deliveries / expected,
                            Latency.describe(total)),
                    String.format(Locale.ROOT, "server CPU: %.0f %% of one core, %.1f ms per 1,000 deliveries",
                            after.cpuPercentSince(before), deliveries == 0 ? 0 : cpuMs / (deliveries / 1000.0)),
                    String.format(Locale.ROOT, "server heap used %d MiB of %d, RSS %d MiB; GC %d collections, %.2f s in the window",
                            after.heapUsed() >> 20, after.heapMax() >> 20, after.rssKb() >> 10, after.gcCount() - before.gcCount(),
                            after.gcSeconds() - before.gcSeconds()),
                    String.format(Locale.ROOT, "poll votes: %d/s asked, %d sent, %d acknowledged (%d by the window's end), %d refused, %d unanswered; %d poll.tally deliveries",
                            voteRate, votesSent.get(), votesAcked.get(), votesInWindow, voteRefusals.get(), unanswered, tallies.get()),
                    voteRate == 0 ? "no polls" : String.format(Locale.ROOT, "exact final tallies: %d of %d polls%s", exact, hosts.size(),
                            mismatches.isEmpty() ? "" : "; MISMATCH " + mismatches),
                    "writes acknowledged " + acked.get() + ", refused " + refused.get() + ", sockets closed by the server "
                            + closes.get() + (firstErrors.isEmpty() ? "" : "; first errors: " + firstErrors),
                    "");
            System.out.println(summary);
            Path file = out.resolve("roomstate-" + stamp + ".txt");
            Files.writeString(file, summary);
            say("summary written to " + file);
            pings.shutdownNow();
            all.forEach(Client::close);
            if (exact < hosts.size()) {
                throw new IllegalStateException("the final tallies are not exact: " + mismatches);
            }
        }
    }

    private static void say(String line) {
        System.out.println(LocalDateTime.now().toLocalTime().withNano(0) + " " + line);
    }

    /** One socket: authenticates, subscribes to its room (observers) and writes when told to (writers). */
    private final class Client implements WebSocket.Listener {
        private final String room;
        private final String token;
        private final boolean observer;
        private final StringBuilder partial = new StringBuilder();
        private volatile CountDownLatch ready;
        private WebSocket socket;
        private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);
        private long sent;
        /** the option of the vote in flight (one at a time per voter), null when none */
        private volatile String voting;
        /** the option of this voter's last acknowledged vote */
        private volatile String lastAcked;
        private boolean nextB;

        Client(String room, String token, boolean observer) {
            this.room = room;
            this.token = token;
            this.observer = observer;
        }

        String user() {
            return Integer.toHexString(System.identityHashCode(this));
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            synchronized (this) {
                socket = webSocket;
            }
            send(Wire.auth("a", token));
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            long at = System.nanoTime();
            partial.append(data);
            if (last) {
                String frame = partial.toString();
                partial.setLength(0);
                received(frame, at);
            }
            webSocket.request(1);
            return null;
        }

        private void received(String frame, long at) {
            if (System.getProperty("bench.debug") != null) {
                System.out.println("<- " + frame);
            }
            String type = Wire.type(frame);
            if ("event".equals(type)) {
                if ("poll.tally".equals(Wire.eventType(frame))) {
                    tallies.incrementAndGet();
                } else if ("state.set".equals(Wire.eventType(frame))) {
                    int value = frame.indexOf("\"value\":{\"t\":");
                    if (value >= 0) {
                        delivery.recordNanos(at - Wire.number(frame, "t", value));
                        delivered.incrementAndGet();
                    }
                }
            } else if ("welcome".equals(type)) {
                if (observer) {
                    send("{\"type\":\"subscribe\",\"id\":\"s\",\"room\":\"" + room + "\"}");
                } else {
                    becameReady();
                }
            } else if ("ack".equals(type) || "subscribed".equals(type)) {
                String id = Wire.string(frame, "id", 0);
                if ("s".equals(id)) {
                    becameReady();
                } else if (id != null && id.startsWith("w")) {
                    acked.incrementAndGet();
                } else if (id != null && id.startsWith("v")) {
                    lastAcked = voting;
                    voting = null;
                    votesAcked.incrementAndGet();
                } else if ("c".equals(id)) {
                    polls.put(room, Wire.string(frame, "pollId", 0));
                } else if ("x".equals(id)) {
                    int counts = frame.indexOf("\"counts\":");
                    finals.put(room, counts < 0 ? frame : frame.substring(counts + 9, frame.indexOf('}', counts) + 1));
                }
            } else if ("error".equals(type)) {
                String id = Wire.string(frame, "id", 0);
                if (id != null && id.startsWith("v")) {
                    voting = null; // refused: it does not count, the last acknowledged vote stands
                    voteRefusals.incrementAndGet();
                } else {
                    refused.incrementAndGet();
                }
                synchronized (firstErrors) {
                    if (firstErrors.size() < 5) {
                        firstErrors.add(frame);
                    }
                }
            }
        }

        void write(String key, long nanos) {
            send("{\"type\":\"state.set\",\"id\":\"w" + (sent++) + "\",\"room\":\"" + room + "\",\"key\":\"" + key
                    + "\",\"value\":{\"t\":" + nanos + "}}");
        }

        private boolean counted;

        private synchronized void becameReady() {
            if (!counted) {
                counted = true;
                ready.countDown();
                connecting.release();
            }
        }

        void vote() {
            String poll = polls.get(room);
            if (poll == null || voting != null) {
                return; // one vote in flight per voter: its ack says which vote counts
            }
            String option = nextB ? "b" : "a";
            nextB = !nextB;
            voting = option;
            votesSent.incrementAndGet();
            send("{\"type\":\"poll.vote\",\"id\":\"v" + (sent++) + "\",\"room\":\"" + room + "\",\"pollId\":\"" + poll
                    + "\",\"options\":[\"" + option + "\"]}");
        }

        boolean votePending() {
            return voting != null;
        }

        void createPoll() {
            send("{\"type\":\"poll.create\",\"id\":\"c\",\"room\":\"" + room
                    + "\",\"question\":\"Bench?\",\"options\":[\"Yes\",\"No\"]}");
        }

        void closePoll() {
            send("{\"type\":\"poll.close\",\"id\":\"x\",\"room\":\"" + room + "\",\"pollId\":\"" + polls.get(room) + "\"}");
        }

        void ping() {
            send("{\"type\":\"ping\",\"id\":\"p\"}");
        }

        void close() {
            synchronized (this) {
                if (socket != null) {
                    socket.abort();
                }
            }
        }

        /** The JDK socket allows one send in flight: sends are chained in order. */
        private synchronized void send(String frame) {
            if (socket == null) {
                return;
            }
            WebSocket ws = socket;
            tail = tail.exceptionally(e -> null).thenCompose(done -> ws.sendText(frame, true));
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closes.incrementAndGet();
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closes.incrementAndGet();
        }
    }
}
