package dev.roomkeeper.presence.entity;

import java.util.Locale;

/** A presence session is online, or reconnecting within its grace period after its socket dropped. */
public enum SessionState {
    ONLINE, RECONNECTING;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
