package dev.roomkeeper.rooms.entity;

import jakarta.validation.constraints.Size;

/**
 * Closes a room; the whole body is optional.
 *
 * @param reason why, shown to the people in the room; at most 200 characters
 */
public record CloseRoomRequest(@Size(max = Room.MAX_CLOSE_REASON_LENGTH) String reason) {
}
