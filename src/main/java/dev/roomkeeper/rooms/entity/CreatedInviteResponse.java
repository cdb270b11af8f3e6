package dev.roomkeeper.rooms.entity;

import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.time.Instant;

/**
 * A new invite, with its token: the only time the token is ever shown. Whoever holds it can join the room.
 *
 * @param token     43 characters of base64url; redeem with {@code POST /api/invites/{token}/redeem}
 * @param roomSlug  the room's slug, for building a friendly link
 * @param maxUses   how many redemptions may count, or null for no limit
 * @param expiresAt when it stops working, or null when only the room's inactivity ends it
 */
@JsonbPropertyOrder({"id", "token", "roomId", "roomSlug", "role", "maxUses", "uses", "expiresAt", "createdBy",
        "createdAt"})
@JsonbNillable
public record CreatedInviteResponse(String id, String token, String roomId, String roomSlug, String role,
                                    Integer maxUses, int uses, Instant expiresAt, String createdBy,
                                    Instant createdAt) {

    @Override
    public String toString() {
        // a record's default toString would print the token into any log line that shows this
        return "CreatedInviteResponse[id=" + id + ", roomId=" + roomId + ", role=" + role + "]";
    }
}
