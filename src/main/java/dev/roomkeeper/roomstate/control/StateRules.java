package dev.roomkeeper.roomstate.control;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.auth.entity.Role;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.platform.entity.Problem.FieldError;
import dev.roomkeeper.roomstate.entity.StateKey;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Who may write which key of a room's state, and what the keys with a meaning of their own may hold: the rules of
 * {@code src/docs/roomstate.md}, without lookups. Reads are every member's (room access decides membership).
 */
public final class StateRules {

    /** Longest message id a pin names, and user id a spotlight names. */
    public static final int MAX_ID = 128;
    public static final int MAX_ANNOUNCEMENT = 500;
    public static final int MAX_KEPT = 10;

    private StateRules() {
    }

    /**
     * Refuses a write of {@code key} by {@code caller} with role {@code role} (admins count as hosts).
     *
     * @throws ProblemException 403 {@code forbidden} saying why
     */
    public static void requireWritable(StateKey key, Role role, Caller caller) {
        String refusal = writeRefusal(key, role, caller.admin(), caller.userId());
        if (refusal != null) {
            throw ProblemException.forbidden(refusal);
        }
    }

    /** Why {@code userId} may not write {@code key}, or null when it may. */
    static String writeRefusal(StateKey key, Role role, boolean admin, String userId) {
        StateKey.Namespace namespace = key.namespace();
        if (namespace == StateKey.Namespace.FEATURE) {
            String feature = key.name().substring(0, key.name().indexOf('/'));
            return "Keys under " + feature + "/ are kept by the server's " + feature + " feature; clients read them only.";
        }
        if (admin) {
            return null;
        }
        if (!role.canPublish()) {
            return "Observers read the room's state but cannot change it.";
        }
        return switch (namespace) {
            case USER -> key.owner().filter(userId::equals).isPresent() ? null
                    : "Keys under user/<userId>/ are written by that user only; yours are under user/" + userId + "/.";
            case UI, ROOM -> role == Role.HOST ? null
                    : "Only hosts may change the keys under " + key.name().substring(0, key.name().indexOf('/') + 1) + ".";
            default -> null;
        };
    }

    /**
     * Refuses a value that a key with a meaning of its own cannot hold, or a key of a host namespace that does not
     * exist. {@code value} is null for an increment.
     *
     * @throws ProblemException 400 {@code validation} naming {@code key} or {@code value}
     */
    public static void requireValid(StateKey key, JsonValue value) {
        List<FieldError> errors = valueErrors(key, value);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
    }

    static List<FieldError> valueErrors(StateKey key, JsonValue value) {
        StateKey.Namespace namespace = key.namespace();
        if (namespace != StateKey.Namespace.UI && namespace != StateKey.Namespace.ROOM) {
            return List.of();
        }
        String name = key.name();
        if (!name.equals(StateKey.PINNED) && !name.equals(StateKey.SPOTLIGHT) && !name.equals(StateKey.ANNOUNCEMENT)
                && !name.equals(StateKey.KEPT)) {
            return List.of(new FieldError("key", "is not a key of the host namespaces: they are " + StateKey.PINNED + ", "
                    + StateKey.SPOTLIGHT + ", " + StateKey.ANNOUNCEMENT + " and " + StateKey.KEPT));
        }
        if (value == null) {
            return List.of(new FieldError("key", "holds no counter: set it or delete it"));
        }
        return switch (name) {
            case StateKey.PINNED -> text(value, MAX_ID, "the pinned message's id");
            case StateKey.SPOTLIGHT -> text(value, MAX_ID, "the spotlighted user's id");
            case StateKey.ANNOUNCEMENT -> text(value, MAX_ANNOUNCEMENT, "the announcement's text");
            default -> keptErrors(value);
        };
    }

    private static List<FieldError> text(JsonValue value, int max, String what) {
        if (value instanceof JsonString text && !text.getString().isBlank() && text.getString().length() <= max) {
            return List.of();
        }
        return List.of(new FieldError("value", "must be " + what + ": a string of 1 to " + max + " characters, not blank"));
    }

    private static List<FieldError> keptErrors(JsonValue value) {
        List<FieldError> errors = new ArrayList<>();
        if (value.getValueType() != JsonValue.ValueType.ARRAY || value.asJsonArray().size() > MAX_KEPT) {
            return List.of(new FieldError("value", "must be an array of at most " + MAX_KEPT + " key prefixes"));
        }
        Set<String> seen = new HashSet<>();
        for (JsonValue item : value.asJsonArray()) {
            if (!(item instanceof JsonString prefix) || !StateKey.valid(prefix.getString()) || !seen.add(prefix.getString())) {
                errors.add(new FieldError("value", "each kept prefix must be distinct and " + StateKey.RULE));
                break;
            }
        }
        return errors;
    }

    /** The prefixes a stored {@code room/kept} value names (nothing for anything else). */
    public static List<String> keptPrefixes(JsonValue value) {
        if (value == null || value.getValueType() != JsonValue.ValueType.ARRAY) {
            return List.of();
        }
        List<String> prefixes = new ArrayList<>();
        for (JsonValue item : value.asJsonArray()) {
            if (item instanceof JsonString prefix && StateKey.valid(prefix.getString())) {
                prefixes.add(prefix.getString());
            }
        }
        return prefixes;
    }
}
