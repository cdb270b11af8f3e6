package dev.roomkeeper.presence.entity;

import java.util.Objects;

/**
 * One tab or connection of a user in a room.
 *
 * @param sessionId chosen by the client, stable across reconnects of that tab
 * @param userId    the token's subject
 * @param meta      sanitised metadata as a JSON object (text): displayName, role, avatarUrl,
 *                  isSpeaking, isRecording, custom
 * @param state     online, or reconnecting within its grace
 * @param joinedAt  when the session started, epoch ms
 * @param deadline  when the session expires unless it heartbeats (or resumes), epoch ms
 */
public record PresenceSession(String sessionId, String userId, String meta, SessionState state, long joinedAt,
                              long deadline) {

    public PresenceSession {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(userId, "userId");
        meta = meta == null || meta.isBlank() ? "{}" : meta;
        Objects.requireNonNull(state, "state");
    }
}
