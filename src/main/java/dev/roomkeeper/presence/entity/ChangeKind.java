package dev.roomkeeper.presence.entity;

/** What one presence operation changed, and so which event it published. */
public enum ChangeKind {
    /** the user's first session: {@code presence.join} */
    USER_JOINED("presence.join", null),
    /** another session of an online user: {@code presence.update}, change {@code session-added} */
    SESSION_ADDED("presence.update", "session-added"),
    /** a session's metadata changed: {@code presence.update}, change {@code meta} */
    META_UPDATED("presence.update", "meta"),
    /** a session's socket dropped; it is within its grace: {@code presence.update}, change {@code reconnecting} */
    RECONNECTING("presence.update", "reconnecting"),
    /** a reconnecting session came back: {@code presence.update}, change {@code resumed} */
    RESUMED("presence.update", "resumed"),
    /** a session ended but the user has others: {@code presence.update}, change {@code session-removed} */
    SESSION_REMOVED("presence.update", "session-removed"),
    /** the user's last session ended: {@code presence.leave} */
    USER_LEFT("presence.leave", null);

    private final String eventType;
    private final String change;

    ChangeKind(String eventType, String change) {
        this.eventType = eventType;
        this.change = change;
    }

    public String eventType() {
        return eventType;
    }

    /** The {@code change} field of a {@code presence.update}; null for join and leave. */
    public String change() {
        return change;
    }

    /** True when a session started (attendance opens a record). */
    public boolean sessionStarted() {
        return this == USER_JOINED || this == SESSION_ADDED;
    }

    /** True when a session ended (attendance closes its record). */
    public boolean sessionEnded() {
        return this == SESSION_REMOVED || this == USER_LEFT;
    }
}
