package dev.roomkeeper.watch.entity;

import java.util.List;

/**
 * A room's watch report for its hosts and admins.
 *
 * @param roomId  the room
 * @param viewers the viewers now (all zero for a closed room)
 * @param users   every user with watch time in the room, most watched first
 */
public record WatchReportResponse(String roomId, ViewerCounts viewers, List<UserWatchResponse> users) {
}
