package dev.roomkeeper.rooms.entity;

import dev.roomkeeper.auth.entity.Role;

import dev.roomkeeper.platform.entity.Problem;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Gives a member another role.
 * <p>
 * Validation is explicit because Payara's OpenAPI generator fails on constraint annotations on record components.
 *
 * @param role {@code host}, {@code presenter}, {@code participant} or {@code observer}
 */
public record ChangeRoleRequest(String role) {

    private static final Pattern ROLE = Pattern.compile(Role.WIRE_PATTERN);

    /** What is wrong with this request, one entry per field; empty when the role may be changed. */
    public List<Problem.FieldError> fieldErrors() {
        List<Problem.FieldError> errors = new ArrayList<>();
        if (role == null) {
            errors.add(new Problem.FieldError("role", "must not be null"));
        } else if (!ROLE.matcher(role).matches()) {
            errors.add(new Problem.FieldError("role", Role.RULE));
        }
        return errors;
    }
}
