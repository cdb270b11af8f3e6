package dev.roomkeeper.participants.boundary;

import dev.roomkeeper.testing.Fixtures;
import dev.roomkeeper.testing.LiveKitDeliveries;
import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.Servers;
import jakarta.json.JsonObject;
import livekit.LivekitModels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Experiment: what a node answers webhook deliveries with while it stops under load. */
class WebhookShutdownIT {

    private PayaraNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void whatAStoppingNodeAnswers() throws Exception {
        Map<String, String> props = Servers.clusterSettings();
        props.put("roomkeeper.livekit.keys", Servers.LIVEKIT_KEY + ":" + Servers.LIVEKIT_SECRET);
        props.put("roomkeeper.livekit.rate-limit", "100000");
        node = new PayaraNode("shutdown", props).start();
        Fixtures fx = new Fixtures(node);
        JsonObject created = fx.room();
        LivekitModels.Room room = LiveKitDeliveries.room(created.getString("slug") + "-Stage", "RM_s");

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> samples = new ConcurrentLinkedQueue<>();
        Map<String, AtomicInteger> sampled = new ConcurrentHashMap<>();
        Semaphore inFlight = new Semaphore(200);
        AtomicBoolean stopping = new AtomicBoolean();
        AtomicLong ok = new AtomicLong();
        AtomicInteger refusedConnections = new AtomicInteger();
        long seq = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        Thread stopper = null;
        while (refusedConnections.get() < 50 && System.nanoTime() < deadline) {
            inFlight.acquire();
            long n = seq++;
            long now = System.currentTimeMillis() / 1000;
            LiveKitDeliveries.Delivery d = LiveKitDeliveries.signed(LiveKitDeliveries.event("participant_joined",
                    "EV_s" + n, now, room).setParticipant(LiveKitDeliveries.participant("PA_s" + n, "u" + n, 1, now,
                    List.of())).build(), Servers.LIVEKIT_KEY, Servers.LIVEKIT_SECRET);
            String phase = stopping.get() ? "stopping" : "running";
            CompletableFuture<HttpResponse<String>> f = http.sendAsync(HttpRequest.newBuilder(node.base()
                            .resolve("/api/livekit/webhook")).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/webhook+json").header("Authorization", d.authorization())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(d.body())).build(), HttpResponse.BodyHandlers.ofString());
            f.whenComplete((r, e) -> {
                inFlight.release();
                String key;
                if (e != null) {
                    Throwable cause = e.getCause() == null ? e : e.getCause();
                    key = phase + " " + cause.getClass().getSimpleName();
                    if (cause instanceof java.net.ConnectException) {
                        refusedConnections.incrementAndGet();
                    }
                } else {
                    String type = r.headers().firstValue("Content-Type").orElse("-");
                    key = phase + " " + r.statusCode() + " " + type;
                    if (r.statusCode() == 200) {
                        ok.incrementAndGet();
                    } else if (sampled.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet() <= 2) {
                        samples.add(key + " headers " + r.headers().map() + " body "
                                + r.body().replaceAll("<style.*</style>", "").substring(0, Math.min(1500, r.body().length())));
                    }
                }
                answers.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            });
            if (stopper == null && ok.get() >= 2000) {
                stopping.set(true);
                stopper = new Thread(node::close);
                stopper.start();
            }
        }
        inFlight.acquire(200);
        System.out.println("ANSWERS " + new TreeMap<>(answers));
        samples.forEach(s -> System.out.println("SAMPLE " + s));
    }
}
