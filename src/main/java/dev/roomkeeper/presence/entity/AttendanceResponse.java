package dev.roomkeeper.presence.entity;

import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.time.Instant;

/**
 * One attendance record as the API shows it. {@code leftAt} and {@code leaveReason} are null (and
 * sent as {@code null}) while the session lasts.
 *
 * @param leaveReason     {@code left}, {@code closed}, {@code expired} or {@code kicked}
 * @param durationSeconds whole seconds from {@code joinedAt} to {@code leftAt}, or to now while open
 */
@JsonbNillable
@JsonbPropertyOrder({"roomId", "userId", "sessionId", "joinedAt", "leftAt", "leaveReason", "durationSeconds"})
public record AttendanceResponse(String roomId, String userId, String sessionId, Instant joinedAt, Instant leftAt,
                                 String leaveReason, long durationSeconds) {
}
