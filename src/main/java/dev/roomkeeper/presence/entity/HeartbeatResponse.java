package dev.roomkeeper.presence.entity;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * The answer to an HTTP presence heartbeat.
 *
 * @param room         the room id
 * @param slug         the room's slug
 * @param sessionId    the session kept alive
 * @param interval     the granted heartbeat interval (ms): call again within it
 * @param sessionToken the capability {@code /api/presence/disconnect} takes; the same on every heartbeat of the session
 * @param roomToken    the capability {@code /api/presence/list} takes
 * @param seq          the room stream's seq when the heartbeat was handled
 * @param epoch        the room stream's epoch
 */
@JsonbPropertyOrder({"room", "slug", "sessionId", "interval", "sessionToken", "roomToken", "seq", "epoch"})
public record HeartbeatResponse(String room, String slug, String sessionId, long interval, String sessionToken,
                                String roomToken, long seq, String epoch) {
}
