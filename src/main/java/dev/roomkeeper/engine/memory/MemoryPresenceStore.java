package dev.roomkeeper.engine.memory;

import dev.roomkeeper.presence.control.PresenceStore;
import dev.roomkeeper.presence.entity.ChangeKind;
import dev.roomkeeper.presence.entity.LeaveReason;
import dev.roomkeeper.presence.entity.PresenceChange;
import dev.roomkeeper.presence.entity.PresenceEventData;
import dev.roomkeeper.presence.entity.PresenceSession;
import dev.roomkeeper.presence.entity.PresenceSnapshot;
import dev.roomkeeper.presence.entity.SessionState;
import dev.roomkeeper.stream.control.StreamBroker;
import dev.roomkeeper.stream.entity.RoomEvent;
import dev.roomkeeper.stream.entity.StreamPosition;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Presence for one node, beside the {@link MemoryStreamBroker}. A room's presence is kept behind the same
 * lock the engine publishes the room's events under ({@link MemoryStreamBroker#inRoom}), so a change and its
 * event are one step and listeners see presence events in seq order.
 * <p>
 * Two indexes span rooms: every live session ordered by deadline, so {@link #expire} reads only the
 * due head instead of scanning every session, and each user's rooms for {@link #roomsOf}. Both are
 * changed under the lock of the room concerned.
 */
public class MemoryPresenceStore implements PresenceStore {

    private static final Heartbeat UNKNOWN = new Heartbeat(false, Optional.empty());
    private static final Heartbeat EXTENDED = new Heartbeat(true, Optional.empty());
    private static final long CLEANUP_INTERVAL = Duration.ofMinutes(1).toMillis();

    private final MemoryStreamBroker engine;
    private final Clock clock;
    private final long idleTtl;
    /** Per room; an entry is read and written only under the room's lock. */
    private final Map<String, RoomPresence> rooms = new ConcurrentHashMap<>();
    private final ConcurrentSkipListSet<Due> due = new ConcurrentSkipListSet<>();
    /** User id to the rooms where it has a live session; values are immutable and replaced. */
    private final Map<String, Set<String>> roomsByUser = new ConcurrentHashMap<>();
    private final AtomicLong live = new AtomicLong();
    private final AtomicLong lastCleanup;

    /**
     * @param clock the engine's clock ({@code EngineSettings.clock()}): joinedAt and lastDisconnected
     *              are read from it
     */
    public MemoryPresenceStore(MemoryStreamBroker engine, Clock clock) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.idleTtl = engine.settings().streamIdleTtl().toMillis();
        this.lastCleanup = new AtomicLong(clock.millis());
    }

    @Override
    public Optional<PresenceChange> join(String room, String userId, String sessionId, String meta, long deadline) {
        requireIds(room, userId, sessionId);
        String newMeta = meta(meta);
        return engine.inRoom(room, locked -> {
            long now = clock.millis();
            RoomPresence presence = rooms.computeIfAbsent(room, r -> new RoomPresence());
            presence.lastWrite = now;
            PresenceSession old = presence.session(userId, sessionId);
            if (old != null) {
                ChangeKind kind = old.state() == SessionState.RECONNECTING ? ChangeKind.RESUMED
                        : old.meta().equals(newMeta) ? null : ChangeKind.META_UPDATED;
                PresenceSession session = new PresenceSession(sessionId, userId, newMeta, SessionState.ONLINE,
                        old.joinedAt(), deadline);
                put(room, presence, old, session);
                return kind == null ? Optional.empty() : Optional.of(publish(locked, kind, session, null));
            }
            boolean first = !presence.users.containsKey(userId);
            boolean roomWasEmpty = presence.users.isEmpty();
            PresenceSession session = new PresenceSession(sessionId, userId, newMeta, SessionState.ONLINE, now, deadline);
            put(room, presence, null, session);
            if (!first) {
                return Optional.of(publish(locked, ChangeKind.SESSION_ADDED, session, null));
            }
            presence.lastDisconnected.remove(userId);
            roomsByUser.compute(userId, (u, rooms) -> with(rooms, room));
            PresenceChange joined = publish(locked, ChangeKind.USER_JOINED, session, null);
            if (roomWasEmpty) {
                joined = joined.withOccupancy(locked.publish(PresenceChange.OCCUPIED, PresenceEventData.occupied(now)));
            }
            return Optional.of(joined);
        });
    }

    @Override
    public Heartbeat heartbeat(String room, String userId, String sessionId, long deadline) {
        requireIds(room, userId, sessionId);
        if (!rooms.containsKey(room)) {
            return UNKNOWN; // nobody is present there: no need to take the room's lock
        }
        return engine.inRoom(room, locked -> {
            RoomPresence presence = rooms.get(room);
            PresenceSession old = presence == null ? null : presence.session(userId, sessionId);
            if (old == null) {
                return UNKNOWN;
            }
            PresenceSession session = new PresenceSession(sessionId, userId, old.meta(), SessionState.ONLINE,
                    old.joinedAt(), deadline);
            put(room, presence, old, session);
            if (old.state() != SessionState.RECONNECTING) {
                return EXTENDED;
            }
            presence.lastWrite = clock.millis();
            return new Heartbeat(true, Optional.of(publish(locked, ChangeKind.RESUMED, session, null)));
        });
    }

    @Override
    public Optional<PresenceChange> update(String room, String userId, String sessionId, String meta) {
        requireIds(room, userId, sessionId);
        String newMeta = meta(meta);
        return onSession(room, userId, sessionId, (locked, presence, old) -> {
            if (old.meta().equals(newMeta)) {
                return Optional.empty();
            }
            PresenceSession session = new PresenceSession(sessionId, userId, newMeta, old.state(), old.joinedAt(),
                    old.deadline());
            put(room, presence, old, session);
            return Optional.of(publish(locked, ChangeKind.META_UPDATED, session, null));
        });
    }

    @Override
    public Optional<PresenceChange> reconnecting(String room, String userId, String sessionId, long graceDeadline) {
        requireIds(room, userId, sessionId);
        return onSession(room, userId, sessionId, (locked, presence, old) -> {
            if (old.state() == SessionState.RECONNECTING) {
                return Optional.empty();
            }
            PresenceSession session = new PresenceSession(sessionId, userId, old.meta(), SessionState.RECONNECTING,
                    old.joinedAt(), graceDeadline);
            put(room, presence, old, session);
            return Optional.of(publish(locked, ChangeKind.RECONNECTING, session, null));
        });
    }

    @Override
    public Optional<PresenceChange> leave(String room, String userId, String sessionId, LeaveReason reason) {
        requireIds(room, userId, sessionId);
        Objects.requireNonNull(reason, "reason");
        return onSession(room, userId, sessionId,
                (locked, presence, old) -> Optional.of(end(locked, room, presence, old, reason)));
    }

    @Override
    public List<PresenceChange> leaveUser(String room, String userId, LeaveReason reason) {
        requireOneLine(room, "room");
        requireOneLine(userId, "userId");
        Objects.requireNonNull(reason, "reason");
        if (!rooms.containsKey(room)) {
            return List.of();
        }
        return engine.inRoom(room, locked -> {
            RoomPresence presence = rooms.get(room);
            Map<String, PresenceSession> sessions = presence == null ? null : presence.users.get(userId);
            if (sessions == null) {
                return List.of();
            }
            List<PresenceChange> changes = new ArrayList<>();
            for (PresenceSession session : List.copyOf(sessions.values())) {
                changes.add(end(locked, room, presence, session, reason));
            }
            return changes;
        });
    }

    @Override
    public List<PresenceChange> clearRoom(String room, LeaveReason reason) {
        requireOneLine(room, "room");
        Objects.requireNonNull(reason, "reason");
        if (!rooms.containsKey(room)) {
            return List.of();
        }
        return engine.inRoom(room, locked -> {
            RoomPresence presence = rooms.get(room);
            if (presence == null) {
                return List.of();
            }
            List<PresenceSession> all = new ArrayList<>();
            presence.users.values().forEach(sessions -> all.addAll(sessions.values()));
            List<PresenceChange> changes = new ArrayList<>();
            for (PresenceSession session : all) {
                changes.add(end(locked, room, presence, session, reason));
            }
            return changes;
        });
    }

    @Override
    public List<PresenceChange> expire(long now, int max) {
        List<PresenceChange> ended = new ArrayList<>();
        for (Due next : due) {
            if (ended.size() >= max || next.deadline() >= now) {
                break;
            }
            engine.inRoom(next.room(), locked -> {
                RoomPresence presence = rooms.get(next.room());
                PresenceSession session = presence == null ? null : presence.session(next.userId(), next.sessionId());
                // another sweep may have ended it, or a heartbeat moved its deadline, since it was read
                if (session != null && session.deadline() == next.deadline()) {
                    ended.add(end(locked, next.room(), presence, session, LeaveReason.EXPIRED));
                }
                return null;
            });
        }
        forgetIdleRooms();
        return ended;
    }

    @Override
    public PresenceSnapshot snapshot(String room) {
        requireOneLine(room, "room");
        return engine.inRoom(room, locked -> {
            StreamPosition position = locked.position();
            RoomPresence presence = rooms.get(room);
            if (presence == null) {
                return new PresenceSnapshot(room, position.epoch(), position.seq(), List.of(), Map.of());
            }
            List<PresenceSession> sessions = new ArrayList<>();
            presence.users.values().forEach(s -> sessions.addAll(s.values()));
            return new PresenceSnapshot(room, position.epoch(), position.seq(), sessions, presence.lastDisconnected);
        });
    }

    /** Read without the room's lock: the count is written under it, after every change of the room's users. */
    @Override
    public int usersPresent(String room) {
        RoomPresence presence = rooms.get(room);
        return presence == null ? 0 : presence.present;
    }

    @Override
    public void release(String room) {
        requireOneLine(room, "room");
        if (!rooms.containsKey(room)) {
            return;
        }
        engine.inRoom(room, locked -> {
            RoomPresence presence = rooms.get(room);
            if (presence != null) {
                presence.lastDisconnected.clear();
                if (presence.users.isEmpty()) {
                    rooms.remove(room);
                }
            }
            return null;
        });
    }

    @Override
    public List<String> roomsOf(String userId) {
        return roomsByUser.getOrDefault(userId, Set.of()).stream().sorted().toList();
    }

    @Override
    public long sessionCount() {
        return live.get();
    }

    // ---- under the room's lock

    /** Runs {@code step} on an existing session under its room's lock; empty when the session is unknown. */
    private Optional<PresenceChange> onSession(String room, String userId, String sessionId, SessionStep step) {
        if (!rooms.containsKey(room)) {
            return Optional.empty();
        }
        return engine.inRoom(room, locked -> {
            RoomPresence presence = rooms.get(room);
            PresenceSession session = presence == null ? null : presence.session(userId, sessionId);
            if (session == null) {
                return Optional.empty();
            }
            presence.lastWrite = clock.millis();
            return step.apply(locked, presence, session);
        });
    }

    /** Stores {@code session} in place of {@code old} (null for a new one), keeping the deadline index right. */
    private void put(String room, RoomPresence presence, PresenceSession old, PresenceSession session) {
        if (old == null) {
            live.incrementAndGet();
        } else if (old.deadline() != session.deadline()) {
            due.remove(Due.of(room, old));
        }
        due.add(Due.of(room, session));
        presence.users.computeIfAbsent(session.userId(), u -> new TreeMap<>()).put(session.sessionId(), session);
        presence.present = presence.users.size();
    }

    private PresenceChange end(MemoryStreamBroker.LockedRoom locked, String room, RoomPresence presence,
                               PresenceSession session, LeaveReason reason) {
        Map<String, PresenceSession> sessions = presence.users.get(session.userId());
        sessions.remove(session.sessionId());
        due.remove(Due.of(room, session));
        live.decrementAndGet();
        if (!sessions.isEmpty()) {
            return publish(locked, ChangeKind.SESSION_REMOVED, session, reason);
        }
        String userId = session.userId();
        presence.users.remove(userId);
        long now = clock.millis();
        presence.lastWrite = now;
        presence.lastDisconnected.put(userId, now);
        roomsByUser.computeIfPresent(userId, (u, rooms) -> without(rooms, room));
        presence.present = presence.users.size();
        RoomEvent event = locked.publish(ChangeKind.USER_LEFT.eventType(), PresenceEventData.left(session, reason, now));
        PresenceChange left = new PresenceChange(room, userId, session, ChangeKind.USER_LEFT, reason, event);
        if (presence.users.isEmpty()) {
            left = left.withOccupancy(locked.publish(PresenceChange.VACATED, PresenceEventData.vacated(reason, now)));
        }
        return left;
    }

    private static PresenceChange publish(MemoryStreamBroker.LockedRoom locked, ChangeKind kind, PresenceSession session,
                                          LeaveReason reason) {
        RoomEvent event = locked.publish(kind.eventType(), PresenceEventData.of(kind, session, reason));
        return new PresenceChange(event.room(), session.userId(), session, kind, reason, event);
    }

    /**
     * At most once a minute, forgets the presence of rooms nobody has been in for the idle TTL (only
     * their lastDisconnected was left), as the Redis store lets those keys expire.
     */
    private void forgetIdleRooms() {
        long now = clock.millis();
        long last = lastCleanup.get();
        if (now - last < CLEANUP_INTERVAL || !lastCleanup.compareAndSet(last, now)) {
            return;
        }
        long cutoff = now - idleTtl;
        for (Map.Entry<String, RoomPresence> entry : rooms.entrySet()) {
            // a racy first look (a size and a long), checked again under the room's lock
            if (entry.getValue().idleSince(cutoff)) {
                engine.inRoom(entry.getKey(), locked -> {
                    RoomPresence presence = rooms.get(entry.getKey());
                    if (presence != null && presence.idleSince(cutoff)) {
                        rooms.remove(entry.getKey());
                    }
                    return null;
                });
            }
        }
    }

    private static Set<String> with(Set<String> rooms, String room) {
        if (rooms == null) {
            return Set.of(room);
        }
        Set<String> copy = new HashSet<>(rooms);
        copy.add(room);
        return Set.copyOf(copy);
    }

    private static Set<String> without(Set<String> rooms, String room) {
        Set<String> copy = new HashSet<>(rooms);
        copy.remove(room);
        return copy.isEmpty() ? null : Set.copyOf(copy);
    }

    private static String meta(String meta) {
        return meta == null || meta.isBlank() ? "{}" : meta;
    }

    private static void requireIds(String room, String userId, String sessionId) {
        PresenceEventData.requireIds(room, userId, sessionId);
    }

    private static void requireOneLine(String value, String what) {
        StreamBroker.requireOneLine(value, what);
    }

    @FunctionalInterface
    private interface SessionStep {
        Optional<PresenceChange> apply(MemoryStreamBroker.LockedRoom locked, RoomPresence presence, PresenceSession session);
    }

    /** One room's presence; touched only under the room's lock. */
    private static final class RoomPresence {
        /** user id to session id to session, both sorted so bulk leaves end sessions in a stable order */
        final Map<String, Map<String, PresenceSession>> users = new TreeMap<>();
        final Map<String, Long> lastDisconnected = new HashMap<>();
        long lastWrite;
        /** users.size(), written under the room's lock, read without it ({@link #usersPresent}) */
        volatile int present;

        PresenceSession session(String userId, String sessionId) {
            Map<String, PresenceSession> sessions = users.get(userId);
            return sessions == null ? null : sessions.get(sessionId);
        }

        boolean idleSince(long cutoff) {
            return users.isEmpty() && lastWrite < cutoff;
        }
    }

    /** A live session's place in the deadline index. */
    private record Due(long deadline, String room, String userId, String sessionId) implements Comparable<Due> {

        static Due of(String room, PresenceSession session) {
            return new Due(session.deadline(), room, session.userId(), session.sessionId());
        }

        @Override
        public int compareTo(Due other) {
            int c = Long.compare(deadline, other.deadline);
            if (c == 0) {
                c = room.compareTo(other.room);
            }
            if (c == 0) {
                c = userId.compareTo(other.userId);
            }
            return c != 0 ? c : sessionId.compareTo(other.sessionId);
        }
    }
}
