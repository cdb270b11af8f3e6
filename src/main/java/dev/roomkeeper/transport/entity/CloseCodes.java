package dev.roomkeeper.transport.entity;

/** The WebSocket close codes Roomkeeper uses; documented in src/docs/protocol.md. */
public final class CloseCodes {

    public static final int NORMAL = 1000;
    public static final int GOING_AWAY = 1001;
    public static final int BINARY_NOT_ACCEPTED = 1003;
    public static final int POLICY_FLOOD = 1008;
    public static final int TOO_BIG = 1009;
    public static final int INTERNAL = 1011;
    public static final int SLOW_CONSUMER = 1013;
    public static final int AUTH_FAILED = 4401;

    private CloseCodes() {
    }
}
