package dev.roomkeeper.participants.control;

import dev.roomkeeper.keyed.control.KeyedState;
import dev.roomkeeper.keyed.entity.Condition;
import dev.roomkeeper.keyed.entity.KeyedEntry;
import dev.roomkeeper.keyed.entity.KeyedResult;
import dev.roomkeeper.keyed.entity.KeyedSnapshot;
import dev.roomkeeper.keyed.entity.KeyedWrite;
import dev.roomkeeper.participants.entity.Channel;
import dev.roomkeeper.participants.entity.LiveKitEvent;
import dev.roomkeeper.participants.entity.Outcome;
import dev.roomkeeper.participants.entity.Participant;
import dev.roomkeeper.participants.entity.Target;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.stream.control.RoomEvents;
import dev.roomkeeper.rooms.entity.RoomChange;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The participants cache: each room's keyed-state space {@value #SPACE}, so both engines hold it (Redis with the
 * Redis engine, so every node shares it) and it changes atomically per key. Keys:
 * <ul>
 *     <li>{@code p/<channel>/<sid>}: one participant session ({@link Participant}), kept for
 *     {@code roomkeeper.participants.ttl} after the last news of it, or for {@code left-ttl} once it left;</li>
 *     <li>{@code c/<channel>}: the channel ({@link Channel}): its finished LiveKit room sessions.</li>
 * </ul>
 * Keys are written silently, by compare-and-set on the value read, so two nodes ingesting deliveries about one
 * participant at once cannot lose one; each change clients should see is then published as one typed event
 * ({@code participants.joined|updated|left|channel-ended}) with {@link RoomEvents#publishOnce}, keyed by the webhook's
 * event id, so a redelivery after a failure publishes what the first attempt may not have, and never twice.
 */
@ApplicationScoped
public class ParticipantCache {

    /** Looked up once: {@code Json.create*} asks the ServiceLoader on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();

    private static final Logger LOG = Logger.getLogger(ParticipantCache.class.getName());
    public static final String SPACE = "participants";
    static final int MAX_ATTEMPTS = 32;
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[A-Za-z0-9_.:-]{1,60}");

    @Inject
    KeyedState state;

    @Inject
    RoomEvents events;

    @Inject
    ParticipantSettings settings;

    /** A clock for the reconciliation stamps; tests move it. */
    java.time.Clock clock = java.time.Clock.systemUTC();

    /**
     * Records a verified, mapped event.
     *
     * @throws ProblemException 503 when the engine cannot be reached (LiveKit then retries)
     */
    public Outcome record(Target target, LiveKitEvent event) {
        return switch (event.kind()) {
            case ROOM_STARTED, ROOM_FINISHED -> roomEvent(target, event);
            case OTHER -> Outcome.IGNORED;
            default -> participantEvent(target, event);
        };
    }

    /** The present participants of a room's channels ({@code channel} null: every channel), with the snapshot's seq. */
    public Members members(String roomId, String channel) {
        KeyedSnapshot snapshot = state.snapshot(roomId, SPACE, channel == null ? "" : "c/" + channel);
        KeyedSnapshot sessions = channel == null ? snapshot : state.snapshot(roomId, SPACE, sessionPrefix(channel));
        List<Participant> present = new ArrayList<>();
        List<Channel> channels = new ArrayList<>();
        for (KeyedEntry entry : snapshot.entries()) {
            if (entry.key().startsWith("c/") && (channel == null || entry.key().equals(channelKey(channel)))) {
                channels.add(Channel.parse(entry.value()));
            }
        }
        for (KeyedEntry entry : sessions.entries()) {
            if (entry.key().startsWith("p/")) {
                Participant p = Participant.parse(entry.value());
                if (p.present() && (channel == null || p.channel().equals(channel))) {
                    present.add(p);
                }
            }
        }
        boolean cached = !channels.isEmpty() || !present.isEmpty();
        return new Members(roomId, snapshot.epoch(), Math.min(snapshot.seq(), sessions.seq()), present, channels, cached);
    }

    /**
     * What the cache holds of a room.
     *
     * @param seq      the stream seq the answer is valid at: apply the {@code participants.*} events after it
     * @param present  the present sessions
     * @param channels the channel records
     * @param cached   whether the cache held anything for what was asked (a hit)
     */
    public record Members(String roomId, String epoch, long seq, List<Participant> present, List<Channel> channels,
                          boolean cached) {
    }

    /**
     * What reconciliation changed in a channel.
     *
     * @param ended   sessions ended because LiveKit no longer lists them
     * @param applied sessions added or updated as LiveKit lists them
     */
    public record Corrections(int ended, int applied) {
    }

    /** How recent a session may be and still be ended when LiveKit does not list it (LiveKit's times are seconds). */
    static final long RECONCILE_SLACK_MILLIS = 5_000;

    /**
     * Makes a channel agree with what LiveKit listed at {@code listedAt} ({@link Reconciliation}); the differences
     * become the same events as webhooks make. Marks the channel reconciled.
     *
     * @param listed the LiveKit room's participants (empty when it does not exist)
     */
    public Corrections reconcile(Target target, String livekitRoom, List<Participant> listed, long listedAt) {
        Reconciliation.Plan plan = Reconciliation.diff(members(target.roomId(), target.channel()).present(), listed,
                listedAt, RECONCILE_SLACK_MILLIS);
        int ended = 0;
        int applied = 0;
        for (Participant gone : plan.toEnd()) {
            LiveKitEvent missedLeft = new LiveKitEvent("", LiveKitEvent.Kind.PARTICIPANT_LEFT, "reconcile", listedAt,
                    livekitRoom, "", gone, null);
            Optional<Participant> done = endSession(target, sessionKey(target.channel(), gone.sid()),
                    s -> s.at() + RECONCILE_SLACK_MILLIS < listedAt, "reconciled", listedAt);
            if (done.isPresent()) {
                publish(target, missedLeft, ParticipantRules.LEFT, done.get());
                ended++;
            }
        }
        for (Participant live : plan.toApply()) {
            LiveKitEvent missed = new LiveKitEvent("", LiveKitEvent.Kind.PARTICIPANT_JOINED, "reconcile", listedAt,
                    livekitRoom, "", live, null);
            if (participantEvent(target, missed) == Outcome.RECORDED) {
                applied++;
            }
        }
        markSynced(target, livekitRoom, listedAt);
        return new Corrections(ended, applied);
    }

    private void markSynced(Target target, String livekitRoom, long at) {
        String key = channelKey(target.channel());
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<KeyedEntry> entry = state.get(target.roomId(), SPACE, key);
            Channel next = entry.map(e -> Channel.parse(e.value())).orElse(Channel.empty(target.channel(), livekitRoom))
                    .synced(at);
            KeyedResult result = state.apply(KeyedWrite.set(target.roomId(), SPACE, key, next.stored())
                    .withCondition(entry.map(Condition::ifUnchanged).orElse(Condition.ifAbsent()))
                    .withTtl(settings.channelTtl().toMillis()).silently(), settings.limits());
            if (result.outcome() != KeyedResult.Outcome.CONFLICT) {
                return;
            }
        }
    }

    /** A closed room's participants go with it (announcing nothing: its stream is released too). */
    void onRoomChange(@Observes(during = TransactionPhase.AFTER_SUCCESS) @Priority(RoomChange.CLEAN_UP)
                      RoomChange change) {
        if (change instanceof RoomChange.Closed closed) {
            try {
                state.release(closed.roomId(), SPACE);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, e, () -> "participants could not be released on closing " + closed.roomId());
            }
        }
    }

    private Outcome participantEvent(Target target, LiveKitEvent event) {
        String sid = event.participant().sid();
        String key = sessionKey(target.channel(), sid);
        Channel channel = channel(target).orElseGet(() -> introduce(target, event.roomName()));
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<KeyedEntry> entry = state.get(target.roomId(), SPACE, key);
            Participant current = entry.map(e -> Participant.parse(e.value())).orElse(null);
            ParticipantRules.Decision decision = ParticipantRules.decide(current, channel, event, target.channel());
            if (decision.outcome() == Outcome.DUPLICATE) {
                republish(target, event, current);
                return Outcome.DUPLICATE;
            }
            if (decision.outcome() != Outcome.RECORDED) {
                return decision.outcome();
            }
            KeyedResult result = state.apply(write(target.roomId(), key, decision.next(), entry.orElse(null))
                    .withIdempotencyKey(idempotencyKey(event, "p")), settings.limits());
            switch (result.outcome()) {
                case APPLIED -> {
                    publish(target, event, decision.change(), decision.next());
                    if (decision.next().present()) {
                        endIfFinished(target, event, key);
                    }
                    return Outcome.RECORDED;
                }
                case DUPLICATE -> {
                    return Outcome.DUPLICATE;
                }
                case CONFLICT -> {
                    // another node changed the session meanwhile: decide again on what it wrote
                }
                default -> {
                    return Outcome.OVER_LIMIT;
                }
            }
        }
        throw contended(target);
    }

    /**
     * A {@code room_finished} that a node recorded while this one was adding a session of that room session: the
     * sweep may not have seen the session, so it is ended here (and announced as having left).
     */
    private void endIfFinished(Target target, LiveKitEvent event, String key) {
        Optional<Channel> channel = channel(target);
        if (channel.isPresent() && channel.get().finished(event.roomSid(), event.createdAt())) {
            endSession(target, key, p -> channel.get().finished(p.roomSid(), p.at()), "room-finished", event.createdAt())
                    .ifPresent(p -> publish(target, event, ParticipantRules.LEFT, p));
        }
    }

    private Outcome roomEvent(Target target, LiveKitEvent event) {
        String key = channelKey(target.channel());
        Outcome outcome = null;
        for (int attempt = 0; attempt < MAX_ATTEMPTS && outcome == null; attempt++) {
            Optional<KeyedEntry> entry = state.get(target.roomId(), SPACE, key);
            Channel current = entry.map(e -> Channel.parse(e.value()))
                    .orElse(Channel.empty(target.channel(), event.roomName()));
            if (!event.id().isEmpty() && current.events().contains(event.id())) {
                outcome = Outcome.DUPLICATE;
                break;
            }
            boolean finishedAlready = current.finished(event.roomSid(), event.createdAt());
            if (event.kind() == LiveKitEvent.Kind.ROOM_STARTED && finishedAlready) {
                return Outcome.OUT_OF_ORDER;
            }
            Channel next = event.kind() == LiveKitEvent.Kind.ROOM_STARTED
                    ? current.started(event.roomSid(), event.createdAt(), event.id())
                    : current.finishing(event.roomSid(), event.createdAt(), event.id());
            KeyedWrite write = KeyedWrite.set(target.roomId(), SPACE, key, next.stored())
                    .withCondition(entry.map(Condition::ifUnchanged).orElse(Condition.ifAbsent()))
                    .withTtl(settings.channelTtl().toMillis())
                    .withIdempotencyKey(idempotencyKey(event, "c"))
                    .silently();
            KeyedResult result = state.apply(write, settings.limits());
            switch (result.outcome()) {
                case APPLIED -> outcome = Outcome.RECORDED;
                case DUPLICATE -> outcome = Outcome.DUPLICATE;
                case CONFLICT -> {
                    // another node changed the channel meanwhile
                }
                default -> {
                    return Outcome.OVER_LIMIT;
                }
            }
        }
        if (outcome == null) {
            throw contended(target);
        }
        // on a redelivery too: an attempt that failed half-way leaves sessions to end, and its event unpublished
        List<String> ended = sweep(target, event);
        if (event.kind() == LiveKitEvent.Kind.ROOM_FINISHED || !ended.isEmpty()) {
            JsonArrayBuilder sids = JSON.createArrayBuilder();
            ended.forEach(sids::add);
            JsonObject data = JSON.createObjectBuilder().add("channel", target.channel()).add("roomSid", event.roomSid())
                    .add("reason", event.kind() == LiveKitEvent.Kind.ROOM_FINISHED ? "room-finished" : "room-restarted")
                    .add("sids", sids).add("at", event.createdAt()).build();
            events.publishOnce(target.roomId(), ParticipantRules.CHANNEL_ENDED, data, idempotencyKey(event, "e"));
        }
        return outcome;
    }

    /** Ends every present session of the channel that the room event ends; answers their sids. */
    private List<String> sweep(Target target, LiveKitEvent event) {
        List<String> ended = new ArrayList<>();
        String reason = event.kind() == LiveKitEvent.Kind.ROOM_FINISHED ? "room-finished" : "room-restarted";
        KeyedSnapshot sessions = state.snapshot(target.roomId(), SPACE, sessionPrefix(target.channel()));
        for (KeyedEntry entry : sessions.entries()) {
            Participant p = Participant.parse(entry.value());
            if (!p.channel().equals(target.channel())) {
                continue;
            }
            if (ParticipantRules.endedBy(p, event)) {
                endSession(target, entry.key(), s -> ParticipantRules.endedBy(s, event), reason, event.createdAt())
                        .ifPresent(s -> ended.add(s.sid()));
            } else if (!p.present() && reason.equals(p.reason()) && !event.roomSid().isEmpty()
                    && event.roomSid().equals(p.roomSid())) {
                // ended by an earlier attempt at this very delivery, whose event may not have been published
                ended.add(p.sid());
            }
        }
        return ended;
    }

    /**
     * Ends a session while {@code still} holds for it (compare-and-set, retried on a conflict).
     *
     * @return the ended session, when this call ended it
     */
    Optional<Participant> endSession(Target target, String key, Predicate<Participant> still, String reason, long at) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<KeyedEntry> entry = state.get(target.roomId(), SPACE, key);
            if (entry.isEmpty()) {
                return Optional.empty();
            }
            Participant current = Participant.parse(entry.get().value());
            if (!current.present() || !still.test(current)) {
                return Optional.empty();
            }
            // its own caller announces it: a redelivery of the session's last event must not announce it again
            Participant ended = current.ended(reason, at, null).announcing(null);
            KeyedResult result = state.apply(write(target.roomId(), key, ended, entry.get()), settings.limits());
            if (result.applied()) {
                return Optional.of(ended);
            }
            if (result.outcome() != KeyedResult.Outcome.CONFLICT) {
                return Optional.empty();
            }
        }
        throw contended(target);
    }

    /** A silent compare-and-set of a session: kept for the ttl while present, for the left-ttl once it left. */
    private KeyedWrite write(String roomId, String key, Participant next, KeyedEntry read) {
        long ttl = (next.present() ? settings.ttl() : settings.leftTtl()).toMillis();
        return KeyedWrite.set(roomId, SPACE, key, next.stored())
                .withCondition(read == null ? Condition.ifAbsent() : Condition.ifUnchanged(read))
                .withTtl(ttl)
                .silently();
    }

    /**
     * A redelivery of the event this session recorded last: its change may not have been published (the first
     * attempt failed after the write), so it is published now, at most once (same publish id).
     */
    private void republish(Target target, LiveKitEvent event, Participant current) {
        List<String> seen = current.events();
        if (!event.id().isEmpty() && !seen.isEmpty() && seen.get(seen.size() - 1).equals(event.id())) {
            publish(target, event, current.announced(), current);
        }
    }

    private void publish(Target target, LiveKitEvent event, String change, Participant session) {
        if (change == null) {
            return;
        }
        JsonObject data = change.equals(ParticipantRules.LEFT)
                ? JSON.createObjectBuilder().add("channel", session.channel()).add("sid", session.sid())
                .add("identity", session.identity()).add("reason", session.reason() == null ? "left" : session.reason())
                .add("at", session.at()).build()
                : JSON.createObjectBuilder().add("channel", session.channel()).add("participant", session.view()).build();
        String publishId = idempotencyKey(event, change.equals(ParticipantRules.LEFT) ? "l" + session.sid() : "j");
        if (publishId == null) {
            events.publish(target.roomId(), change, data);
        } else {
            events.publishOnce(target.roomId(), change, data, publishId);
        }
    }

    /**
     * Writes the record of a channel first heard of through a participant event (silently, if still absent), so
     * that the channel's LiveKit room name is known to reconciliation. Answers null: nothing is finished in it.
     */
    private Channel introduce(Target target, String livekitRoom) {
        state.apply(KeyedWrite.set(target.roomId(), SPACE, channelKey(target.channel()),
                        Channel.empty(target.channel(), livekitRoom).stored())
                .withCondition(Condition.ifAbsent()).withTtl(settings.channelTtl().toMillis()).silently(), settings.limits());
        return null;
    }

    Optional<Channel> channel(Target target) {
        return state.get(target.roomId(), SPACE, channelKey(target.channel())).map(e -> Channel.parse(e.value()));
    }

    /** A key for the event's writes and publications ({@code lk:<what>:<event id>}), or null when it has no id. */
    static String idempotencyKey(LiveKitEvent event, String what) {
        if (event.id().isEmpty()) {
            return null;
        }
        String key = "lk:" + what + ":" + event.id();
        if (IDEMPOTENCY_KEY.matcher(key).matches()) {
            return key;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return "lk:h:" + Base64.getUrlEncoder().withoutPadding().encodeToString(hash).substring(0, 40);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    static String sessionKey(String channel, String sid) {
        return "p/" + channel + "/" + sid;
    }

    static String sessionPrefix(String channel) {
        return "p/" + channel + "/";
    }

    static String channelKey(String channel) {
        return "c/" + channel;
    }

    private static ProblemException contended(Target target) {
        return ProblemException.unavailable("participants-contended", "Participants busy",
                "The participants of room " + target.roomId() + " changed too often to record this delivery; retry.", 1);
    }
}
