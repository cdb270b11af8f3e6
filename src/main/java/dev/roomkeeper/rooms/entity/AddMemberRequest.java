package dev.roomkeeper.rooms.entity;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Makes a user a member of a room.
 *
 * @param userId the user's id, as in the {@code sub} of their token
 * @param role   {@code host}, {@code presenter}, {@code participant} or {@code observer}
 */
public record AddMemberRequest(
        @NotBlank
        @Size(max = Membership.MAX_USER_ID_LENGTH)
        String userId,

        @NotNull
        @Pattern(regexp = Role.WIRE_PATTERN, message = Role.RULE)
        String role) {
}
