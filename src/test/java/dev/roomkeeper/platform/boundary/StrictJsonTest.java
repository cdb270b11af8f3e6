package dev.roomkeeper.platform.boundary;

import dev.roomkeeper.auth.entity.IssueDevTokenRequest;
import dev.roomkeeper.platform.entity.Problem;
import dev.roomkeeper.presence.entity.HeartbeatRequest;
import dev.roomkeeper.rooms.entity.CreateInviteRequest;
import dev.roomkeeper.rooms.entity.CreateRoomRequest;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StrictJsonTest {

    private final Jsonb jsonb = new StrictJson().getContext(Object.class);

    @Test
    void valuesOfTheirOwnTypeAndNullsAreRead() {
        CreateRoomRequest room = jsonb.fromJson("{\"title\":\"Design\",\"slug\":null}", CreateRoomRequest.class);
        assertEquals("Design", room.title());
        assertNull(room.slug());
        CreateInviteRequest invite = jsonb.fromJson("{\"maxUses\":3,\"role\":\"observer\"}", CreateInviteRequest.class);
        assertEquals(3, invite.maxUses());
        HeartbeatRequest beat = jsonb.fromJson("{\"room\":\"r\",\"sessionId\":\"s-123456\",\"interval\":1e4,"
                + "\"meta\":{\"isSpeaking\":\"yes\",\"n\":1.5}}", HeartbeatRequest.class);
        assertEquals(10_000L, beat.interval(), "an exponent that makes a whole number is a whole number");
        assertEquals("yes", beat.meta().getString("isSpeaking"), "meta is kept as sent, for the presence rules to judge");
        IssueDevTokenRequest token = jsonb.fromJson("{\"sub\":\"ada\",\"rooms\":{\"r\":\"host\"}}", IssueDevTokenRequest.class);
        assertFalse(token.isAdmin());
        assertEquals(Map.of("r", "host"), token.rooms());
        assertTrue(jsonb.fromJson("{\"sub\":\"ada\",\"admin\":true}", IssueDevTokenRequest.class).isAdmin());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "CreateRoomRequest   | {\"title\":5}            | title      | must be a string",
            "CreateRoomRequest   | {\"title\":true}         | title      | must be a string",
            "CreateInviteRequest | {\"maxUses\":\"7\"}      | maxUses    | must be a whole number",
            "CreateInviteRequest | {\"maxUses\":1.5}        | maxUses    | must be a whole number",
            "CreateInviteRequest | {\"maxUses\":3000000000} | maxUses    | must be a whole number from -2147483648 to 2147483647",
            "HeartbeatRequest    | {\"interval\":\"10\"}    | interval   | must be a whole number",
            "IssueDevTokenRequest| {\"admin\":\"true\"}     | admin      | must be true or false",
            "IssueDevTokenRequest| {\"ttlSeconds\":60.5}   | ttlSeconds | must be a whole number",
    })
    void valuesOfAnotherJsonTypeNameTheirField(String type, String json, String field, String message) throws Exception {
        Class<?> request = Class.forName(switch (type.strip()) {
            case "IssueDevTokenRequest" -> "dev.roomkeeper.auth.entity.IssueDevTokenRequest";
            case "HeartbeatRequest" -> "dev.roomkeeper.presence.entity.HeartbeatRequest";
            default -> "dev.roomkeeper.rooms.entity." + type.strip();
        });
        JsonbException failure = assertThrows(JsonbException.class, () -> jsonb.fromJson(json, request));
        assertEquals(new Problem.FieldError(field, message), StrictJson.mistyped(failure).orElseThrow());
    }

    @Test
    void otherFailuresAreNotTypeMistakes() {
        JsonbException failure = assertThrows(JsonbException.class, () -> jsonb.fromJson("{\"title\":", CreateRoomRequest.class));
        assertTrue(StrictJson.mistyped(failure).isEmpty());
    }
}
