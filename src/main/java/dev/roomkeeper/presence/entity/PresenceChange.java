package dev.roomkeeper.presence.entity;

import dev.roomkeeper.stream.entity.RoomEvent;

import java.util.List;

/**
 * The outcome of one presence operation: what changed, and the room events it published (atomically
 * with the change, so the event stream and the presence state never disagree).
 *
 * @param room      the room id
 * @param userId    whose session
 * @param session   the session after the change (for ended sessions: as it was when it ended)
 * @param kind      what changed
 * @param reason    why the session ended (only for SESSION_REMOVED and USER_LEFT)
 * @param event     the published presence event
 * @param occupancy {@value #OCCUPIED} right after the join of the first user present in the room, or
 *                  {@value #VACATED} right after the leave of the last one, published in the same atomic
 *                  step; null when the room's occupancy did not change
 */
public record PresenceChange(String room, String userId, PresenceSession session, ChangeKind kind,
                             LeaveReason reason, RoomEvent event, RoomEvent occupancy) {

    /** The event type announcing that the room has someone present again. */
    public static final String OCCUPIED = "room.occupied";
    /** The event type announcing that the last user present left the room (any reason). */
    public static final String VACATED = "room.vacated";

    /** A change that did not change whether anyone is present. */
    public PresenceChange(String room, String userId, PresenceSession session, ChangeKind kind, LeaveReason reason,
                          RoomEvent event) {
        this(room, userId, session, kind, reason, event, null);
    }

    /** This change with the occupancy event its operation published after it. */
    public PresenceChange withOccupancy(RoomEvent occupied) {
        return new PresenceChange(room, userId, session, kind, reason, event, occupied);
    }

    /** Every event the change published, in seq order: the presence event, then any occupancy event. */
    public List<RoomEvent> events() {
        return occupancy == null ? List.of(event) : List.of(event, occupancy);
    }
}
