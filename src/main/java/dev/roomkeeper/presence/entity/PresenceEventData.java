package dev.roomkeeper.presence.entity;

import dev.roomkeeper.platform.entity.JsonString;
import dev.roomkeeper.stream.control.StreamBroker;

/**
 * The {@code data} of presence events, built once as JSON text. The metadata is already a JSON object
 * and is embedded as is. The Redis presence store's scripts build the same text in Lua from strings
 * quoted here ({@link #quote}), so both stores publish byte-identical events:
 * <pre>
 * presence.join   {"userId":U,"sessionId":S,"state":"online","joinedAt":ms,"meta":{..}}
 * presence.update {"userId":U,"sessionId":S,"change":C,"state":St,"joinedAt":ms,"meta":{..}[,"reason":R]}
 * presence.leave  {"userId":U,"sessionId":S,"reason":R,"lastDisconnected":ms}
 * room.occupied   {"at":ms}
 * room.vacated    {"at":ms,"reason":R}
 * </pre>
 */
public final class PresenceEventData {

    private PresenceEventData() {
    }

    /**
     * Both stores refuse ids with a newline, as the engine refuses such rooms: the Redis store joins
     * them with newlines into hash fields and deadline members.
     */
    public static void requireIds(String room, String userId, String sessionId) {
        StreamBroker.requireOneLine(room, "room");
        StreamBroker.requireOneLine(userId, "userId");
        StreamBroker.requireOneLine(sessionId, "sessionId");
    }

    /** The data of a join or update event; {@code reason} only for SESSION_REMOVED, else null. */
    public static String of(ChangeKind kind, PresenceSession session, LeaveReason reason) {
        if (kind == ChangeKind.USER_LEFT) {
            throw new IllegalArgumentException("a leave carries lastDisconnected: use left()");
        }
        StringBuilder json = new StringBuilder(96 + session.meta().length())
                .append("{\"userId\":").append(quote(session.userId()))
                .append(",\"sessionId\":").append(quote(session.sessionId()));
        if (kind.change() != null) {
            json.append(",\"change\":\"").append(kind.change()).append('"');
        }
        json.append(",\"state\":\"").append(session.state().wireName())
                .append("\",\"joinedAt\":").append(session.joinedAt())
                .append(",\"meta\":").append(session.meta());
        if (reason != null) {
            json.append(",\"reason\":\"").append(reason.wireName()).append('"');
        }
        return json.append('}').toString();
    }

    /** The data of a {@code presence.leave}. */
    public static String left(PresenceSession session, LeaveReason reason, long lastDisconnected) {
        return "{\"userId\":" + quote(session.userId()) + ",\"sessionId\":" + quote(session.sessionId())
                + ",\"reason\":\"" + reason.wireName() + "\",\"lastDisconnected\":" + lastDisconnected + "}";
    }

    /** The data of a {@code room.occupied}: when the first user arrived. */
    public static String occupied(long at) {
        return "{\"at\":" + at + "}";
    }

    /** The data of a {@code room.vacated}: when, and why, the last user present left. */
    public static String vacated(LeaveReason reason, long at) {
        return "{\"at\":" + at + ",\"reason\":\"" + reason.wireName() + "\"}";
    }

    /** A JSON string literal ({@link JsonString#quote}). */
    public static String quote(String text) {
        return JsonString.quote(text);
    }
}
