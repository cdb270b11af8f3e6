package dev.roomkeeper.rooms.entity;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Asks for a new room.
 *
 * @param slug  optional; made from the title (with a numeric suffix if taken) when absent
 * @param title what people see, 1 to 200 characters
 * @param kind  optional free text such as {@code huddle} (the default) or {@code town-hall}
 */
public record CreateRoomRequest(
        @Size(min = Slug.MIN_LENGTH, max = Slug.MAX_LENGTH, message = Slug.RULE)
        @Pattern(regexp = Slug.PATTERN, message = Slug.RULE)
        String slug,

        @NotBlank
        @Size(max = Room.MAX_TITLE_LENGTH)
        String title,

        @Pattern(regexp = Kind.PATTERN, message = Kind.RULE)
        String kind) {
}
