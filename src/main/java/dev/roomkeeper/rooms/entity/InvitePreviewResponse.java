package dev.roomkeeper.rooms.entity;

import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.time.Instant;

/**
 * Whether an invite would work for the caller now, without redeeming it, so a page can explain a dead
 * link before anyone clicks, and warn before it dies.
 *
 * @param valid        true when redeeming now would succeed (barring a change in between)
 * @param reason       when not valid: the problem type redeeming would answer, such as {@code invite-expired}
 * @param message      when not valid: the sentence to show, as redeeming would answer it
 * @param role         the role the invite gives
 * @param expiresAt    its fixed end, or null
 * @param maxUses      its limit, or null
 * @param lastActivity the room's last activity (now while anyone is present)
 * @param inactiveAt   when the room counts as idle, and the link stops working, unless something happens
 *                     in the room before: lastActivity + the inactivity window
 */
@JsonbPropertyOrder({"valid", "reason", "message", "roomSlug", "roomTitle", "role", "expiresAt", "uses",
        "maxUses", "lastActivity", "inactiveAt"})
@JsonbNillable
public record InvitePreviewResponse(boolean valid, String reason, String message, String roomSlug,
                                    String roomTitle, String role, Instant expiresAt, int uses, Integer maxUses,
                                    Instant lastActivity, Instant inactiveAt) {
}
