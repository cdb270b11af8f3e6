package dev.roomkeeper.watch.entity;

import java.util.Objects;

/**
 * A reading of one user's watch time in one run of a room, to be written to the database.
 *
 * @param roomId    the room
 * @param userId    the user
 * @param run       the run (see {@link WatchRecord#run()})
 * @param watchedMs the run's absolute watch time
 * @param since     when the run started (epoch ms)
 * @param at        when it was read (epoch ms)
 */
public record CreditRow(String roomId, String userId, String run, long watchedMs, long since, long at) {

    public CreditRow {
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(run, "run");
    }

    /** The identity of the database row it writes. */
    public String key() {
        return roomId + "\n" + userId + "\n" + run;
    }

    /** The later of two readings of the same row. */
    public CreditRow later(CreditRow other) {
        return other == null || watchedMs >= other.watchedMs ? this : other;
    }
}
