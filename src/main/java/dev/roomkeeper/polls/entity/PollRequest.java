package dev.roomkeeper.polls.entity;

import dev.roomkeeper.platform.entity.Problem.FieldError;
import dev.roomkeeper.platform.entity.WholeNumber;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A poll a host asks for, read strictly from a JSON object (a REST body or a {@code poll.create} frame):
 * {@code question} (required), {@code options} (2 to 10 distinct non-blank strings), {@code multiple} (boolean,
 * default false), and at most one of {@code closesAt} (epoch ms) and {@code closesIn} (ms from now). Texts are kept
 * trimmed.
 *
 * @param question the question
 * @param options  the options' texts, in order
 * @param multiple several options per voter
 * @param closesAt epoch ms when the poll closes by itself, 0 for never
 */
public record PollRequest(String question, List<String> options, boolean multiple, long closesAt) {

    /** The fields a poll request may carry beside those of the frame or the room ({@code type}, {@code id}, {@code room}). */
    public static final Set<String> FIELDS = Set.of("question", "options", "multiple", "closesAt", "closesIn");

    public PollRequest {
        options = List.copyOf(options);
    }

    /**
     * Reads and checks a request at {@code now}, refusing it with every invalid field named.
     *
     * @param ignored fields of the envelope that are not the request's ({@code type}, {@code id}, {@code room})
     * @return the request, or the errors (never both)
     */
    public static Parsed parse(JsonObject json, Set<String> ignored, PollLimits limits, long now) {
        List<FieldError> errors = new ArrayList<>();
        if (json == null) {
            return new Parsed(null, List.of(new FieldError("body", "must be a JSON object")));
        }
        for (String name : json.keySet()) {
            if (!FIELDS.contains(name) && !ignored.contains(name)) {
                errors.add(new FieldError(name, "is not a field of a poll"));
            }
        }
        String question = null;
        JsonValue q = json.get("question");
        if (!(q instanceof JsonString text) || text.getString().isBlank()) {
            errors.add(new FieldError("question", "is required: a non-blank string"));
        } else if (text.getString().strip().length() > limits.maxQuestion()) {
            errors.add(new FieldError("question", "must be at most " + limits.maxQuestion() + " characters"));
        } else {
            question = text.getString().strip();
        }
        List<String> options = new ArrayList<>();
        JsonValue o = json.get("options");
        if (o == null || o.getValueType() != JsonValue.ValueType.ARRAY
                || o.asJsonArray().size() < PollLimits.MIN_OPTIONS || o.asJsonArray().size() > PollLimits.MAX_OPTIONS) {
            errors.add(new FieldError("options", "is required: " + PollLimits.MIN_OPTIONS + " to "
                    + PollLimits.MAX_OPTIONS + " strings"));
        } else {
            Set<String> seen = new HashSet<>();
            int i = 0;
            for (JsonValue item : o.asJsonArray()) {
                String field = "options[" + i++ + "]";
                if (!(item instanceof JsonString text) || text.getString().isBlank()) {
                    errors.add(new FieldError(field, "must be a non-blank string"));
                } else if (text.getString().strip().length() > limits.maxOptionText()) {
                    errors.add(new FieldError(field, "must be at most " + limits.maxOptionText() + " characters"));
                } else if (!seen.add(text.getString().strip().toLowerCase(Locale.ROOT))) {
                    errors.add(new FieldError(field, "repeats an earlier option"));
                } else {
                    options.add(text.getString().strip());
                }
            }
        }
        boolean multiple = false;
        JsonValue m = json.get("multiple");
        if (m == JsonValue.TRUE) {
            multiple = true;
        } else if (m != null && m != JsonValue.FALSE && m != JsonValue.NULL) {
            errors.add(new FieldError("multiple", "must be true or false"));
        }
        long closesAt = 0;
        long max = now + limits.maxDurationMs();
        JsonValue at = json.get("closesAt");
        JsonValue in = json.get("closesIn");
        boolean hasAt = at != null && at != JsonValue.NULL;
        boolean hasIn = in != null && in != JsonValue.NULL;
        if (hasAt && hasIn) {
            errors.add(new FieldError("closesIn", "give closesAt or closesIn, not both"));
        } else if (hasIn) {
            OptionalLong ms = whole(in, PollLimits.MIN_DURATION_MS, limits.maxDurationMs());
            if (ms.isEmpty()) {
                errors.add(new FieldError("closesIn", "must be a whole number of ms from " + PollLimits.MIN_DURATION_MS
                        + " to " + limits.maxDurationMs()));
            } else {
                closesAt = now + ms.getAsLong();
            }
        } else if (hasAt) {
            OptionalLong ms = whole(at, now + PollLimits.MIN_DURATION_MS, max);
            if (ms.isEmpty()) {
                errors.add(new FieldError("closesAt", "must be epoch ms from 1 s to " + limits.maxDurationMs()
                        + " ms from now"));
            } else {
                closesAt = ms.getAsLong();
            }
        }
        if (!errors.isEmpty()) {
            return new Parsed(null, errors);
        }
        return new Parsed(new PollRequest(question, options, multiple, closesAt), List.of());
    }

    private static OptionalLong whole(JsonValue value, long min, long max) {
        return value instanceof JsonNumber number ? WholeNumber.of(number, min, max) : OptionalLong.empty();
    }

    /** A parsed request or its errors. */
    public record Parsed(PollRequest request, List<FieldError> errors) {
        public Parsed {
            errors = List.copyOf(errors);
        }
    }

    /** The options as a poll holds them: ids {@code a}, {@code b}, ... in order. */
    public List<PollOption> pollOptions() {
        List<PollOption> list = new ArrayList<>();
        for (int i = 0; i < options.size(); i++) {
            list.add(new PollOption(PollOption.idAt(i), options.get(i)));
        }
        return list;
    }
}
