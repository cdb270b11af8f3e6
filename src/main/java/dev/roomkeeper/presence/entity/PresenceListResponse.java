package dev.roomkeeper.presence.entity;

import jakarta.json.JsonObject;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.util.List;

/**
 * A room's presence as clients see it, valid at {@code seq} of the room's stream: online users (in the
 * order they arrived) with each of their sessions, and users who left, most recent first.
 *
 * @param room    the room id
 * @param epoch   the stream's epoch
 * @param seq     the stream seq the presence is valid at: apply events with a greater seq
 * @param users   users with at least one live session
 * @param offline users who were present and are not now
 */
@JsonbPropertyOrder({"room", "epoch", "seq", "users", "offline"})
public record PresenceListResponse(String room, String epoch, long seq, List<User> users, List<Offline> offline) {

    /**
     * An online user.
     *
     * @param displayName from the first session's metadata, else the user id
     * @param role        the member's role in the room, from the first session's metadata
     */
    @JsonbPropertyOrder({"userId", "displayName", "role", "sessions"})
    public record User(String userId, String displayName, String role, List<Session> sessions) {
    }

    /**
     * One tab or connection of a user.
     *
     * @param state    {@code online} or {@code reconnecting}
     * @param joinedAt epoch ms
     * @param meta     the sanitised metadata
     */
    @JsonbPropertyOrder({"sessionId", "state", "joinedAt", "meta"})
    public record Session(String sessionId, String state, long joinedAt, JsonObject meta) {
    }

    /** A user who left, with when their last session ended (epoch ms). */
    @JsonbPropertyOrder({"userId", "lastDisconnected"})
    public record Offline(String userId, long lastDisconnected) {
    }
}
