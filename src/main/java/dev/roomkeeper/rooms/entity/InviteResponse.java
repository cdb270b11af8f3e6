package dev.roomkeeper.rooms.entity;

import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.time.Instant;

/**
 * An invite as hosts see it when listing: never with its token, which is shown only on creation.
 *
 * @param role      the role a redeemer gets, such as {@code participant}
 * @param maxUses   how many redemptions may count, or null for no limit
 * @param uses      how many have counted
 * @param expiresAt when it stops working, or null when only the room's inactivity ends it
 * @param revokedAt when it was revoked, or null
 */
@JsonbPropertyOrder({"id", "roomId", "role", "maxUses", "uses", "expiresAt", "createdBy", "createdAt", "revokedAt"})
@JsonbNillable
public record InviteResponse(String id, String roomId, String role, Integer maxUses, int uses, Instant expiresAt,
                             String createdBy, Instant createdAt, Instant revokedAt) {
}
