package dev.roomkeeper.presence.entity;

import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.time.Instant;

/**
 * One user's attendance in a room, summed over all their records.
 *
 * @param sessions      how many records (sessions) the user has in the room
 * @param totalSeconds  whole seconds over all sessions; open sessions count up to now
 * @param firstJoinedAt when their first session started
 * @param lastLeftAt    when their last ended session ended; null (sent as {@code null}) when none has ended
 * @param online        true while at least one of their records is open
 */
@JsonbNillable
@JsonbPropertyOrder({"userId", "sessions", "totalSeconds", "firstJoinedAt", "lastLeftAt", "online"})
public record AttendanceTotalResponse(String userId, long sessions, long totalSeconds, Instant firstJoinedAt,
                                      Instant lastLeftAt, boolean online) {
}
