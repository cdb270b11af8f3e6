package dev.roomkeeper.watch.entity;

/**
 * What a watch heartbeat answers.
 *
 * @param room     the room's id
 * @param seconds  the user's watch seconds in the room's current run
 * @param active   whether the user accrues now
 * @param interval the heartbeat interval the server expects, in ms (a tab silent for twice as long stops accruing)
 */
public record WatchHeartbeatResponse(String room, long seconds, boolean active, long interval) {
}
