package dev.roomkeeper.rooms.control;

import dev.roomkeeper.rooms.entity.Room;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.Optional;

/**
 * The floor under every room's activity: the room's own row, its {@code updated_at} (creation, or
 * closing), falling back to {@code created_at}. A room is therefore always active for one inactivity
 * window after it was created.
 */
@ApplicationScoped
public class StoredRoomActivity implements ActivitySource {

    @Inject
    RoomDirectory rooms;

    @Override
    public Optional<Instant> lastActivity(String roomId) {
        return rooms.lookup(roomId).map(StoredRoomActivity::of);
    }

    static Instant of(Room room) {
        Instant updated = room.getUpdatedAt();
        Instant created = room.getCreatedAt();
        if (updated == null) {
            return created;
        }
        return created == null || updated.isAfter(created) ? updated : created;
    }
}
