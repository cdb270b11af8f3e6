package dev.roomkeeper.presence.boundary;

import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.platform.entity.Problem.FieldError;
import dev.roomkeeper.transport.entity.ClientFrame;
import jakarta.json.Json;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PresenceHandlerTest {

    @Test
    void aJoinListsEveryInvalidFieldNotTheFirst() {
        ProblemException refused = assertThrows(ProblemException.class, () -> PresenceHandler.fields(frame("presence.join",
                "{\"room\":42,\"sessionId\":\"short\",\"interval\":18446744073709551617,"
                        + "\"meta\":{\"avatarUrl\":\"javascript:alert(1)\",\"isSpeaking\":\"yes\"},\"resumeToken\":7}")));
        assertEquals("validation", refused.type());
        assertEquals(List.of("interval", "meta.avatarUrl", "meta.isSpeaking", "resumeToken", "room", "sessionId"),
                fields(refused));
        assertEquals("must be a string", refused.errors().get(4).message());
        assertEquals("must be 8 to 64 characters of A-Z a-z 0-9 _ -", refused.errors().get(5).message());
    }

    @Test
    void missingFieldsAreNamedWithTheHttpHeartbeatsRules() {
        ProblemException refused = assertThrows(ProblemException.class,
                () -> PresenceHandler.fields(frame("presence.heartbeat", "{}")));
        assertEquals(List.of("room", "sessionId"), fields(refused));
        ProblemException update = assertThrows(ProblemException.class,
                () -> PresenceHandler.fields(frame("presence.update", "{\"room\":\"r\",\"sessionId\":\"tab-1234\",\"meta\":[]}")));
        assertEquals(List.of(new FieldError("meta", "must be a JSON object")), update.errors());
        ProblemException control = assertThrows(ProblemException.class,
                () -> PresenceHandler.fields(frame("presence.leave", "{\"room\":\"r\\u0000\",\"sessionId\":\"tab-1234\"}")));
        assertEquals(List.of("room"), fields(control));
    }

    @Test
    void validFieldsAreReadAsSent() {
        PresenceHandler.Fields fields = PresenceHandler.fields(frame("presence.join",
                "{\"room\":\"design-review\",\"sessionId\":\"tab-6f1c2a9e\",\"interval\":1e4,\"meta\":{\"displayName\":\"Ada\"}}"));
        assertEquals("design-review", fields.room());
        assertEquals(10_000L, fields.interval());
        assertEquals("Ada", fields.meta().getString("displayName"));
    }

    private static List<String> fields(ProblemException e) {
        return e.errors().stream().map(FieldError::field).toList();
    }

    private static ClientFrame frame(String type, String json) {
        try (var reader = Json.createReader(new StringReader(json))) {
            return new ClientFrame(type, null, reader.readObject());
        }
    }
}
