package dev.roomkeeper.rooms.entity;

import dev.roomkeeper.auth.entity.Role;

import dev.roomkeeper.platform.entity.PlainText;
import dev.roomkeeper.platform.entity.Problem;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Makes a user a member of a room.
 * <p>
 * Validation is explicit because Payara's OpenAPI generator fails on constraint annotations on record components.
 *
 * @param userId the user's id, as in the {@code sub} of their token
 * @param role   {@code host}, {@code presenter}, {@code participant} or {@code observer}
 */
public record AddMemberRequest(String userId, String role) {

    private static final Pattern ROLE = Pattern.compile(Role.WIRE_PATTERN);

    /** What is wrong with this request, one entry per field; empty when the member may be added. */
    public List<Problem.FieldError> fieldErrors() {
        List<Problem.FieldError> errors = new ArrayList<>();
        // trim(), not isBlank(): what "not blank" has always meant here
        if (userId == null || userId.trim().isEmpty()) {
            errors.add(new Problem.FieldError("userId", "must not be blank"));
        } else if (userId.length() > Membership.MAX_USER_ID_LENGTH) {
            errors.add(new Problem.FieldError("userId", "size must be between 0 and " + Membership.MAX_USER_ID_LENGTH));
        } else if (!PlainText.isPlain(userId)) {
            errors.add(new Problem.FieldError("userId", PlainText.RULE));
        }
        if (role == null) {
            errors.add(new Problem.FieldError("role", "must not be null"));
        } else if (!ROLE.matcher(role).matches()) {
            errors.add(new Problem.FieldError("role", Role.RULE));
        }
        return errors;
    }
}
