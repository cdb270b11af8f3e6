package dev.roomkeeper.polls.entity;

import java.util.Locale;
import java.util.Optional;

/** Why a poll closed; the wire and database name is the lower-case, dashed form ({@code room-closed}). */
public enum CloseReason {
    /** a host closed it */
    HOST,
    /** its close time came */
    TIME,
    /** the room closed */
    ROOM_CLOSED,
    /** the last user present left the room */
    VACATED,
    /** its live state was gone (the engine lost its data): closed with the votes that could be read, if any */
    LOST;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Optional<CloseReason> fromWire(String name) {
        for (CloseReason reason : values()) {
            if (reason.wireName().equals(name)) {
                return Optional.of(reason);
            }
        }
        return Optional.empty();
    }
}
