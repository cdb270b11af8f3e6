package dev.roomkeeper.auth.control;

/** Whether {@code POST /api/dev/tokens} may mint tokens. */
public enum DevTokenMode {
    /** Not requested ({@code roomkeeper.auth.dev-tokens=false}). */
    OFF,
    /** Requested outside production: anyone who reaches the endpoint can mint any token. */
    ON,
    /** Requested, but refused because {@code roomkeeper.mode} is production (or not understood). */
    REFUSED;

    /** The lower-case form for health data and logs. */
    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
