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
 * Options (all optional): {@code --rooms N} (20), {@code --observers N} per room (50), {@code --writers N} per
 * room (5), {@code --write-rate N} writes/s across the node (1000), {@code --warmup S} (30), {@code --duration S}
 * (30), {@code --out DIR} (target/bench). The server is started by the harness (Payara Micro, in-process engine,
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
    private final List<String> firstErrors = new ArrayList<>();

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
        new RoomStateLoad(options).run();
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
            HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(2)).build();
            List<Client> observers = new ArrayList<>();
            List<Client> writers = new ArrayList<>();
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
            }
            List<Client> all = new ArrayList<>(observers);
            all.addAll(writers);
            CountDownLatch ready = new CountDownLatch(all.size());
            for (Client client : all) {
                client.ready = ready;
                http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30)).buildAsync(node.ws(), client);
            }
            if (!ready.await(300, TimeUnit.SECONDS)) {
                throw new IllegalStateException((all.size() - ready.getCount()) + " of " + all.size() + " sockets ready after 300 s");
            }
            say(all.size() + " sockets ready: " + observers.size() + " observers and " + writers.size() + " writers in "
                    + rooms + " rooms");

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
            timers.scheduleAtFixedRate(() -> all.forEach(Client::ping), 20, 20, TimeUnit.SECONDS);

            Thread.sleep(warmup.toMillis()); // the warm-up is a stretch of load, not a wait for a condition
            delivery.restart();
            long deliveredBefore = delivered.get();
            long writtenBefore = written.get();
            ServerProbe.Sample before = probe.sample();
            Thread.sleep(window.toMillis());
            long writes = written.get() - writtenBefore;
            Thread.sleep(3000); // the drain: deliveries of the window's last writes
            ServerProbe.Sample after = probe.sample();
            long deliveries = delivered.get() - deliveredBefore;
            timers.shutdownNow();
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
                    "writes acknowledged " + acked.get() + ", refused " + refused.get() + ", sockets closed by the server "
                            + closes.get() + (firstErrors.isEmpty() ? "" : "; first errors: " + firstErrors),
                    "");
            System.out.println(summary);
            Path file = out.resolve("roomstate-" + stamp + ".txt");
            Files.writeString(file, summary);
            say("summary written to " + file);
            all.forEach(Client::close);
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
            String type = Wire.type(frame);
            if ("event".equals(type)) {
                if ("state.set".equals(Wire.eventType(frame))) {
                    int value = frame.indexOf("\"value\":{\"t\":");
                    if (value >= 0) {
                        delivery.recordNanos(at - Wire.number(frame, "t", value));
                        delivered.incrementAndGet();
                    }
                }
            } else if ("ack".equals(type)) {
                String id = Wire.string(frame, "id", 0);
                if ("a".equals(id)) {
                    if (observer) {
                        send("{\"type\":\"subscribe\",\"id\":\"s\",\"room\":\"" + room + "\"}");
                    } else {
                        ready.countDown();
                    }
                } else if ("s".equals(id)) {
                    ready.countDown();
                } else if (id != null && id.startsWith("w")) {
                    acked.incrementAndGet();
                }
            } else if ("error".equals(type)) {
                refused.incrementAndGet();
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
