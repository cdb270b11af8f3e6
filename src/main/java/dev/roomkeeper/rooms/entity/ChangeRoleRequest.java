package dev.roomkeeper.rooms.entity;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * Gives a member another role.
 *
 * @param role {@code host}, {@code presenter}, {@code participant} or {@code observer}
 */
public record ChangeRoleRequest(
        @NotNull
        @Pattern(regexp = Role.WIRE_PATTERN, message = Role.RULE)
        String role) {
}
