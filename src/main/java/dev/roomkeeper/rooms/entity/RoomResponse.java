package dev.roomkeeper.rooms.entity;

import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.time.Instant;

/**
 * A room as the API shows it.
 *
 * @param state    {@code open} or {@code closed}
 * @param closedBy who closed it: an admin's user id, or {@code system:idle-sweep}; null while open (and for
 *                 rooms closed before this was recorded)
 */
@JsonbPropertyOrder({"id", "slug", "title", "kind", "state", "createdBy", "createdAt", "updatedAt", "closedAt",
        "closeReason", "closedBy"})
@JsonbNillable
public record RoomResponse(String id, String slug, String title, String kind, String state, String createdBy,
                           Instant createdAt, Instant updatedAt, Instant closedAt, String closeReason,
                           String closedBy) {
}
