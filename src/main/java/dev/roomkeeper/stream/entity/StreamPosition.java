package dev.roomkeeper.stream.entity;

/**
 * Where a room's stream stands.
 *
 * @param epoch the stream's incarnation (changes if the engine lost the room's counter)
 * @param seq   the latest seq published in the room, 0 if none
 */
public record StreamPosition(String epoch, long seq) {
}
