package dev.roomkeeper.watch.entity;

import java.util.List;

/**
 * A room's live watch state for its members, valid at {@code seq} of the room's stream: apply the
 * {@code watch.set} and {@code viewers.set} events with a greater seq on top.
 *
 * @param roomId  the room
 * @param epoch   the stream's epoch
 * @param seq     the seq the users' records are valid at
 * @param viewers the viewers counted now
 * @param users   each user's watch time in the current run, most watched first
 */
public record WatchLiveResponse(String roomId, String epoch, long seq, ViewerCounts viewers, List<LiveUser> users) {

    /**
     * @param userId    the user
     * @param seconds   whole seconds watched in the current run
     * @param active    whether the user accrues now
     * @param updatedAt when the record last changed (epoch ms)
     */
    public record LiveUser(String userId, long seconds, boolean active, long updatedAt) {
    }
}
