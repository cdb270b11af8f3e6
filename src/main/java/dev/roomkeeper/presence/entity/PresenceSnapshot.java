package dev.roomkeeper.presence.entity;

import java.util.List;
import java.util.Map;

/**
 * A room's presence, valid at {@code seq} of the room's stream: apply it, then apply events with a
 * greater seq. Presence events are idempotent upserts and removals, so applying one whose effect the
 * snapshot already shows is harmless.
 *
 * @param room             the room id
 * @param epoch            the stream's epoch
 * @param seq              the stream seq the snapshot is valid at
 * @param sessions         every live session (online or reconnecting), grouped by the caller as needed
 * @param lastDisconnected users who were present and are not now: user id to epoch ms of their last leave
 */
public record PresenceSnapshot(String room, String epoch, long seq, List<PresenceSession> sessions,
                               Map<String, Long> lastDisconnected) {

    public PresenceSnapshot {
        sessions = List.copyOf(sessions);
        lastDisconnected = Map.copyOf(lastDisconnected);
    }
}
