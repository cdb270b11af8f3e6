package dev.roomkeeper.bench;

import dev.roomkeeper.testing.Api;
import dev.roomkeeper.testing.Fixtures;
import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.Servers;
import dev.roomkeeper.testing.WsClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Playback sync under a host's commands (issue 13's benchmark, small): one node (in-process engine, H2), one room with
 * a host and {@code --viewers} viewers (50), the host sending {@code --commands} commands (500) at {@code --rate} per
 * second (20). Measures, per command and viewer, the time from the host's send to the viewer's receipt of its
 * {@code playback.set} (same machine, one clock), and at the end the spread of the positions the viewers compute for
 * one instant from the timeline and their own measured clock offsets (five pings, smallest RTT). A main class, not a
 * test: {@code mvn -q package -DskipTests && mvn -q -Pbench exec:java -Dbench.main=dev.roomkeeper.bench.PlaybackLoad
 * -Dexec.args="--viewers 50 --commands 500 --rate 20"}.
 */
public final class PlaybackLoad {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    private final Histogram delivery = new Histogram(TimeUnit.SECONDS.toMicros(10), 3);

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].substring(2), args[i + 1]);
        }
        new PlaybackLoad().run(Integer.parseInt(options.getOrDefault("viewers", "50")),
                Integer.parseInt(options.getOrDefault("commands", "500")),
                Integer.parseInt(options.getOrDefault("rate", "20")), Path.of(options.getOrDefault("out", "target/bench")));
        System.exit(0);
    }

    private void run(int viewers, int commands, int rate, Path out) throws Exception {
        Files.createDirectories(out);
        if (System.getProperty("it.workdir") == null) {
            System.setProperty("it.workdir", out.toString());
        }
        String stamp = LocalDateTime.now().format(STAMP);
        Map<String, String> props = new HashMap<>();
        props.put("roomkeeper.auth.hs256-secret", Servers.SECRET);
        props.put("roomkeeper.engine.type", "memory");
        props.put("roomkeeper.db.url", "jdbc:h2:file:" + out.toAbsolutePath().resolve("h2-playback-" + stamp + "/roomkeeper"));
        props.put("roomkeeper.playback.command-rate", "1000");
        props.put("roomkeeper.playback.command-burst", "1000");
        props.put("roomkeeper.ws.rate-per-second", "1000");
        props.put("roomkeeper.ws.rate-burst", "2000");
        try (PayaraNode node = new PayaraNode("bench-playback", props, LoadOptions.DEFAULT_SERVER_JVM).start()) {
            Fixtures fx = new Fixtures(node);
            String room = fx.room().getString("id");
            String host = "bench-host";
            fx.member(room, host, "host");
            HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(2)).build();
            List<Viewer> all = new ArrayList<>();
            for (int v = 0; v < viewers; v++) {
                String user = "viewer-" + v;
                fx.member(room, user, "participant");
                Viewer viewer = new Viewer(room);
                viewer.socket = http.newWebSocketBuilder().buildAsync(node.ws(), viewer).join();
                viewer.socket.sendText(Wire.auth("a", Fixtures.token(user)), true).join();
                all.add(viewer);
            }
            System.out.println("viewers connected: " + all.size());
            for (Viewer viewer : all) {
                if (!viewer.subscribed.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("a viewer did not subscribe within 30 s");
                }
            }
            System.out.println("viewers subscribed");
            try (WsClient hostSocket = fx.socket(host)) {
                JsonObject created = hostSocket.send("{\"type\":\"playback.create\",\"id\":\"c\",\"room\":\"" + room
                        + "\",\"mediaUrl\":\"https://cdn.example/film.mp4\",\"title\":\"Bench\"}").reply("c");
                String stream = created.getJsonObject("result").getString("stream");
                long pace = TimeUnit.SECONDS.toNanos(1) / rate;
                long next = System.nanoTime();
                for (int i = 0; i < commands; i++) {
                    String eventId = "b-" + i;
                    String type = i % 2 == 0 ? "seek" : "rate";
                    String arg = i % 2 == 0 ? "\"positionMs\":" + (i * 1000) : "\"rate\":" + (i % 4 == 1 ? "1.5" : "1");
                    sentAt.put(eventId, System.nanoTime());
                    hostSocket.send("{\"type\":\"playback." + type + "\",\"id\":\"" + eventId + "\",\"room\":\"" + room
                            + "\",\"stream\":\"" + stream + "\",\"eventId\":\"" + eventId + "\"," + arg + "}");
                    next += pace;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait); // the host's pace, not a wait for the server
                    }
                }
                System.out.println("commands sent");
                hostSocket.send("{\"type\":\"playback.play\",\"id\":\"last\",\"room\":\"" + room + "\",\"stream\":\""
                        + stream + "\",\"eventId\":\"last\"}").reply("last");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                for (Viewer viewer : all) {
                    while (viewer.last == null && System.nanoTime() < deadline) {
                        TimeUnit.MILLISECONDS.sleep(10); // polling the viewers' state with a deadline
                    }
                    for (int k = 0; k < 5; k++) {
                        viewer.ping(k);
                    }
                }
                for (Viewer viewer : all) {
                    if (!viewer.pongs.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("a viewer got no pongs within 30 s");
                    }
                }
                System.out.println("clocks measured");
                long instant = System.currentTimeMillis();
                double min = Double.MAX_VALUE;
                double max = -Double.MAX_VALUE;
                for (Viewer viewer : all) {
                    double position = viewer.positionAt(instant);
                    min = Math.min(min, position);
                    max = Math.max(max, position);
                }
                String summary = "viewers " + viewers + ", commands " + commands + " at " + rate + "/s\n"
                        + "delivery host send -> viewer playback.set (ms): " + Latency.describe(delivery) + "\n"
                        + "deliveries " + delivery.getTotalCount() + " of " + (long) viewers * commands + "\n"
                        + "position spread at one instant: " + String.format("%.1f", max - min) + " ms\n";
                System.out.print(summary);
                Files.writeString(out.resolve("playback-" + stamp + ".txt"), summary);
            }
        }
    }

    private final class Viewer implements WebSocket.Listener {
        final String room;
        final StringBuilder partial = new StringBuilder();
        final CountDownLatch subscribed = new CountDownLatch(1);
        final CountDownLatch pongs = new CountDownLatch(5);
        final Map<Integer, Long> pingSent = new ConcurrentHashMap<>();
        volatile WebSocket socket;
        volatile JsonObject last;
        volatile long bestRtt = Long.MAX_VALUE;
        volatile double offset;

        Viewer(String room) {
            this.room = room;
        }

        void ping(int k) {
            long t0 = System.currentTimeMillis();
            pingSent.put(k, t0);
            synchronized (this) {
                socket.sendText("{\"type\":\"ping\",\"id\":\"t" + k + "\",\"clientTime\":" + t0 + "}", true).join();
            }
        }

        double positionAt(long clientMs) {
            JsonObject t = last;
            double now = clientMs + offset;
            double position = t.getJsonNumber("positionMs").doubleValue();
            return t.getBoolean("playing") ? position + t.getJsonNumber("rate").doubleValue() * (now - t.getJsonNumber("at").longValue())
                    : position;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            System.out.println("viewer socket error: " + error);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean complete) {
            long at = System.nanoTime();
            partial.append(data);
            if (complete) {
                String frame = partial.toString();
                partial.setLength(0);
                received(webSocket, frame, at);
            }
            webSocket.request(1);
            return null;
        }

        private void received(WebSocket webSocket, String frame, long at) {
            String type = Wire.type(frame);
            if ("event".equals(type) && "playback.set".equals(Wire.eventType(frame))) {
                String eventId = Wire.string(frame, "eventId", 0);
                Long sent = eventId == null ? null : sentAt.get(eventId);
                if (sent != null) {
                    synchronized (delivery) {
                        delivery.recordValue(Math.max(0, (at - sent) / 1_000));
                    }
                }
                if ("last".equals(eventId)) {
                    try (var reader = Json.createReader(new StringReader(frame))) {
                        last = reader.readObject().getJsonObject("event").getJsonObject("data").getJsonObject("value");
                    }
                }
            } else if ("welcome".equals(type)) {
                synchronized (this) {
                    webSocket.sendText("{\"type\":\"subscribe\",\"id\":\"s\",\"room\":\"" + room + "\"}", true);
                }
            } else if ("ack".equals(type) && "s".equals(Wire.string(frame, "id", 0))) {
                subscribed.countDown();
            } else if ("pong".equals(type)) {
                long t1 = System.currentTimeMillis();
                String id = Wire.string(frame, "id", 0);
                Long t0 = id == null ? null : pingSent.get(Integer.parseInt(id.substring(1)));
                if (t0 != null) {
                    long server = Wire.number(frame, "time", 0);
                    if (t1 - t0 < bestRtt) {
                        bestRtt = t1 - t0;
                        offset = server - (t0 + t1) / 2.0;
                    }
                    pongs.countDown();
                }
            }
        }
    }
}
