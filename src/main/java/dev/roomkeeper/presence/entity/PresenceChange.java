package dev.roomkeeper.presence.entity;

import dev.roomkeeper.stream.entity.RoomEvent;

/**
 * The outcome of one presence operation: what changed, and the room event it published (atomically
 * with the change, so the event stream and the presence state never disagree).
 *
 * @param room    the room id
 * @param userId  whose session
 * @param session the session after the change (for ended sessions: as it was when it ended)
 * @param kind    what changed
 * @param reason  why the session ended (only for SESSION_REMOVED and USER_LEFT)
 * @param event   the published room event
 */
public record PresenceChange(String room, String userId, PresenceSession session, ChangeKind kind,
                             LeaveReason reason, RoomEvent event) {
}
