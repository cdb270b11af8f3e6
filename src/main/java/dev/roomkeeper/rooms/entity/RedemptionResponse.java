package dev.roomkeeper.rooms.entity;

import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * What redeeming an invite did.
 *
 * @param roomId        the room's id, the key of its event stream
 * @param slug          the room's slug
 * @param role          the role the caller holds in the room now
 * @param alreadyMember true when the caller belonged to the room before: a member (their role kept, or raised to
 *                      the invite's), or granted an equal or stronger role by their token
 */
@JsonbPropertyOrder({"roomId", "slug", "role", "alreadyMember"})
@JsonbNillable
public record RedemptionResponse(String roomId, String slug, String role, boolean alreadyMember) {
}
