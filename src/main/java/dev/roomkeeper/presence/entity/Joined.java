package dev.roomkeeper.presence.entity;

import dev.roomkeeper.rooms.entity.Access;

import java.time.Duration;

/**
 * A session that joined (or refreshed), with what the client needs next.
 *
 * @param access       the room and the member's role
 * @param sessionId    the session
 * @param interval     the heartbeat interval the server granted
 * @param snapshot     the room's presence, valid at {@code snapshot.seq()}
 * @param sessionToken names this session: send it to {@code /api/presence/disconnect} (sendBeacon) or back as
 *                     {@code resumeToken}; the same for every heartbeat of the session, spent when it ends
 * @param roomToken    lets a page list this room's presence without a bearer token, until it expires
 */
public record Joined(Access access, String sessionId, Duration interval, PresenceSnapshot snapshot,
                     String sessionToken, String roomToken) {
}
