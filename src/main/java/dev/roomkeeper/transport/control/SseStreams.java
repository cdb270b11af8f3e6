package dev.roomkeeper.transport.control;

import dev.roomkeeper.auth.control.TokenVerifier;
import dev.roomkeeper.platform.control.Job;
import dev.roomkeeper.platform.control.Jobs;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.rooms.entity.AccessChange;
import dev.roomkeeper.stream.control.Hub;
import dev.roomkeeper.stream.control.RoomSubscription;
import dev.roomkeeper.stream.entity.Replay;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.spi.JsonProvider;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * This node's open SSE streams: subscribes them to the hub, keeps idle ones alive (the job
 * {@code sse-keep-alive}, every {@code roomkeeper.sse.keep-alive}) and ends those whose token expired (the job
 * {@code sse-sweep}, every second).
 */
@ApplicationScoped
public class SseStreams {
    /** Looked up once: {@code Json.create*} asks the ServiceLoader on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();


    @Inject
    Hub hub;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    Meters metrics;

    @Inject
    Jobs jobs;

    /** Whose deadline for a token is the one authentication uses: {@code exp} plus the clock skew. */
    @Inject
    TokenVerifier tokens;

    @Inject
    @ConfigProperty(name = "roomkeeper.sse.keep-alive", defaultValue = "PT15S")
    Duration keepAlive;

    @Inject
    @ConfigProperty(name = "roomkeeper.sse.send-queue-limit", defaultValue = "4096")
    int queueLimit;

    private final Set<SseConnection> open = ConcurrentHashMap.newKeySet();
    private ScheduledFuture<?> keepAliveTask;
    private ScheduledFuture<?> expiryTask;

    @PostConstruct
    void init() {
        metrics.gauge("roomkeeper.sse.connections", open, Set::size);
        long period = Math.max(1000, keepAlive.toMillis());
        // through Job.run, which never throws: a task that threw once would never run again
        Job keepAlives = jobs.register("sse-keep-alive", Duration.ofMillis(period));
        Job sweep = jobs.register("sse-sweep", Duration.ofSeconds(1));
        keepAliveTask = scheduler.scheduleAtFixedRate(() -> keepAlives.run(() -> open.forEach(SseConnection::keepAlive)),
                period, period, TimeUnit.MILLISECONDS);
        expiryTask = scheduler.scheduleAtFixedRate(() -> sweep.run(this::endExpired), 1, 1, TimeUnit.SECONDS);
    }

    /** Starts with the application, so its jobs run (and show in liveness) before the first stream. */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        // touching the bean runs @PostConstruct
        open.size();
    }

    /**
     * Once a second: streams whose token expired ({@code exp} plus the clock skew, as at authentication) get
     * {@code token-expired} and end, as sockets close with 4401.
     */
    void endExpired() {
        Instant now = Instant.now();
        for (SseConnection connection : open) {
            if (connection.expired(now)) {
                connection.tokenExpired();
            }
        }
    }

    @PreDestroy
    void stop() {
        if (keepAliveTask != null) {
            keepAliveTask.cancel(false);
        }
        if (expiryTask != null) {
            expiryTask.cancel(false);
        }
        open.forEach(SseConnection::close);
    }

    /**
     * Opens a stream of {@code roomId}: a {@code subscribed} event, replayed events after {@code since}
     * (or a {@code snapshot-required} event when they cannot be replayed), then live events.
     */
    public void open(String roomId, String slug, String userId, Instant tokenExpiresAt, Long since, String epoch,
                     SseEventSink sink, Sse sse) {
        SseConnection connection = new SseConnection(sink, sse, queueLimit, this::closed);
        connection.owner(roomId, userId, tokens.validUntil(tokenExpiresAt));
        open.add(connection);
        RoomSubscription subscription = hub.subscribe(roomId, connection, since, epoch, replay -> announce(connection, roomId, slug, since, replay));
        connection.subscription(subscription);
        if (sink.isClosed()) {
            connection.close();
        }
    }

    private static void announce(SseConnection connection, String roomId, String slug, Long since, Replay replay) {
        connection.epoch(replay.epoch());
        String json = JSON.createObjectBuilder()
                .add("room", roomId)
                .add("slug", slug)
                .add("epoch", replay.epoch())
                .add("seq", replay.seq())
                .add("recovered", replay.recovered())
                .add("snapshotRequired", !replay.recovered())
                .add("replayed", replay.events().size())
                .add("time", System.currentTimeMillis())
                .build().toString();
        connection.enqueue(connection.control("subscribed", json));
        if (since != null && !replay.recovered()) {
            connection.enqueue(connection.control("snapshot-required", json));
        }
    }

    /**
     * A removed member's streams of the room end, and every stream of a closed room, right after the event that
     * announces it (which is sent first).
     */
    void onAccessChange(@Observes AccessChange change) {
        if (!change.revokes()) {
            return;
        }
        for (RoomSubscription subscription : hub.subscriptionsOf(change.roomId())) {
            if (subscription.sink() instanceof SseConnection connection && change.concerns(connection.userId())) {
                subscription.endAfter(change.seq(), connection::closeAfterSends);
            }
        }
    }

    private void closed(SseConnection connection) {
        open.remove(connection);
        RoomSubscription subscription = connection.subscription();
        if (subscription != null) {
            hub.unsubscribe(subscription);
        }
    }

    public int connections() {
        return open.size();
    }
}
