package dev.roomkeeper.watch.entity;

/**
 * A room's viewers as the server counts them, published as the value of the key {@code counts} in the space
 * {@code viewers} (event {@code viewers.set}).
 *
 * @param total               users with a tab (visible or not) heard from within the active window
 * @param active              users with a visible tab heard from within the active window
 * @param averageWatchSeconds the mean watch seconds of the {@code total} viewers, rounded down; 0 without viewers
 * @param at                  when the server counted them (epoch ms)
 */
public record ViewerCounts(int total, int active, long averageWatchSeconds, long at) {

    public static final ViewerCounts NONE = new ViewerCounts(0, 0, 0, 0);

    /** True when the three numbers are those of {@code other} (the time aside). */
    public boolean sameNumbers(ViewerCounts other) {
        return other != null && total == other.total && active == other.active
                && averageWatchSeconds == other.averageWatchSeconds;
    }

    public String toJson() {
        return "{\"total\":" + total + ",\"active\":" + active + ",\"averageWatchSeconds\":" + averageWatchSeconds
                + ",\"at\":" + at + "}";
    }
}
