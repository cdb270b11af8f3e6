package dev.roomkeeper.auth.entity;

import java.util.Locale;
import java.util.Optional;

/**
 * What a member may do in a room. Ordered from most to least powerful.
 */
public enum Role {
    HOST, PRESENTER, PARTICIPANT, OBSERVER;

    /** What request records accept for a role: a wire name, in any case, with blanks around it. */
    public static final String WIRE_PATTERN = "(?i)\\s*(host|presenter|participant|observer)\\s*";

    public static final String RULE = "must be one of host, presenter, participant, observer";

    /** The wire name: lower case, as in {@code "host"}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> fromWire(String value) {
        if (value == null) {
            return Optional.empty();
        }
        for (Role role : values()) {
            if (role.wireName().equals(value.trim().toLowerCase(Locale.ROOT))) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }

    /** Hosts, presenters and participants may publish; observers only watch. */
    public boolean canPublish() {
        return this != OBSERVER;
    }

    public boolean atLeast(Role other) {
        return ordinal() <= other.ordinal();
    }
}
