package dev.roomkeeper.rooms.entity;

import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.time.Instant;

/**
 * Whether a room is still active, so a page can warn before its links stop working.
 *
 * @param state         {@code open} or {@code closed}
 * @param lastActivity  the latest activity in the room (events, presence, invites); now while anyone is present
 * @param inactiveAt    when the room counts as idle unless something happens before: lastActivity + window
 * @param active        open and not idle
 * @param window        the inactivity window, ISO-8601 ({@code PT1H})
 * @param windowSeconds the same, in seconds
 * @param occupied      whether anyone is present now (on any node)
 * @param usersPresent  how many users are present now
 */
@JsonbPropertyOrder({"roomId", "slug", "state", "lastActivity", "inactiveAt", "active", "window", "windowSeconds",
        "occupied", "usersPresent"})
@JsonbNillable
public record RoomActivityResponse(String roomId, String slug, String state, Instant lastActivity, Instant inactiveAt,
                                   boolean active, String window, long windowSeconds, boolean occupied,
                                   int usersPresent) {
}
