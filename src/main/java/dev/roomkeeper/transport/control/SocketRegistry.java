package dev.roomkeeper.transport.control;

import dev.roomkeeper.auth.control.TokenVerifier;
import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.platform.control.Job;
import dev.roomkeeper.platform.control.Jobs;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.transport.entity.CloseCodes;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import dev.roomkeeper.transport.entity.SocketClosed;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This node's open WebSockets, and the one sweep (the job {@code socket-sweep}, every second) that enforces
 * their timeouts: instead of timers per socket or per frame, it closes sockets that went over the frame rate
 * (1008), did not authenticate in time (4401), whose token expired (4401, at {@code exp} plus
 * {@code roomkeeper.auth.clock-skew}, the deadline authentication applies) or that sent nothing for the idle
 * timeout (1001). Also the node's budget for bytes waiting in send queues, and closing every socket when the
 * application stops (1001).
 */
@ApplicationScoped
public class SocketRegistry {

    private static final Logger LOG = Logger.getLogger(SocketRegistry.class.getName());

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    Meters metrics;

    @Inject
    Jobs jobs;

    @Inject
    Event<SocketClosed> closedSockets;

    /** Whose deadline for a token is the one authentication uses: {@code exp} plus the clock skew. */
    @Inject
    TokenVerifier tokens;

    @Inject
    @ConfigProperty(name = "roomkeeper.ws.auth-timeout", defaultValue = "PT10S")
    Duration authTimeout;

    @Inject
    @ConfigProperty(name = "roomkeeper.ws.idle-timeout", defaultValue = "PT2M")
    Duration idleTimeout;

    @Inject
    @ConfigProperty(name = "roomkeeper.ws.send-queue-bytes", defaultValue = "1048576")
    long sendQueueBytes;

    /** Unset: a quarter of the maximum heap. */
    @Inject
    @ConfigProperty(name = "roomkeeper.ws.send-queue-total-bytes")
    Optional<Long> sendQueueTotalBytes;

    Clock clock = Clock.systemUTC();

    private final Set<SocketConnection> connections = ConcurrentHashMap.newKeySet();
    private SendBudget sendBudget;
    private ScheduledFuture<?> sweeper;

    /** Starts with the application, so the socket sweep runs (and shows in liveness) before the first socket. */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        // observing creates the bean, which runs @PostConstruct
    }

    @PostConstruct
    void init() {
        sendBudget = new SendBudget(sendQueueBytes, sendQueueTotalBytes.orElse(Runtime.getRuntime().maxMemory() / 4));
        metrics.gauge("roomkeeper.ws.connections", connections, Set::size);
        metrics.gauge("roomkeeper.ws.send.queue.bytes", sendBudget, SendBudget::used);
        // through a job: an exception cannot end the task for good, and turns never overlap
        Job sweep = jobs.register("socket-sweep", Duration.ofSeconds(1));
        sweeper = scheduler.scheduleAtFixedRate(() -> sweep.run(this::sweep), 1, 1, TimeUnit.SECONDS);
    }

    /** The bytes waiting frames may hold, per socket and over the node. */
    SendBudget sendBudget() {
        return sendBudget;
    }

    void add(SocketConnection connection) {
        connections.add(connection);
    }

    void remove(SocketConnection connection) {
        connections.remove(connection);
    }

    /** How many sockets this node holds. */
    public int size() {
        return connections.size();
    }

    /** The idle timeout the welcome announces. */
    Duration idleTimeout() {
        return idleTimeout;
    }

    void sweep() {
        long now = System.nanoTime();
        long authLimit = authTimeout.toNanos();
        long idleLimit = idleTimeout.isZero() ? Long.MAX_VALUE : idleTimeout.toNanos();
        Instant wallNow = clock.instant();
        for (SocketConnection connection : connections) {
            try {
                Caller caller = connection.caller();
                if (connection.flooded()) {
                    connection.close(CloseCodes.POLICY_FLOOD, "rate limit exceeded");
                } else if (caller == null && now - connection.openedAt() > authLimit) {
                    connection.close(CloseCodes.AUTH_FAILED, "authentication timeout");
                } else if (caller != null && caller.expiresAt() != null
                        && !wallNow.isBefore(tokens.validUntil(caller.expiresAt()))) {
                    // exp plus the clock skew, as at authentication: a token just accepted is not cut off a second later
                    connection.close(CloseCodes.AUTH_FAILED, "token expired");
                } else if (now - connection.lastReceived() > idleLimit) {
                    connection.close(CloseCodes.GOING_AWAY, "idle timeout");
                }
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, e, () -> "sweep failed on connection " + connection.id());
            }
        }
    }

    /**
     * The application is stopping (undeploy, graceful shutdown): every socket is told, while every bean is still
     * there, that it ends without a clean close ({@link SocketClosed}, not clean), so the sessions it carries turn
     * {@code reconnecting} for the grace period and a client that reconnects to another node resumes them without a
     * leave. Runs before the observers of default priority (the attendance flush among them); then the sockets are
     * closed with 1001. The close callbacks that follow find nothing left to end.
     */
    void beforeShutdown(@Observes @Priority(Interceptor.Priority.APPLICATION) @BeforeDestroyed(ApplicationScoped.class)
                        Object application) {
        for (SocketConnection connection : connections) {
            try {
                Caller caller = connection.caller();
                closedSockets.fire(new SocketClosed(connection.id(), caller == null ? null : caller.userId(), false));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, e, () -> "could not hand over the sessions of connection " + connection.id());
            }
        }
        closeAll();
    }

    /** Closes every socket, telling clients to reconnect elsewhere (undeploy, shutdown). */
    @PreDestroy
    public void closeAll() {
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        for (SocketConnection connection : connections) {
            connection.close(CloseCodes.GOING_AWAY, "server shutting down");
        }
    }
}
