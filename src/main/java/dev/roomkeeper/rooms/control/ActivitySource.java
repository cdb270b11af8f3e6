package dev.roomkeeper.rooms.control;

import java.time.Instant;
import java.util.Optional;

/**
 * Something that knows when a room was last in use. {@link RoomActivity} asks every CDI bean of this type
 * and takes the latest answer, so a feature adds what it knows by adding a bean: nothing that asks
 * {@link RoomActivity} changes.
 * <p>
 * Sources today: {@link StoredRoomActivity} (the room's row) and {@link TouchedRooms} (in-memory touches).
 * The presence integration will add a source that answers "now" while someone is present in the room and
 * the last departure otherwise, shared across nodes by the presence store.
 * <p>
 * Make sources {@code @ApplicationScoped}, cheap, and safe to call from any thread.
 */
public interface ActivitySource {

    /** When the room (by id) was last known to be in use, or empty when this source knows nothing of it. */
    Optional<Instant> lastActivity(String roomId);
}
