package dev.roomkeeper.testing;

import jakarta.json.JsonObject;

import java.time.Duration;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Rooms, members and tokens on a running node, through its public REST API. */
public final class Fixtures {

    private final Node node;

    public Fixtures(Node node) {
        this.node = node;
    }

    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static String token(String user) {
        return TestTokens.forUser(user).name(user.toUpperCase()).expiresIn(Duration.ofHours(1)).hs256(Servers.SECRET);
    }

    public static String adminToken() {
        return TestTokens.forUser("admin-" + UUID.randomUUID().toString().substring(0, 6)).name("Admin").admin()
                .expiresIn(Duration.ofHours(1)).hs256(Servers.SECRET);
    }

    public Api admin() {
        return new Api(node.base(), adminToken());
    }

    public Api as(String user) {
        return new Api(node.base(), token(user));
    }

    /** Creates an open room and returns its JSON (id, slug, …). */
    public JsonObject room() {
        String slug = unique("room");
        Api.Reply reply = admin().post("/api/rooms", "{\"title\":\"Room " + slug + "\",\"slug\":\"" + slug + "\",\"kind\":\"huddle\"}");
        assertEquals(201, reply.status(), reply::toString);
        return reply.json();
    }

    /** Makes {@code user} a member of {@code roomId} with {@code role}. */
    public void member(String roomId, String user, String role) {
        Api.Reply reply = admin().post("/api/rooms/" + roomId + "/members",
                "{\"userId\":\"" + user + "\",\"role\":\"" + role + "\"}");
        assertEquals(201, reply.status(), reply::toString);
    }

    /** A WebSocket authenticated as {@code user}. */
    public WsClient socket(String user) {
        return WsClient.authenticated(node.ws(), token(user));
    }

    public static String subscribe(String room, String id) {
        return "{\"type\":\"subscribe\",\"id\":\"" + id + "\",\"room\":\"" + room + "\"}";
    }

    public static String subscribe(String room, String id, long since, String epoch) {
        return "{\"type\":\"subscribe\",\"id\":\"" + id + "\",\"room\":\"" + room + "\",\"since\":" + since
                + (epoch == null ? "" : ",\"epoch\":\"" + epoch + "\"") + "}";
    }

    public static String presenceJoin(String room, String id, String sessionId, long intervalMs, String metaJson) {
        return "{\"type\":\"presence.join\",\"id\":\"" + id + "\",\"room\":\"" + room + "\",\"sessionId\":\"" + sessionId
                + "\",\"interval\":" + intervalMs + (metaJson == null ? "" : ",\"meta\":" + metaJson) + "}";
    }

    public static String presence(String type, String room, String id, String sessionId) {
        return "{\"type\":\"presence." + type + "\",\"id\":\"" + id + "\",\"room\":\"" + room + "\",\"sessionId\":\"" + sessionId + "\"}";
    }

    public static String session() {
        return "tab-" + UUID.randomUUID();
    }

    public static String publish(String room, String id, String dataJson) {
        return "{\"type\":\"publish\",\"id\":\"" + id + "\",\"room\":\"" + room + "\",\"data\":" + dataJson + "}";
    }
}
