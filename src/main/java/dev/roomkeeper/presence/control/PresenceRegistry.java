package dev.roomkeeper.presence.control;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.platform.entity.Problem.FieldError;
import dev.roomkeeper.presence.entity.ChangeKind;
import dev.roomkeeper.presence.entity.Joined;
import dev.roomkeeper.presence.entity.LeaveReason;
import dev.roomkeeper.presence.entity.PresenceChange;
import dev.roomkeeper.presence.entity.PresenceSession;
import dev.roomkeeper.presence.entity.PresenceSnapshot;
import dev.roomkeeper.rooms.control.RoomAccess;
import dev.roomkeeper.rooms.control.RoomActivity;
import dev.roomkeeper.rooms.entity.Access;
import dev.roomkeeper.auth.entity.Role;
import dev.roomkeeper.rooms.entity.RoomChange;
import dev.roomkeeper.stream.control.RoomEvents;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.EnumMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Who is present in which room: the rules around the {@link PresenceStore}. Transports (WebSocket,
 * HTTP) call it; it checks membership, sanitises metadata, grants heartbeat intervals, and hands every
 * change to observers (attendance), which must only enqueue.
 */
@ApplicationScoped
public class PresenceRegistry {

    private static final Logger LOG = Logger.getLogger(PresenceRegistry.class.getName());
    /** Client-chosen session ids: a UUID or any 8 to 64 URL-safe characters. */
    static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9_-]{8,64}");
    public static final String SESSION_ID_RULE = "must be 8 to 64 characters of A-Z a-z 0-9 _ -";

    @Inject
    PresenceStore store;

    @Inject
    RoomAccess access;

    @Inject
    RoomActivity activity;

    @Inject
    RoomEvents events;

    @Inject
    Event<PresenceChange> changes;

    @Inject
    Meters metrics;

    @Inject
    @ConfigProperty(name = "roomkeeper.presence.heartbeat-interval", defaultValue = "PT10S")
    Duration defaultInterval;

    @Inject
    @ConfigProperty(name = "roomkeeper.presence.min-heartbeat-interval", defaultValue = "PT2S")
    Duration minInterval;

    @Inject
    @ConfigProperty(name = "roomkeeper.presence.max-heartbeat-interval", defaultValue = "PT60S")
    Duration maxInterval;

    @Inject
    @ConfigProperty(name = "roomkeeper.presence.reconnect-grace", defaultValue = "PT15S")
    Duration reconnectGrace;

    @Inject
    @ConfigProperty(name = "roomkeeper.presence.room-token-ttl", defaultValue = "PT24H")
    Duration roomTokenTtl;

    @Inject
    @ConfigProperty(name = "roomkeeper.presence.token-secret")
    Optional<String> tokenSecret;

    @Inject
    @ConfigProperty(name = "roomkeeper.auth.hs256-secret")
    Optional<String> authSecret;

    @Inject
    @ConfigProperty(name = "roomkeeper.engine.type", defaultValue = "memory")
    String engineType;

    private PresenceTokens tokens;
    private final Map<ChangeKind, Meters.Counter> changeCounters = new EnumMap<>(ChangeKind.class);
    /** By reason, made on first use: a registry lookup builds a MetricID on every call. */
    private final Map<LeaveReason, Meters.Counter> leaveCounters = new ConcurrentHashMap<>();
    private final Map<LeaveReason, Meters.Counter> vacatedCounters = new EnumMap<>(LeaveReason.class);
    private Meters.Counter heartbeats;
    private Meters.Counter unknownHeartbeats;
    private Meters.Counter occupied;
    private Meters.Counter restored;

    @PostConstruct
    void init() {
        tokens = new PresenceTokens(tokenSecret());
        heartbeats = metrics.counter("roomkeeper.presence.heartbeats");
        unknownHeartbeats = metrics.counter("roomkeeper.presence.heartbeats.unknown");
        metrics.gauge("roomkeeper.presence.sessions", store, PresenceStore::sessionCount);
        for (ChangeKind kind : ChangeKind.values()) {
            changeCounters.put(kind, metrics.counter("roomkeeper.presence.changes", "kind", kind.name().toLowerCase()));
        }
        occupied = metrics.counter("roomkeeper.rooms.occupied");
        restored = metrics.counter("roomkeeper.presence.restored");
        for (LeaveReason reason : LeaveReason.values()) {
            vacatedCounters.put(reason, metrics.counter("roomkeeper.rooms.vacated", "reason", reason.wireName()));
        }
    }

    /**
     * Joins (or refreshes) a session: the caller must be a member of the open room.
     *
     * @param intervalMs the heartbeat interval the client asks for, or null for the default
     * @param meta       the client's metadata object, or null to keep a live session's metadata (a new
     *                   session starts from the defaults)
     * @param resumeToken when given, must be a token of this room, user and session id
     */
    public Joined join(Caller caller, String roomRef, String sessionId, Long intervalMs, JsonObject meta,
                       String resumeToken) {
        // every invalid field at once, before anything is looked up
        List<FieldError> errors = new ArrayList<>(sessionIdErrors(sessionId));
        errors.addAll(PresenceMetadata.fieldErrors(meta));
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        Access granted = access.resolve(roomRef, caller);
        if (resumeToken != null && tokens.session(resumeToken)
                .filter(ref -> ref.names(granted.roomId(), caller.userId(), sessionId)).isEmpty()) {
            throw new ProblemException(409, "resume-refused", "Resume refused",
                    "The resume token does not belong to this session.");
        }
        String metaJson = PresenceMetadata.sanitize(meta, caller, granted.role());
        Duration interval = grant(intervalMs);
        // sessions are keyed by user and session id: another user's identical id is another session
        boolean alive = false;
        if (meta == null) {
            // nothing to change: a live session is only kept alive, with the metadata it has
            PresenceStore.Heartbeat beat = stored(() -> store.heartbeat(granted.roomId(), caller.userId(), sessionId, deadline(interval)));
            beat.change().ifPresent(this::record);
            alive = beat.known();
        }
        if (!alive) {
            stored(() -> store.join(granted.roomId(), caller.userId(), sessionId, metaJson, deadline(interval))).ifPresent(this::record);
        }
        activity.touch(granted.roomId(), System.currentTimeMillis()); // a refresh changes nothing, but is activity
        PresenceSnapshot snapshot = stored(() -> store.snapshot(granted.roomId()));
        // the token names this session from its start to its end: a later session with the same id gets another
        long joinedAt = find(snapshot, caller.userId(), sessionId).map(PresenceSession::joinedAt).orElse(0L);
        String sessionToken = tokens.sessionToken(granted.roomId(), caller.userId(), sessionId, joinedAt);
        // access from the caller's JWT ends with it, so does the token; access by membership is checked at each use
        long roomTokenExpiry = System.currentTimeMillis() + roomTokenTtl.toMillis();
        if (!granted.byMembership() && caller.expiresAt() != null) {
            roomTokenExpiry = Math.min(roomTokenExpiry, caller.expiresAt().toEpochMilli());
        }
        String roomToken = tokens.roomToken(granted.roomId(), caller.userId(), roomTokenExpiry, granted.byMembership());
        return new Joined(granted, sessionId, interval, snapshot, sessionToken, roomToken);
    }

    /**
     * Extends a session's life by two intervals.
     *
     * @return false when the session is unknown (expired, left, kicked): the client must join again
     */
    public boolean heartbeat(String roomId, String userId, String sessionId, Duration interval) {
        heartbeats.inc();
        PresenceStore.Heartbeat beat = stored(() -> store.heartbeat(roomId, userId, sessionId, deadline(interval)));
        beat.change().ifPresent(this::record);
        if (beat.known()) {
            activity.touch(roomId, System.currentTimeMillis()); // a map update; written in the next batch
        } else {
            unknownHeartbeats.inc();
        }
        return beat.known();
    }

    /**
     * Brings back a session the engine lost with its data (Redis restarted empty) while its client is still
     * connected and heartbeating: when the room's stream has a new epoch since the session joined in
     * {@code joinedEpoch}, the session did not end (a leave, expiry or removal keeps the epoch) but was lost, so
     * it joins again with the same id and the metadata the client last gave, and its client never sees it leave.
     *
     * @return the stream's epoch now when the session was restored; empty when it had really ended (or the caller
     *         is no longer a member of the open room), so the client must be told to join again
     */
    public Optional<String> restoreLost(Caller caller, String roomId, String sessionId, Duration interval,
                                        String joinedEpoch, JsonObject meta) {
        String epoch = events.position(roomId).epoch();
        if (joinedEpoch == null || joinedEpoch.equals(epoch)) {
            return Optional.empty();
        }
        Access granted;
        try {
            granted = access.resolve(roomId, caller);
        } catch (ProblemException refused) {
            return Optional.empty();
        }
        String metaJson = PresenceMetadata.sanitize(meta, caller, granted.role());
        stored(() -> store.join(roomId, caller.userId(), sessionId, metaJson, deadline(interval))).ifPresent(this::record);
        restored.inc();
        LOG.info(() -> "restored presence session " + sessionId + " of " + caller.userId() + " in room " + roomId
                + ": the engine lost it with the room's stream (epoch " + joinedEpoch + " -> " + epoch + ")");
        return Optional.of(epoch);
    }

    /** Replaces a session's metadata (one {@code presence.update}, or nothing when unchanged). */
    public void update(Caller caller, String roomRef, String sessionId, JsonObject meta) {
        Access granted = access.resolve(roomRef, caller);
        String metaJson = PresenceMetadata.sanitize(meta, caller, granted.role());
        Optional<PresenceChange> change = stored(() -> store.update(granted.roomId(), caller.userId(), sessionId, metaJson));
        change.ifPresent(this::record);
        if (change.isEmpty() && !knows(granted.roomId(), caller.userId(), sessionId)) {
            throw unknownSession();
        }
    }

    /** Ends a session (explicit leave, clean close, HTTP disconnect). */
    public void leave(String roomId, String userId, String sessionId) {
        stored(() -> store.leave(roomId, userId, sessionId, LeaveReason.LEFT)).ifPresent(this::record);
    }

    /** The socket of a session dropped without a clean close: it is reconnecting for the grace period. */
    public void dropped(String roomId, String userId, String sessionId) {
        stored(() -> store.reconnecting(roomId, userId, sessionId, System.currentTimeMillis() + reconnectGrace.toMillis()))
                .ifPresent(this::record);
    }

    /**
     * Ends the session a session token was issued for; unknown, forged or spent tokens (their session
     * ended, even if another one with the same id started since) do nothing.
     */
    public void disconnect(String sessionToken) {
        tokens.session(sessionToken)
                .filter(ref -> find(stored(() -> store.snapshot(ref.room())), ref.userId(), ref.sessionId())
                        .filter(session -> session.joinedAt() == ref.joinedAt()).isPresent())
                .ifPresent(ref -> leave(ref.room(), ref.userId(), ref.sessionId()));
    }

    /**
     * The room a room token names, if the token is genuine and unexpired and its holder still has access: the room
     * is open and, when access came from a membership, the membership lasts.
     */
    public Optional<String> roomOfToken(String roomToken) {
        return tokens.room(roomToken, System.currentTimeMillis())
                .filter(ref -> access.keeps(ref.room(), ref.userId(), ref.byMembership()))
                .map(PresenceTokens.RoomRef::room);
    }

    /** True while the room lists this session, online or reconnecting (whichever socket or client carries it). */
    public boolean lists(String roomId, String userId, String sessionId) {
        return find(snapshot(roomId), userId, sessionId).isPresent();
    }

    public PresenceSnapshot snapshot(String roomId) {
        return stored(() -> store.snapshot(roomId));
    }

    public List<String> roomsOf(String userId) {
        return stored(() -> store.roomsOf(userId));
    }

    /**
     * Ends sessions whose deadline passed, in batches.
     *
     * @return how many sessions expired
     */
    public int expire(int batch) {
        int total = 0;
        while (true) {
            List<PresenceChange> expired = store.expire(System.currentTimeMillis(), batch);
            expired.forEach(this::record);
            total += expired.size();
            if (expired.size() < batch) {
                return total;
            }
        }
    }

    /** Kicked members leave at once; closed rooms empty; a new role reaches the member's sessions. */
    void onRoomChange(@Observes(during = TransactionPhase.AFTER_SUCCESS) @Priority(RoomChange.CLEAN_UP)
                      RoomChange change) {
        try {
            if (change instanceof RoomChange.MemberRemoved removed) {
                store.leaveUser(removed.roomId(), removed.userId(), LeaveReason.KICKED).forEach(this::record);
            } else if (change instanceof RoomChange.Closed closed) {
                store.clearRoom(closed.roomId(), LeaveReason.CLOSED).forEach(this::record);
                store.release(closed.roomId());
            } else if (change instanceof RoomChange.MemberRoleChanged changed) {
                applyRole(changed.roomId(), changed.userId(), changed.role());
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e, () -> "presence could not follow " + change);
        }
    }

    private void applyRole(String roomId, String userId, Role role) {
        for (PresenceSession session : store.snapshot(roomId).sessions()) {
            if (session.userId().equals(userId)) {
                store.update(roomId, userId, session.sessionId(), PresenceMetadata.withRole(session.meta(), role))
                        .ifPresent(this::record);
            }
        }
    }

    public Duration grant(Long requestedMs) {
        if (requestedMs == null) {
            return defaultInterval;
        }
        long clamped = Math.max(minInterval.toMillis(), Math.min(maxInterval.toMillis(), requestedMs));
        return Duration.ofMillis(clamped);
    }

    private boolean knows(String roomId, String userId, String sessionId) {
        return find(stored(() -> store.snapshot(roomId)), userId, sessionId).isPresent();
    }

    private static Optional<PresenceSession> find(PresenceSnapshot snapshot, String userId, String sessionId) {
        return snapshot.sessions().stream()
                .filter(s -> s.sessionId().equals(sessionId) && s.userId().equals(userId))
                .findFirst();
    }

    /**
     * Runs a call on the store: an engine that cannot answer (Redis unreachable) is the 503
     * {@code stream-unavailable} problem that publishing answers too, not a 500; refusals of bad input pass.
     */
    private <T> T stored(Supplier<T> call) {
        return events.reach("reach the presence store", call);
    }

    /** Two missed intervals end a session; the sweep runs every second, well inside the 5 s allowance. */
    private static long deadline(Duration interval) {
        return System.currentTimeMillis() + 2 * interval.toMillis();
    }

    private void record(PresenceChange change) {
        changeCounters.get(change.kind()).inc();
        events.published(change.event());
        if (change.occupancy() != null) {
            events.published(change.occupancy());
        }
        if (change.reason() != null && change.kind() == ChangeKind.USER_LEFT) {
            leaveCounters.computeIfAbsent(change.reason(),
                    r -> metrics.counter("roomkeeper.presence.leaves", "reason", r.wireName())).inc();
        }
        if (change.occupancy() != null) {
            if (PresenceChange.OCCUPIED.equals(change.occupancy().type())) {
                occupied.inc();
            } else if (change.reason() != null) {
                vacatedCounters.get(change.reason()).inc();
            }
        }
        // synchronous on purpose: observers only enqueue (attendance), and an asynchronous CDI event
        // costs a managed-executor task with a context capture per change
        try {
            changes.fire(change);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e, () -> "a presence observer failed");
        }
    }

    /** The error of a session id that is not 8 to 64 characters of A-Z a-z 0-9 _ -, if it is not. */
    public static List<FieldError> sessionIdErrors(String sessionId) {
        return sessionId == null || !SESSION_ID.matcher(sessionId).matches()
                ? List.of(new FieldError("sessionId", SESSION_ID_RULE)) : List.of();
    }

    static ProblemException unknownSession() {
        return new ProblemException(404, "presence-expired", "Unknown session",
                "This presence session has ended (expired, left or removed); join again.");
    }

    private byte[] tokenSecret() {
        if (tokenSecret.isPresent() && !tokenSecret.get().isBlank()) {
            return tokenSecret.get().getBytes(StandardCharsets.UTF_8);
        }
        if (authSecret.isPresent() && authSecret.get().getBytes(StandardCharsets.UTF_8).length >= 32) {
            // derived, so that every node sharing the auth secret also shares presence tokens
            try {
                javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
                mac.init(new javax.crypto.spec.SecretKeySpec(authSecret.get().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                return mac.doFinal("roomkeeper presence tokens".getBytes(StandardCharsets.UTF_8));
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        if ("redis".equalsIgnoreCase(engineType.trim())) {
            LOG.warning("roomkeeper.presence.token-secret is not set: presence tokens are valid only on the node "
                    + "that issued them. Set it (same value on every node) when running several nodes.");
        }
        return random;
    }
}
