package dev.roomkeeper.presence.entity;

import java.util.Locale;

/** Why a session ended: recorded in attendance and sent in {@code presence.leave}. */
public enum LeaveReason {
    /** explicit leave, clean socket close, or an HTTP disconnect */
    LEFT,
    /** the room was closed */
    CLOSED,
    /** heartbeats stopped, or the reconnect grace ran out */
    EXPIRED,
    /** the member was removed from the room */
    KICKED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
