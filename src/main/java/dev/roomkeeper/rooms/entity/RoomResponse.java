package dev.roomkeeper.rooms.entity;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.time.Instant;

/**
 * A room as the API shows it.
 *
 * @param state {@code open} or {@code closed}
 */
@JsonbPropertyOrder({"id", "slug", "title", "kind", "state", "createdBy", "createdAt", "updatedAt", "closedAt",
        "closeReason"})
public record RoomResponse(String id, String slug, String title, String kind, String state, String createdBy,
                           Instant createdAt, Instant updatedAt, Instant closedAt, String closeReason) {
}
