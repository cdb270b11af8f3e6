package dev.roomkeeper.rooms.entity;

import dev.roomkeeper.auth.entity.Role;

import dev.roomkeeper.platform.entity.Problem;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Asks for a new invite link; every field is optional.
 * <p>
 * Validation is explicit because Payara's OpenAPI generator fails on constraint annotations on record components.
 * Rules that depend on the clock or the configuration (an expiry in the future, within the longest allowed
 * lifetime) are checked when the invite is created.
 *
 * @param role      the role redeemers get: {@code host}, {@code presenter}, {@code participant} (the default)
 *                  or {@code observer}
 * @param maxUses   how many redemptions may count, 1 to {@value Invite#MAX_USES_LIMIT}; absent for no limit
 * @param expiresAt when the link stops working, ISO-8601 with an offset ({@code 2025-03-01T18:00:00Z});
 *                  absent for no fixed end (the room's inactivity still ends it)
 */
public record CreateInviteRequest(String role, Integer maxUses, String expiresAt) {

    public static final Role DEFAULT_ROLE = Role.PARTICIPANT;
    public static final String EXPIRES_AT_RULE = "must be an ISO-8601 date and time with an offset, "
            + "such as 2025-03-01T18:00:00Z";

    private static final Pattern ROLE = Pattern.compile(Role.WIRE_PATTERN);

    /** What is wrong with this request, one entry per field; empty when its fields are well formed. */
    public List<Problem.FieldError> fieldErrors() {
        List<Problem.FieldError> errors = new ArrayList<>();
        if (role != null && !ROLE.matcher(role).matches()) {
            errors.add(new Problem.FieldError("role", Role.RULE));
        }
        if (maxUses != null && (maxUses < 1 || maxUses > Invite.MAX_USES_LIMIT)) {
            errors.add(new Problem.FieldError("maxUses", "must be from 1 to " + Invite.MAX_USES_LIMIT));
        }
        if (expiresAt != null && parse(expiresAt).isEmpty()) {
            errors.add(new Problem.FieldError("expiresAt", EXPIRES_AT_RULE));
        }
        return errors;
    }

    /** The role asked for, or {@link #DEFAULT_ROLE}. Call on a valid request. */
    public Role roleOrDefault() {
        return role == null ? DEFAULT_ROLE : Role.fromWire(role).orElseThrow();
    }

    /** The expiry asked for, if any. Call on a valid request. */
    public Optional<Instant> expiry() {
        return expiresAt == null ? Optional.empty() : Optional.of(parse(expiresAt).orElseThrow());
    }

    private static Optional<Instant> parse(String text) {
        try {
            return Optional.of(OffsetDateTime.parse(text.strip()).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
