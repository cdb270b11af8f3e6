package dev.roomkeeper.rooms.entity;

import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.time.Instant;

/**
 * A membership as the API shows it.
 *
 * @param role the role's wire name, such as {@code host}
 */
@JsonbPropertyOrder({"roomId", "userId", "role", "createdAt", "updatedAt"})
@JsonbNillable
public record MemberResponse(String roomId, String userId, String role, Instant createdAt, Instant updatedAt) {
}
