package dev.roomkeeper.playback.control;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.auth.entity.Role;
import dev.roomkeeper.keyed.entity.KeyedEntry;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.platform.entity.Problem.FieldError;
import dev.roomkeeper.playback.entity.LogEntry;
import dev.roomkeeper.playback.entity.Timeline;
import dev.roomkeeper.presence.control.PresenceRegistry;
import dev.roomkeeper.presence.entity.PresenceSession;
import dev.roomkeeper.rooms.control.Memberships;
import dev.roomkeeper.rooms.entity.Access;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The party survives its host. When a user who held control (a host by membership, or the member control was handed
 * to) leaves the room or expires, and nobody present holds control any more, {@code roomkeeper.playback.handoff}
 * decides, per stream of the room:
 * <ul>
 *     <li>{@code member}: control passes to the longest-present member who is not an observer (one
 *     {@code playback.set}, cause {@code handoff}, naming the {@code controller}); with nobody, as {@code pause};</li>
 *     <li>{@code host} or {@code pause}: a playing stream pauses (one {@code playback.set}, cause {@code host-left}).</li>
 * </ul>
 * A host (or the controller) may also hand control over explicitly ({@code playback.handoff}). Roles come from the
 * room's memberships (a role granted only inside a token is not seen here).
 */
@ApplicationScoped
public class HostHandoff {

    @Inject
    Timelines timelines;

    @Inject
    PresenceRegistry presence;

    @Inject
    Memberships memberships;

    @Inject
    PlaybackSettings settings;

    @Inject
    PlaybackLog log;

    @Inject
    Meters metrics;

    private Meters.Counter handoffs;
    private Meters.Counter hostLeftPauses;

    @PostConstruct
    void init() {
        handoffs = metrics.counter("roomkeeper.playback.handoffs");
        hostLeftPauses = metrics.counter("roomkeeper.playback.host.left.pauses");
    }

    /**
     * {@code userId} is no longer present in the room: if it held control and nobody present does, decide, for each
     * of the room's {@code streams} (their keys as {@link PlaybackLifecycle} read them).
     */
    void left(String roomId, String userId, List<KeyedEntry> streams) {
        if (streams.isEmpty()) {
            return;
        }
        boolean wasHost = memberships.roleOf(roomId, userId).filter(r -> r == Role.HOST).isPresent();
        Map<String, Long> present = presentSince(roomId);
        present.remove(userId);
        Map<String, Role> roles = memberships.rolesIn(roomId, 10_000).orElse(Map.of());
        long now = System.currentTimeMillis();
        for (KeyedEntry read : streams) {
            // read again: releasing the leaver's buffering gates may have just resumed the stream
            KeyedEntry entry = timelines.entry(roomId, read.key().substring(Timelines.PREFIX.length())).orElse(null);
            if (entry == null) {
                continue;
            }
            Timeline timeline = Timeline.fromJson(entry.value());
            Optional<Timeline> next = after(timeline, userId, wasHost, present, roles, settings.handoff(), now);
            if (next.isPresent() && timelines.settle(roomId, entry, next.get()).isPresent()) {
                String to = next.get().controller();
                (to != null ? handoffs : hostLeftPauses).inc();
                log.record(new LogEntry(timeline.stream(), userId, "handoff", Timelines.serverEventId(), now,
                        next.get().positionMs(), "{\"policy\":\"" + settings.handoff().wireName() + "\",\"to\":"
                        + (to == null ? "null" : "\"" + to.replace("\"", "") + "\"") + "}"));
            }
        }
    }

    /**
     * What becomes of a stream's timeline when {@code leaver} is gone: empty when nothing changes (it held no control,
     * or a host or the controller is still present); else control passes to the longest-present member who is no
     * observer (policy {@code member}), or the stream pauses with nobody but the hosts in control.
     *
     * @param present users still present and since when (epoch ms), the leaver not among them
     * @param roles   the room's members and their roles
     */
    static Optional<Timeline> after(Timeline timeline, String leaver, boolean leaverIsHost, Map<String, Long> present,
                                    Map<String, Role> roles, PlaybackSettings.Handoff policy, long now) {
        boolean heldControl = leaverIsHost || leaver.equals(timeline.controller());
        boolean hostPresent = present.keySet().stream().anyMatch(u -> roles.get(u) == Role.HOST);
        boolean controllerPresent = timeline.controller() != null && present.containsKey(timeline.controller());
        if (!heldControl || hostPresent || controllerPresent) {
            return Optional.empty();
        }
        Optional<String> successor = policy == PlaybackSettings.Handoff.MEMBER
                ? present.entrySet().stream().filter(e -> roles.getOrDefault(e.getKey(), Role.OBSERVER) != Role.OBSERVER)
                .min(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey)
                : Optional.empty();
        if (successor.isPresent()) {
            return Optional.of(timeline.controlledBy(successor.get(), now, "system"));
        }
        if (!timeline.playing() && timeline.controller() == null) {
            return Optional.empty();
        }
        return Optional.of(timeline.settled(false, now, "system", "host-left").withController(null));
    }

    /**
     * Explicit hand-over: a host or the controller names the member who controls the stream besides the hosts
     * ({@code to}); a member of the room, not an observer.
     */
    public Timelines.Outcome handOver(Access room, Caller caller, String streamId, String to) {
        KeyedEntry entry = timelines.entry(room.roomId(), streamId).orElseThrow(() ->
                PlaybackRefusal.streamNotFound(streamId));
        Timeline timeline = Timeline.fromJson(entry.value());
        timelines.requireControl(room, caller, timeline);
        Role role = memberships.roleOf(room.roomId(), to).orElse(null);
        if (role == null || role == Role.OBSERVER) {
            throw ProblemException.invalid(List.of(new FieldError("to", "must be a member of the room who is not an observer")));
        }
        long now = System.currentTimeMillis();
        Timeline next = timeline.controlledBy(to, now, caller.userId());
        long seq = timelines.settle(room.roomId(), entry, next).orElseThrow(() -> PlaybackRefusal.busy(streamId));
        handoffs.inc();
        log.record(new LogEntry(streamId, caller.userId(), "handoff", Timelines.serverEventId(), now, next.positionMs(),
                "{\"policy\":\"explicit\",\"to\":\"" + to.replace("\"", "") + "\"}"));
        return new Timelines.Outcome(next, seq, false);
    }

    /** Users present in the room and since when (their earliest live session). */
    private Map<String, Long> presentSince(String roomId) {
        Map<String, Long> since = new TreeMap<>();
        for (PresenceSession session : presence.snapshot(roomId).sessions()) {
            since.merge(session.userId(), session.joinedAt(), Math::min);
        }
        return since;
    }
}
