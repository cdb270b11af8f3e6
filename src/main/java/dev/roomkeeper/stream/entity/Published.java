package dev.roomkeeper.stream.entity;

/**
 * The answer to a publish made at most once per idempotency key.
 *
 * @param event     the event: the one just published, or (duplicate) the first attempt's seq, epoch and time with
 *                  this attempt's type and data
 * @param duplicate true when an earlier attempt with the same key had published it and nothing was published now
 */
public record Published(RoomEvent event, boolean duplicate) {
}
