package dev.roomkeeper.watch.entity;

/**
 * One user in a room's watch report.
 *
 * @param userId          the user
 * @param seconds         the user's whole watch time in the room: every run credited, the live run as it is now
 * @param creditedSeconds what of it the database holds
 * @param active          whether the user accrues now
 * @param viewer          whether the user counts as a viewer now (a tab heard from within the active window)
 */
public record UserWatchResponse(String userId, long seconds, long creditedSeconds, boolean active, boolean viewer) {
}
