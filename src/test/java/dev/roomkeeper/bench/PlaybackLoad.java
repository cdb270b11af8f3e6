package dev.roomkeeper.bench;

import dev.roomkeeper.testing.Api;
import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.TestTokens;
import dev.roomkeeper.testing.WsClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.io.StringReader;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Playback sync under a host's commands (issue 13's benchmark): one node (in-process engine, H2, heap 1 GB), one room
 * with a host and {@code --viewers} viewers (50), and optionally {@code --background} further sockets (0; the issue's
 * run: 15,000 in all) that authenticate, ping every 30 s and, with {@code --background-rooms N}, each follow one of N
 * other rooms (0: they follow none). Once every socket is ready the host sends {@code --commands} commands (500; seek
 * and rate, alternating) at {@code --rate} per second (20). Measures, per command and viewer, the time from the host's
 * send to the viewer's receipt of its {@code playback.set} (same machine, one clock), and at the end the spread of the
 * positions the viewers compute for one instant from the last timeline and their own measured clock offsets (five
 * pings, smallest RTT).
 * <p>
 * Sockets open at most 100 at a time (a storm of handshakes times out), are told apart by their tokens' room claims
 * (no REST call per socket), and every socket pings every 30 s (the server closes sockets silent for 2 minutes). Other
 * options: {@code --connect-timeout S} (300), {@code --http-clients N} JDK clients sharing the sockets (4),
 * {@code --client-threads N} their callback threads (2), {@code --out DIR} (target/bench). A main class, not a test:
 * <pre>
 * mvn -q package -DskipTests
 * mvn -q -Pbench exec:java -Dbench.main=dev.roomkeeper.bench.PlaybackLoad -Dexec.args="--viewers 50 --background 14949 --background-rooms 300"
 * </pre>
 * Any failure is printed and ends the process with status 1 (exec:java would otherwise wait for the client's threads
 * and say nothing).
 */
public final class PlaybackLoad {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final String LAST = "last";
    private static final int CLOCK_PINGS = 5;

    private final Map<String, String> options;
    private final String stamp = LocalDateTime.now().format(STAMP);
    private final String runId = Long.toString(System.nanoTime() % 1_000_000, 36);
    private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    private final Latency delivery = new Latency();
    private final AtomicLong closes = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final List<String> firstErrors = new ArrayList<>();
    /** sockets opening and not ready yet: bounded, as a storm of handshakes would time out */
    private final Semaphore connecting = new Semaphore(100);

    private PlaybackLoad(Map<String, String> options) {
        this.options = options;
    }

    public static void main(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                System.out.println("options are --name value pairs: " + String.join(" ", args));
                System.exit(2);
            }
            options.put(args[i].substring(2), args[++i]);
        }
        try {
            new PlaybackLoad(options).run();
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

    private static void say(String line) {
        System.out.println(LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_TIME) + " " + line);
    }

    private void run() throws Exception {
        int viewers = option("viewers", 50);
        int commands = option("commands", 500);
        int rate = option("rate", 20);
        int background = option("background", 0);
        int backgroundRooms = option("background-rooms", 0);
        int connectTimeout = option("connect-timeout", 300);
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
        props.put("roomkeeper.db.url", "jdbc:h2:file:" + out.toAbsolutePath().resolve("h2-playback-" + stamp + "/roomkeeper"));
        props.put("roomkeeper.playback.command-rate", "1000");
        props.put("roomkeeper.playback.command-burst", "1000");
        props.put("roomkeeper.ws.rate-per-second", "1000");
        props.put("roomkeeper.ws.rate-burst", "2000");
        List<String> jvm = new ArrayList<>(LoadOptions.DEFAULT_SERVER_JVM);
        jvm.add("-Xlog:gc:file=" + out.toAbsolutePath().resolve("server-gc-playback-" + stamp + ".log"));
        PayaraNode starting = new PayaraNode("bench-playback", props, jvm);
        say("starting Payara Micro with " + String.join(" ", jvm) + " (log: " + starting.log() + ")");
        try (PayaraNode node = start(starting)) {
            ServerProbe probe = new ServerProbe(node.base(), node.pid());
            String admin = TestTokens.forUser("bench-admin").name("Bench admin").admin().expiresIn(Duration.ofHours(2))
                    .hs256(secret);
            Api api = new Api(node.base(), admin);
            String room = createRoom(api, "playback-" + runId);
            String[] otherRooms = new String[backgroundRooms];
            for (int r = 0; r < backgroundRooms; r++) {
                otherRooms[r] = createRoom(api, "playback-" + runId + "-bg-" + r);
            }

            ExecutorService callbacks = Executors.newFixedThreadPool(option("client-threads", 2), daemon("bench-client"));
            HttpClient[] https = new HttpClient[option("http-clients", 4)];
            for (int h = 0; h < https.length; h++) {
                https[h] = HttpClient.newBuilder().executor(callbacks).build();
            }
            List<Client> all = new ArrayList<>();
            List<Client> viewerSockets = new ArrayList<>();
            for (int v = 0; v < viewers; v++) {
                String user = "viewer-" + runId + "-" + v;
                Client viewer = new Client(room, true, token(secret, user, room, "participant"));
                viewerSockets.add(viewer);
                all.add(viewer);
            }
            for (int g = 0; g < background; g++) {
                String user = "bg-" + runId + "-" + g;
                String other = backgroundRooms == 0 ? null : otherRooms[g % backgroundRooms];
                all.add(new Client(other, false, token(secret, user, other, "participant")));
            }
            CountDownLatch ready = new CountDownLatch(all.size());
            ScheduledExecutorService pings = Executors.newSingleThreadScheduledExecutor(daemon("bench-pings"));
            // every socket says something every 30 s, also while the others connect: the server closes silent ones
            pings.scheduleAtFixedRate(() -> all.forEach(Client::keepAlive), 30, 30, TimeUnit.SECONDS);
            long connectBegin = System.nanoTime();
            int opened = 0;
            for (Client client : all) {
                if (!connecting.tryAcquire(connectTimeout, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("sockets do not become ready: " + (all.size() - ready.getCount())
                            + " of " + all.size() + "; first errors: " + errors());
                }
                client.ready = ready;
                https[opened++ % https.length].newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30))
                        .buildAsync(node.ws(), client).whenComplete((socket, error) -> {
                            if (error != null) {
                                failed("connect: " + error);
                                client.settle();
                            }
                        });
                if (opened % 1_000 == 0) {
                    say(opened + " sockets opening or open, " + (all.size() - ready.getCount()) + " ready");
                }
            }
            if (!ready.await(connectTimeout, TimeUnit.SECONDS)) {
                throw new IllegalStateException((all.size() - ready.getCount()) + " of " + all.size() + " sockets ready after "
                        + connectTimeout + " s; first errors: " + errors() + ", closed by the server: " + closes.get());
            }
            long open = all.stream().filter(Client::isReady).count();
            say(open + " of " + all.size() + " sockets ready (" + viewers + " viewers, " + background
                    + " background sockets following " + backgroundRooms + " other rooms) after "
                    + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - connectBegin) + " s");
            if (viewerSockets.stream().anyMatch(c -> !c.isReady())) {
                throw new IllegalStateException("a viewer is not subscribed; first errors: " + errors());
            }

            ServerProbe.Sample before = probe.sample();
            String hostToken = token(secret, "bench-host-" + runId, room, "host");
            try (WsClient host = WsClient.authenticated(node.ws(), hostToken)) {
                JsonObject created = host.send("{\"type\":\"playback.create\",\"id\":\"c\",\"room\":\"" + room
                        + "\",\"mediaUrl\":\"https://cdn.example/film.mp4\",\"title\":\"Bench\"}").reply("c");
                if (!"ack".equals(created.getString("type"))) {
                    throw new IllegalStateException("the host cannot create a stream: " + created);
                }
                String stream = created.getJsonObject("result").getString("stream");
                long pace = TimeUnit.SECONDS.toNanos(1) / rate;
                long next = System.nanoTime();
                for (int i = 0; i < commands; i++) {
                    String eventId = "b-" + i;
                    String type = i % 2 == 0 ? "seek" : "rate";
                    String arg = i % 2 == 0 ? "\"positionMs\":" + (i * 1000) : "\"rate\":" + (i % 4 == 1 ? "1.5" : "1");
                    sentAt.put(eventId, System.nanoTime());
                    host.send("{\"type\":\"playback." + type + "\",\"id\":\"" + eventId + "\",\"room\":\"" + room
                            + "\",\"stream\":\"" + stream + "\",\"eventId\":\"" + eventId + "\"," + arg + "}");
                    next += pace;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait); // the host's pace, not a wait for the server
                    }
                }
                say("commands sent");
                JsonObject last = host.send("{\"type\":\"playback.play\",\"id\":\"" + LAST + "\",\"room\":\"" + room
                        + "\",\"stream\":\"" + stream + "\",\"eventId\":\"" + LAST + "\"}").reply(LAST);
                if (!"ack".equals(last.getString("type"))) {
                    throw new IllegalStateException("the host's last command was refused: " + last);
                }
            }
            ServerProbe.Sample after = probe.sample();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (Client viewer : viewerSockets) {
                while (viewer.last == null && System.nanoTime() < deadline) {
                    TimeUnit.MILLISECONDS.sleep(10); // polling the viewers' state with a deadline
                }
            }
            long withLast = viewerSockets.stream().filter(v -> v.last != null).count();
            viewerSockets.forEach(Client::measureClock);
            for (Client viewer : viewerSockets) {
                if (!viewer.pongs.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("a viewer got no pongs within 30 s");
                }
            }
            long instant = System.currentTimeMillis();
            double min = Double.MAX_VALUE;
            double max = -Double.MAX_VALUE;
            for (Client viewer : viewerSockets) {
                if (viewer.last != null) {
                    double position = viewer.positionAt(instant);
                    min = Math.min(min, position);
                    max = Math.max(max, position);
                }
            }
            long stillOpen = all.stream().filter(Client::isOpen).count();
            var total = delivery.total();
            String summary = "viewers " + viewers + ", background sockets " + background + " (following "
                    + backgroundRooms + " other rooms), commands " + commands + " at " + rate + "/s\n"
                    + "sockets open at the end: " + stillOpen + " of " + all.size() + " (closed by the server: "
                    + closes.get() + ")\n"
                    + "delivery host send -> viewer playback.set (ms): " + Latency.describe(total) + "\n"
                    + "deliveries " + total.getTotalCount() + " of " + (long) viewers * commands + "\n"
                    + "position spread at one instant: " + (withLast == 0 ? "none" : String.format("%.1f", max - min))
                    + " ms over " + withLast + " of " + viewers + " viewers (tolerance 500 ms)\n"
                    + "server during the commands: " + describe(before, after) + "\n"
                    + "first errors: " + errors() + "\n";
            System.out.print(summary);
            Files.writeString(out.resolve("playback-" + stamp + ".txt"), summary);
            all.forEach(Client::close);
        }
    }

    /** CPU, heap, sockets and GC of the server over the commands (-1 where the server did not say). */
    private static String describe(ServerProbe.Sample before, ServerProbe.Sample after) {
        return String.format("CPU %.0f %% of a core, heap %d of %d MiB, RSS %d MiB, %d sockets, %d GCs (%.2f s)",
                after.cpuPercentSince(before), after.heapUsed() >> 20, after.heapMax() >> 20, after.rssKb() >> 10,
                after.sockets(), after.gcCount() - before.gcCount(), after.gcSeconds() - before.gcSeconds());
    }

    /** Starts the node; when it does not become ready, says what its readiness answered before failing. */
    private static PayaraNode start(PayaraNode node) {
        try {
            return node.start();
        } catch (RuntimeException e) {
            try {
                HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        node.base().resolve("/health/ready")).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                say("readiness answered " + ready.statusCode() + ": " + ready.body());
            } catch (Exception probe) {
                say("readiness did not answer: " + probe);
            }
            node.close();
            throw e;
        }
    }

    private static String createRoom(Api api, String slug) throws InterruptedException {
        String body = "{\"title\":\"" + slug + "\",\"slug\":\"" + slug + "\",\"kind\":\"huddle\"}";
        Api.Reply reply = api.post("/api/rooms", body);
        for (int retry = 0; retry < 30 && !reply.isProblem() && (reply.status() == 404 || reply.status() >= 500); retry++) {
            Thread.sleep(1000); // Payara answers its own 404/500 pages until the application is mapped
            reply = api.post("/api/rooms", body);
        }
        if (reply.status() != 201) {
            throw new IllegalStateException("cannot create room " + slug + ": " + reply);
        }
        return slug;
    }

    private static String token(String secret, String user, String room, String role) {
        var claims = TestTokens.forUser(user).name(user).expiresIn(Duration.ofHours(3));
        return (room == null ? claims : claims.room(room, role)).hs256(secret);
    }

    private static ThreadFactory daemon(String name) {
        return task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    private void failed(String what) {
        errors.incrementAndGet();
        synchronized (firstErrors) {
            if (firstErrors.size() < 5) {
                firstErrors.add(what);
            }
        }
    }

    private String errors() {
        synchronized (firstErrors) {
            return errors.get() + " " + firstErrors;
        }
    }

    /**
     * One socket: authenticates (the server answers {@code welcome}), then follows its room if it has one; ready once
     * it follows it (or, without a room, once welcomed). Viewers time the host's commands and measure their clock.
     */
    private final class Client implements WebSocket.Listener {
        final String room;
        final boolean viewer;
        final String token;
        final StringBuilder partial = new StringBuilder();
        final CountDownLatch pongs = new CountDownLatch(CLOCK_PINGS);
        final Map<Integer, Long> pingSent = new ConcurrentHashMap<>();
        volatile CountDownLatch ready;
        volatile boolean isReady;
        volatile boolean closed;
        volatile JsonObject last;
        volatile long bestRtt = Long.MAX_VALUE;
        volatile double offset;
        private boolean settled;
        private WebSocket socket;
        private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);

        Client(String room, boolean viewer, String token) {
            this.room = room;
            this.viewer = viewer;
            this.token = token;
        }

        boolean isReady() {
            return isReady;
        }

        boolean isOpen() {
            return isReady && !closed;
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
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean complete) {
            long at = System.nanoTime();
            partial.append(data);
            if (complete) {
                String frame = partial.toString();
                partial.setLength(0);
                try {
                    received(frame, at);
                } catch (RuntimeException e) {
                    failed("frame " + frame + ": " + e);
                }
            }
            webSocket.request(1);
            return null;
        }

        private void received(String frame, long at) {
            String type = Wire.type(frame);
            if ("event".equals(type)) {
                if (viewer && "playback.set".equals(Wire.eventType(frame))) {
                    String eventId = Wire.string(frame, "eventId", 0);
                    Long sent = eventId == null ? null : sentAt.get(eventId);
                    if (sent != null) {
                        delivery.recordNanos(at - sent);
                    }
                    if (LAST.equals(eventId)) {
                        try (var reader = Json.createReader(new StringReader(frame))) {
                            last = reader.readObject().getJsonObject("event").getJsonObject("data").getJsonObject("value");
                        }
                    }
                }
            } else if ("welcome".equals(type)) {
                if (room == null) {
                    becameReady();
                } else {
                    send("{\"type\":\"subscribe\",\"id\":\"s\",\"room\":\"" + room + "\"}");
                }
            } else if ("ack".equals(type) || "subscribed".equals(type)) {
                if ("s".equals(Wire.string(frame, "id", 0))) {
                    becameReady();
                }
            } else if ("pong".equals(type)) {
                clock(frame);
            } else if ("error".equals(type)) {
                failed(frame);
                if ("a".equals(Wire.string(frame, "id", 0)) || "s".equals(Wire.string(frame, "id", 0))) {
                    settle(); // refused: it will never be ready
                }
            }
        }

        private void clock(String frame) {
            long t1 = System.currentTimeMillis();
            String id = Wire.string(frame, "id", 0);
            Long t0 = id == null || !id.startsWith("t") ? null : pingSent.get(Integer.parseInt(id.substring(1)));
            if (t0 != null) {
                long server = Wire.number(frame, "time", 0);
                if (t1 - t0 < bestRtt) {
                    bestRtt = t1 - t0;
                    offset = server - (t0 + t1) / 2.0;
                }
                pongs.countDown();
            }
        }

        private void becameReady() {
            isReady = true;
            settle();
        }

        /** Once: counts this socket as done connecting (ready or failed) and lets the next one open. */
        synchronized void settle() {
            if (!settled) {
                settled = true;
                ready.countDown();
                connecting.release();
            }
        }

        void keepAlive() {
            send("{\"type\":\"ping\",\"id\":\"k\"}");
        }

        /** Five pings, one after the other's send; the pong with the smallest round trip gives the offset. */
        void measureClock() {
            for (int k = 0; k < CLOCK_PINGS; k++) {
                long t0 = System.currentTimeMillis();
                pingSent.put(k, t0);
                send("{\"type\":\"ping\",\"id\":\"t" + k + "\",\"clientTime\":" + t0 + "}");
            }
        }

        double positionAt(long clientMs) {
            JsonObject t = last;
            double now = clientMs + offset;
            double position = t.getJsonNumber("positionMs").doubleValue();
            return t.getBoolean("playing")
                    ? position + t.getJsonNumber("rate").doubleValue() * (now - t.getJsonNumber("at").longValue())
                    : position;
        }

        /** The JDK socket allows one send in flight: sends are chained in order. */
        private synchronized void send(String frame) {
            if (socket == null || closed) {
                return;
            }
            WebSocket ws = socket;
            tail = tail.exceptionally(e -> null).thenCompose(done -> ws.sendText(frame, true));
        }

        synchronized void close() {
            closed = true;
            if (socket != null) {
                socket.abort();
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            if (!closed) {
                closed = true;
                closes.incrementAndGet();
                failed("closed " + statusCode + " " + reason);
            }
            settle();
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            if (!closed) {
                closed = true;
                closes.incrementAndGet();
                failed("socket error: " + error);
            }
            settle();
        }
    }
}
