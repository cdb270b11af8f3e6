package dev.roomkeeper.rooms.entity;

import java.util.Locale;
import java.util.Optional;

/** Whether a room can be joined. A closed room stays closed. */
public enum RoomState {
    OPEN, CLOSED;

    /** The wire and column name: lower case, as in {@code "open"}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<RoomState> fromWire(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String wanted = value.trim().toLowerCase(Locale.ROOT);
        for (RoomState state : values()) {
            if (state.wireName().equals(wanted)) {
                return Optional.of(state);
            }
        }
        return Optional.empty();
    }
}
