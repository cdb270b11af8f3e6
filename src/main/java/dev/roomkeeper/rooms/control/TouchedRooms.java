package dev.roomkeeper.rooms.control;

import dev.roomkeeper.rooms.entity.RoomChange;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.interceptor.Interceptor;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Activity reported by other features through {@link RoomActivity#touch(String, Instant)}, kept in
 * memory on this node only: it is lost on restart and not seen by other nodes. Today invite creation and
 * redemption touch a room; presence will bring activity shared by all nodes through its own
 * {@link ActivitySource}.
 */
@ApplicationScoped
public class TouchedRooms implements ActivitySource {

    /** Beyond this many rooms, touches older than the longest inactivity window are dropped. */
    static final int MAX_ENTRIES = 10_000;

    private final Map<String, Instant> touched = new ConcurrentHashMap<>();

    Clock clock = Clock.systemUTC();

    /** Records activity in a room at {@code at}; an earlier touch than the latest known changes nothing. */
    public void touch(String roomId, Instant at) {
        if (roomId == null || at == null) {
            return;
        }
        touched.merge(roomId, at, (old, now) -> now.isAfter(old) ? now : old);
        if (touched.size() > MAX_ENTRIES) {
            Instant stale = clock.instant().minus(RoomActivity.MAX_WINDOW);
            touched.values().removeIf(last -> last.isBefore(stale));
        }
    }

    @Override
    public Optional<Instant> lastActivity(String roomId) {
        return roomId == null ? Optional.empty() : Optional.ofNullable(touched.get(roomId));
    }

    int size() {
        return touched.size();
    }

    /** A closed room's invites no longer work whatever its activity, so its touches are dropped. */
    void onChange(@Observes(during = TransactionPhase.AFTER_SUCCESS) @Priority(Interceptor.Priority.APPLICATION)
                  RoomChange change) {
        if (change instanceof RoomChange.Closed closed) {
            touched.remove(closed.roomId());
        }
    }
}
