package dev.roomkeeper.rooms.entity;

import dev.roomkeeper.auth.entity.Role;

import java.util.Objects;

/**
 * Who gained or lost access to which room, and why: one typed CDI event, fired on every node when the room
 * event announcing the change ({@code member.added}, {@code member.role-changed}, {@code member.removed},
 * {@code room.closed}) reaches it, before that event is delivered to anyone on the node. The access cache
 * forgets what it held, and the transports end the subscriptions that lost access right after the announcing
 * event ({@link #seq}), so a client sees the event, then the end of its subscription. Observers must only
 * update memory, never block: they run on the delivery path of the room.
 *
 * @param roomId the room's id
 * @param userId whose access changed; null when it changed for everyone (the room was closed)
 * @param kind   what changed
 * @param role   the member's role after the change (for {@code GRANTED} and {@code ROLE_CHANGED}), else null
 * @param seq    the seq of the room event that announced the change
 */
public record AccessChange(String roomId, String userId, Kind kind, Role role, long seq) {

    public enum Kind {
        /** a member was added */
        GRANTED("granted"),
        /** a member's role changed */
        ROLE_CHANGED("role-changed"),
        /** a member was removed */
        REVOKED("removed"),
        /** the room was closed: nobody has access any more */
        ROOM_CLOSED("closed");

        private final String reason;

        Kind(String reason) {
            this.reason = reason;
        }

        /** The reason a transport gives for ending a subscription ({@code removed}, {@code closed}). */
        public String reason() {
            return reason;
        }
    }

    public AccessChange {
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(kind, "kind");
        if ((userId == null) != (kind == Kind.ROOM_CLOSED)) {
            throw new IllegalArgumentException("a member's change names the member; a close names nobody");
        }
    }

    /** True when the change takes access away: subscriptions it concerns end. */
    public boolean revokes() {
        return kind == Kind.REVOKED || kind == Kind.ROOM_CLOSED;
    }

    /** True when the change concerns {@code userId} (a close concerns everyone). */
    public boolean concerns(String userId) {
        return this.userId == null || this.userId.equals(userId);
    }
}
