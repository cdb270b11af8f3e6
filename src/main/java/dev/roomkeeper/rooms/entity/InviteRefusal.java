package dev.roomkeeper.rooms.entity;

import java.time.Duration;

/**
 * Why an invite link does not work now. Each is answered with HTTP 410 and a problem of its own
 * {@link #type()}, whose detail is {@link #message(Duration)}: words for the person who clicked the link.
 */
public enum InviteRefusal {

    REVOKED("invite-revoked", "Invitation revoked", "This invitation link was revoked."),
    ROOM_CLOSED("room-closed", "Room closed", "This invitation link no longer works: the room is closed."),
    EXPIRED("invite-expired", "Invitation expired", "This invitation link has expired."),
    USED_UP("invite-used-up", "Invitation used up",
            "This invitation link has been used the maximum number of times."),
    ROOM_INACTIVE("room-inactive", "Room inactive",
            "This invitation link has expired: the room has been inactive for over %s.");

    private final String type;
    private final String title;
    private final String message;

    InviteRefusal(String type, String title, String message) {
        this.type = type;
        this.title = title;
        this.message = message;
    }

    /** The problem type, such as {@code invite-revoked}; also the {@code reason} of an invite preview. */
    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    /** What to tell the person; {@code inactivityWindow} is named only by {@link #ROOM_INACTIVE}. */
    public String message(Duration inactivityWindow) {
        return this == ROOM_INACTIVE ? message.formatted(inWords(inactivityWindow)) : message;
    }

    /**
     * A duration as a person would say it, in the largest of days, hours, minutes or seconds that
     * measures it exactly: {@code PT1H} is "1 hour", {@code PT90M} "90 minutes", {@code P2D} "2 days".
     */
    public static String inWords(Duration duration) {
        long seconds = Math.max(0, duration.getSeconds());
        if (seconds > 0 && seconds % 86_400 == 0) {
            return count(seconds / 86_400, "day");
        }
        if (seconds > 0 && seconds % 3_600 == 0) {
            return count(seconds / 3_600, "hour");
        }
        if (seconds > 0 && seconds % 60 == 0) {
            return count(seconds / 60, "minute");
        }
        return count(seconds, "second");
    }

    private static String count(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }
}
