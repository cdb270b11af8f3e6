package dev.roomkeeper.participants.control;

import dev.roomkeeper.participants.entity.Target;
import dev.roomkeeper.rooms.control.RoomDirectory;
import dev.roomkeeper.rooms.entity.RoomResponse;
import dev.roomkeeper.rooms.entity.Slug;
import dev.roomkeeper.rooms.entity.RoomChange;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps a LiveKit room's name to a Roomkeeper room and a channel (see {@code participants.md}): the whole name is a
 * room (its id or slug) with the unnamed channel {@code ""}, or {@code <room><separator><channel>}, such as
 * {@code team-standup-General Lounge} with the separator {@code -}. A slug may itself contain the separator, so every
 * split is tried, the longest room part first; the first that names an open room wins. What names no open room is
 * unmapped.
 * <p>
 * Lookups are cached for {@value #CACHE_MILLIS} ms (misses for {@value #MISS_MILLIS} ms), so a busy LiveKit room
 * costs the database one query per half minute, not one per delivery; a room closed or made through this node is
 * forgotten at once.
 */
@ApplicationScoped
public class RoomNames {

    static final long CACHE_MILLIS = 30_000;
    /** Misses are kept shorter: a room made on another node (whose creation this node does not hear of) maps soon. */
    static final long MISS_MILLIS = 5_000;
    static final int CACHE_SIZE = 10_000;
    /** The longest channel: a session's key is {@code p/<channel>/<sid>}, at most 256 characters. */
    public static final int MAX_CHANNEL = 200;

    @Inject
    RoomDirectory directory;

    @Inject
    ParticipantSettings settings;

    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(String roomId, long until) {
    }

    /** One way to read a LiveKit room's name: the room part and the channel. */
    record Split(String room, String channel) {
    }

    /** The room and channel a LiveKit room's name maps to; empty when it maps to none. */
    public Optional<Target> map(String livekitRoom) {
        for (Split split : splits(livekitRoom, settings.separator())) {
            String roomId = resolve(split.room());
            if (roomId != null) {
                return Optional.of(new Target(roomId, split.channel()));
            }
        }
        return Optional.empty();
    }

    /**
     * The ways to read a name, in the order tried: the whole name, then each split at the separator, the longest room
     * part first. Only splits whose room part could be a room's id or slug and whose channel is valid are listed.
     */
    static List<Split> splits(String name, String separator) {
        List<Split> splits = new ArrayList<>();
        if (name == null || name.isEmpty()) {
            return splits;
        }
        if (couldBeRoom(name)) {
            splits.add(new Split(name, ""));
        }
        for (int at = name.lastIndexOf(separator); at > 0; at = name.lastIndexOf(separator, at - 1)) {
            String room = name.substring(0, at);
            String channel = name.substring(at + separator.length());
            if (couldBeRoom(room) && validChannel(channel)) {
                splits.add(new Split(room, channel));
            }
        }
        return splits;
    }

    /** A channel: 1 to {@value #MAX_CHANNEL} characters, no control characters. */
    public static boolean validChannel(String channel) {
        return channel != null && !channel.isEmpty() && channel.length() <= MAX_CHANNEL
                && channel.chars().noneMatch(Character::isISOControl);
    }

    private static boolean couldBeRoom(String ref) {
        String key = ref.toLowerCase(Locale.ROOT);
        return ref.equals(key) && (Slug.looksLikeId(key) || Slug.isValid(key));
    }

    /**
     * A closed room maps to nothing from now on, and a new room maps at once, not after the cache's half minute (a
     * delivery may have come before the room was made).
     */
    void onRoomChange(@Observes(during = TransactionPhase.AFTER_SUCCESS) @Priority(RoomChange.FORGET) RoomChange change) {
        if (change instanceof RoomChange.Closed closed) {
            cache.values().removeIf(c -> closed.roomId().equals(c.roomId()));
        } else if (change instanceof RoomChange.Created created) {
            cache.remove(created.roomId());
            if (created.slug() != null) {
                cache.remove(created.slug());
            }
        }
    }

    /** The open room's id, or null; from the cache when it is fresh. */
    private String resolve(String ref) {
        long now = System.currentTimeMillis();
        Cached cached = cache.get(ref);
        if (cached != null && cached.until() > now) {
            return cached.roomId();
        }
        String roomId = directory.find(ref).filter(r -> "open".equals(r.state())).map(RoomResponse::id).orElse(null);
        if (cache.size() >= CACHE_SIZE) {
            cache.clear();
        }
        cache.put(ref, new Cached(roomId, now + (roomId == null ? MISS_MILLIS : CACHE_MILLIS)));
        return roomId;
    }
}
