package dev.roomkeeper.rooms.entity;

import dev.roomkeeper.platform.entity.Problem;

import java.util.List;

/**
 * Narrows a list of rooms; a null field does not narrow.
 *
 * @param state only rooms in this state
 * @param kind  only rooms of this kind
 */
public record RoomFilter(RoomState state, String kind) {

    public static final RoomFilter ALL = new RoomFilter(null, null);

    /**
     * Reads {@code state} and {@code kind} query parameters as sent, absent or blank meaning "any".
     * Each invalid one is added to {@code errors} and ignored.
     */
    public static RoomFilter parse(String state, String kind, List<Problem.FieldError> errors) {
        RoomState parsedState = null;
        if (state != null && !state.isBlank()) {
            parsedState = RoomState.fromWire(state).orElse(null);
            if (parsedState == null) {
                errors.add(new Problem.FieldError("state", "must be open or closed"));
            }
        }
        String parsedKind = null;
        if (kind != null && !kind.isBlank()) {
            if (Kind.isValid(kind.trim())) {
                parsedKind = kind.trim();
            } else {
                errors.add(new Problem.FieldError("kind", Kind.RULE));
            }
        }
        return new RoomFilter(parsedState, parsedKind);
    }
}
