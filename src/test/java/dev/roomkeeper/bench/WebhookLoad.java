package dev.roomkeeper.bench;

import dev.roomkeeper.testing.Api;
import dev.roomkeeper.testing.LiveKitDeliveries;
import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.Servers;
import dev.roomkeeper.testing.TestTokens;
import livekit.LivekitModels;
import org.HdrHistogram.Histogram;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The LiveKit webhook ingest load (issue 14): signed deliveries ({@code participant_joined}, then
 * {@code track_published} updates of the same sessions) posted at a fixed rate to one node, and one WebSocket
 * subscriber of the room timing each {@code participants.*} event from the moment its delivery was sent (the
 * participant's metadata carries {@link System#nanoTime()}). Prints endpoint p50/p99 and webhook → subscriber p50/p99,
 * and writes the summary to {@code target/bench/webhooks-<time>.txt}.
 * <pre>
 * mvn -q package -DskipTests
 * mvn -q -Pbench exec:java -Dbench.main=dev.roomkeeper.bench.WebhookLoad -Dexec.args="--rate 1000"
 * </pre>
 * Options: {@code --rate N} deliveries/s (1000), {@code --warmup S} (20), {@code --duration S} (30),
 * {@code --engine redis} (the Redis engine on a redis-server started from Maven's binary; default the in-process
 * engine), {@code --redis-port P} (the Redis engine on a running Redis), {@code --server-jvm "OPTS"} (the node's JVM
 * options, default {@code -Xms1g -Xmx1g -XX:+UseG1GC}; e.g. add {@code -XX:StartFlightRecording=filename=...} to
 * profile it), {@code --out DIR}.
 */
public final class WebhookLoad {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final long TICK_MS = 10;
    private static final String KEY = "APIbench";

    private final Map<String, String> options;
    private final String stamp = LocalDateTime.now().format(STAMP);
    private final Latency endpoint = new Latency();
    private final Latency pushed = new Latency();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong received = new AtomicLong();

    private WebhookLoad(Map<String, String> options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int status = 0;
        try {
            new WebhookLoad(options).run();
        } catch (Exception e) {
            e.printStackTrace();
            status = 1;
        }
        System.exit(status); // the HTTP client's threads would keep the JVM alive
    }

    private int option(String name, int fallback) {
        String value = options.get(name);
        return value == null ? fallback : Integer.parseInt(value);
    }

    private void run() throws Exception {
        int rate = option("rate", 1000);
        Duration warmup = Duration.ofSeconds(option("warmup", 20));
        Duration window = Duration.ofSeconds(option("duration", 30));
        Path out = Path.of(options.getOrDefault("out", "target/bench"));
        Files.createDirectories(out);
        if (System.getProperty("it.workdir") == null) {
            System.setProperty("it.workdir", out.toString());
        }
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        String secret = HexFormat.of().formatHex(raw);
        String livekitSecret = HexFormat.of().formatHex(raw).substring(0, 40) + "lk";
        Map<String, String> props = new HashMap<>();
        props.put("roomkeeper.auth.hs256-secret", secret);
        props.put("roomkeeper.livekit.keys", KEY + ":" + livekitSecret);
        props.put("roomkeeper.livekit.rate-limit", "100000");
        props.put("roomkeeper.db.url", "jdbc:h2:file:" + out.toAbsolutePath().resolve("h2-webhooks-" + stamp + "/roomkeeper"));
        String redisPort = options.get("redis-port");
        if (redisPort == null && "redis".equals(options.get("engine"))) {
            redisPort = String.valueOf(Servers.redisPort()); // a real redis-server from Maven, as the tests use
        }
        if (redisPort != null) {
            props.put("roomkeeper.engine.type", "redis");
            props.put("roomkeeper.redis.host", "127.0.0.1");
            props.put("roomkeeper.redis.port", redisPort);
        } else {
            props.put("roomkeeper.engine.type", "memory");
        }
        String jvmOption = options.get("server-jvm");
        List<String> serverJvm = jvmOption == null ? LoadOptions.DEFAULT_SERVER_JVM : List.of(jvmOption.trim().split("\\s+"));
        try (PayaraNode node = new PayaraNode("bench-webhooks", props, serverJvm).start()) {
            String admin = TestTokens.forUser("bench-admin").name("Bench admin").admin().expiresIn(Duration.ofHours(2)).hs256(secret);
            Api api = new Api(node.base(), admin);
            String slug = "hooks-" + Long.toString(System.nanoTime() % 1_000_000, 36);
            Api.Reply reply = api.post("/api/rooms", "{\"title\":\"Webhooks\",\"slug\":\"" + slug + "\",\"kind\":\"huddle\"}");
            for (int retry = 0; retry < 30 && reply.status() != 201; retry++) {
                Thread.sleep(1000); // Payara answers its own 404/500 pages until the application is mapped
                reply = api.post("/api/rooms", "{\"title\":\"Webhooks\",\"slug\":\"" + slug + "\",\"kind\":\"huddle\"}");
            }
            api.post("/api/rooms/" + slug + "/members", "{\"userId\":\"bench-observer\",\"role\":\"observer\"}");
            String observerToken = TestTokens.forUser("bench-observer").name("Observer").expiresIn(Duration.ofHours(2))
                    .hs256(secret);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1) // no h2c upgrade: Grizzly answers GOAWAY
                    .executor(Executors.newFixedThreadPool(4)).build();
            CountDownLatch ready = new CountDownLatch(1);
            Observer observer = new Observer(slug, ready, observerToken);
            http.newWebSocketBuilder().buildAsync(node.ws(), observer).join();
            if (!ready.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the observer did not subscribe");
            }
            LivekitModels.Room room = LiveKitDeliveries.room(slug + "-Stage", "RM_bench");
            ScheduledExecutorService timers = Executors.newScheduledThreadPool(1);
            double perTick = rate * TICK_MS / 1000.0;
            double[] owed = {0};
            long[] n = {0};
            timers.scheduleAtFixedRate(() -> {
                owed[0] += perTick;
                while (owed[0] >= 1) {
                    owed[0]--;
                    long i = n[0]++;
                    // 1,000 sessions, each joined then updated with ever newer versions
                    String sid = "PA_" + (i % 1000);
                    int version = (int) (i / 1000) + 1;
                    long now = System.nanoTime();
                    var info = LivekitModels.ParticipantInfo.newBuilder().setSid(sid).setIdentity("u" + (i % 1000))
                            .setVersion(version).setMetadata(Long.toString(now))
                            .addTracks(LiveKitDeliveries.track("TR_" + sid + "_" + version, LivekitModels.TrackType.AUDIO,
                                    version % 2 == 0)).build();
                    var event = LiveKitDeliveries.event(version == 1 ? "participant_joined" : "track_published",
                            "EV_b" + i, System.currentTimeMillis() / 1000, room).setParticipant(info).build();
                    LiveKitDeliveries.Delivery delivery = LiveKitDeliveries.signed(event, KEY, livekitSecret);
                    long start = System.nanoTime();
                    sent.incrementAndGet();
                    http.sendAsync(HttpRequest.newBuilder(node.base().resolve("/api/livekit/webhook"))
                                    .header("Authorization", delivery.authorization())
                                    .header("Content-Type", "application/webhook+json")
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(delivery.body())).build(),
                            HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
                        if (e == null && r.statusCode() == 200) {
                            endpoint.recordNanos(System.nanoTime() - start);
                            answered.incrementAndGet();
                        } else if (failed.incrementAndGet() <= 3) {
                            System.out.println("delivery failed: " + (e != null ? e : r.statusCode() + " " + r.body()));
                        }
                    });
                }
            }, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
            Thread.sleep(warmup.toMillis()); // the warm-up is a stretch of load, not a wait for a condition
            endpoint.restart();
            pushed.restart();
            long sentBefore = sent.get();
            long receivedBefore = received.get();
            Thread.sleep(window.toMillis());
            long sentInWindow = sent.get() - sentBefore;
            timers.shutdownNow();
            Thread.sleep(2000); // the drain: answers and events of the window's last deliveries
            Histogram ingest = endpoint.total();
            Histogram push = pushed.total();
            double seconds = window.toMillis() / 1000.0;
            String summary = String.join("\n",
                    "Roomkeeper LiveKit webhook ingest, " + stamp + ", engine " + (redisPort != null ? "redis" : "memory"),
                    String.format(Locale.ROOT, "machine: %d cores; %d deliveries/s asked, %.0f/s sent in the %.0f-s window after %d s of warm-up",
                            Runtime.getRuntime().availableProcessors(), rate, sentInWindow / seconds, seconds, warmup.toSeconds()),
                    "endpoint (send -> 200): " + Latency.describe(ingest),
                    "webhook -> subscriber (participants.*): " + Latency.describe(push) + ", "
                            + (received.get() - receivedBefore) + " events",
                    "failed deliveries (not 200): " + failed.get(),
                    "");
            System.out.println(summary);
            Files.writeString(out.resolve("webhooks-" + stamp + ".txt"), summary);
        }
    }

    /** The room's one subscriber: times each participants.* event by the nanoTime its participant's metadata holds. */
    private final class Observer implements WebSocket.Listener {
        private final String room;
        private final CountDownLatch ready;
        private final StringBuilder partial = new StringBuilder();

        private final String token;

        Observer(String room, CountDownLatch ready, String token) {
            this.room = room;
            this.ready = ready;
            this.token = token;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.sendText(Wire.auth("a", token), true);
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            long at = System.nanoTime();
            partial.append(data);
            if (last) {
                String frame = partial.toString();
                partial.setLength(0);
                String type = Wire.type(frame);
                if ("welcome".equals(type)) {
                    webSocket.sendText("{\"type\":\"subscribe\",\"id\":\"s\",\"room\":\"" + room + "\"}", true);
                } else if ("ack".equals(type) && "s".equals(Wire.string(frame, "id", 0))) {
                    ready.countDown();
                } else if ("error".equals(type)) {
                    System.out.println("observer got " + frame);
                } else if ("event".equals(type) && String.valueOf(Wire.eventType(frame)).startsWith("participants.")) {
                    String stamp = Wire.string(frame, "metadata", 0);
                    if (stamp != null && !stamp.isEmpty()) {
                        pushed.recordNanos(at - Long.parseLong(stamp));
                        received.incrementAndGet();
                    }
                }
            }
            webSocket.request(1);
            return null;
        }
    }

}
