package dev.roomkeeper.rooms.entity;

import dev.roomkeeper.auth.entity.Role;

/**
 * What a caller may do in an open room, as decided by {@code RoomAccess}.
 *
 * @param roomId the room's id, the key of its event stream
 * @param slug   the room's slug
 * @param role   the caller's role there (admins count as hosts)
 */
public record Access(String roomId, String slug, Role role) {
}
