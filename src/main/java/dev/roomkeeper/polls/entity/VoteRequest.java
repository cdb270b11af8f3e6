package dev.roomkeeper.polls.entity;

import dev.roomkeeper.platform.entity.Problem.FieldError;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The options a voter chooses, read strictly: {@code options}, 1 to 10 distinct option ids. Whether they fit the
 * poll (exist; one only for a single-choice poll) is {@link #invalidFor}'s to say, once the poll is read.
 *
 * @param options the chosen option ids, as sent
 */
public record VoteRequest(List<String> options) {

    public static final Set<String> FIELDS = Set.of("options");

    public VoteRequest {
        options = List.copyOf(options);
    }

    public static Parsed parse(JsonObject json, Set<String> ignored) {
        if (json == null) {
            return new Parsed(null, List.of(new FieldError("body", "must be a JSON object")));
        }
        List<FieldError> errors = new ArrayList<>();
        for (String name : json.keySet()) {
            if (!FIELDS.contains(name) && !ignored.contains(name)) {
                errors.add(new FieldError(name, "is not a field of a vote"));
            }
        }
        JsonValue o = json.get("options");
        Set<String> ids = new LinkedHashSet<>();
        if (o == null || o.getValueType() != JsonValue.ValueType.ARRAY || o.asJsonArray().isEmpty()
                || o.asJsonArray().size() > PollLimits.MAX_OPTIONS) {
            errors.add(new FieldError("options", "is required: 1 to " + PollLimits.MAX_OPTIONS + " option ids"));
        } else {
            for (JsonValue item : o.asJsonArray()) {
                if (!(item instanceof JsonString id) || id.getString().isEmpty() || id.getString().length() > 8) {
                    errors.add(new FieldError("options", "must hold option ids (strings such as \"a\")"));
                    break;
                }
                if (!ids.add(id.getString())) {
                    errors.add(new FieldError("options", "names option " + id.getString() + " twice"));
                    break;
                }
            }
        }
        return errors.isEmpty() ? new Parsed(new VoteRequest(List.copyOf(ids)), List.of()) : new Parsed(null, errors);
    }

    /**
     * Why these options do not fit {@code poll} ({@code invalid-option}), or null when they do: an id the poll does
     * not offer, or more than one on a single-choice poll.
     */
    public String invalidFor(Poll poll) {
        for (String id : options) {
            if (!poll.hasOption(id)) {
                return "The poll has no option \"" + id + "\"; its options are " + poll.optionIds() + ".";
            }
        }
        if (!poll.multiple() && options.size() != 1) {
            return "This poll takes exactly one option.";
        }
        return null;
    }

    /** The chosen ids in the poll's order. */
    public List<String> inPollOrder(Poll poll) {
        return poll.optionIds().stream().filter(options::contains).toList();
    }

    public record Parsed(VoteRequest request, List<FieldError> errors) {
        public Parsed {
            errors = List.copyOf(errors);
        }
    }
}
