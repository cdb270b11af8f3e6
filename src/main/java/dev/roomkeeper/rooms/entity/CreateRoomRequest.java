package dev.roomkeeper.rooms.entity;

import dev.roomkeeper.platform.entity.PlainText;
import dev.roomkeeper.platform.entity.Problem;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Asks for a new room.
 * <p>
 * Validation is explicit because Payara's OpenAPI generator fails on constraint annotations on record components.
 *
 * @param slug  optional; made from the title (with a numeric suffix if taken) when absent
 * @param title what people see, 1 to 200 characters
 * @param kind  optional free text such as {@code huddle} (the default) or {@code town-hall}
 */
public record CreateRoomRequest(String slug, String title, String kind) {

    private static final Pattern SLUG = Pattern.compile(Slug.PATTERN);
    private static final Pattern KIND = Pattern.compile(Kind.PATTERN);

    /** What is wrong with this request, one entry per field; empty when a room may be created from it. */
    public List<Problem.FieldError> fieldErrors() {
        List<Problem.FieldError> errors = new ArrayList<>();
        if (slug != null && (slug.length() < Slug.MIN_LENGTH || slug.length() > Slug.MAX_LENGTH
                || !SLUG.matcher(slug).matches())) {
            errors.add(new Problem.FieldError("slug", Slug.RULE));
        }
        // trim(), not isBlank(): what "not blank" has always meant here
        if (title == null || title.trim().isEmpty()) {
            errors.add(new Problem.FieldError("title", "must not be blank"));
        } else if (title.length() > Room.MAX_TITLE_LENGTH) {
            errors.add(new Problem.FieldError("title", "size must be between 0 and " + Room.MAX_TITLE_LENGTH));
        } else if (!PlainText.isPlain(title)) {
            errors.add(new Problem.FieldError("title", PlainText.RULE));
        }
        if (kind != null && !KIND.matcher(kind).matches()) {
            errors.add(new Problem.FieldError("kind", Kind.RULE));
        }
        return errors;
    }
}
