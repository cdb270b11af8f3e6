package dev.roomkeeper.rooms.entity;

import dev.roomkeeper.auth.entity.Role;

/**
 * What a caller may do in an open room, as decided by {@code RoomAccess}.
 *
 * @param roomId the room's id, the key of its event stream
 * @param slug   the room's slug
 * @param role   the caller's role there (admins count as hosts)
 * @param byMembership true when the role comes from a membership in the database, false when from the caller's
 *                     token (a grant in its {@code rooms} claim, or the admin group): access that outlives the
 *                     token only while the membership lasts
 */
public record Access(String roomId, String slug, Role role, boolean byMembership) {

    /** Access granted by the caller's token. */
    public Access(String roomId, String slug, Role role) {
        this(roomId, slug, role, false);
    }
}
