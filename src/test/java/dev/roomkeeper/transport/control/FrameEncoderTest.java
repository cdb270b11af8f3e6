package dev.roomkeeper.transport.control;

import dev.roomkeeper.platform.entity.Problem.FieldError;
import dev.roomkeeper.transport.entity.OutboundFrame;
import jakarta.json.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every frame the server sends, as protocol.md shows it (fields in that order). */
class FrameEncoderTest {

    @Test
    void acksAndErrorsEchoTheIdAndCarryTheServersTime() {
        assertEquals("{\"type\":\"ack\",\"id\":\"s1\",\"time\":5,\"result\":{\"room\":\"r\"}}",
                FrameEncoder.encode(new OutboundFrame.Ack("s1", 5, Json.createObjectBuilder().add("room", "r").build())));
        assertEquals("{\"type\":\"error\",\"code\":\"bad-json\",\"message\":\"The frame is not valid JSON.\",\"time\":6}",
                FrameEncoder.encode(new OutboundFrame.Error(null, "bad-json", "The frame is not valid JSON.", List.of(), 6)));
        assertEquals("{\"type\":\"error\",\"id\":\"j1\",\"code\":\"validation\",\"message\":\"m\",\"errors\":"
                        + "[{\"field\":\"meta.isSpeaking\",\"message\":\"must be true or false\"}],\"time\":7}",
                FrameEncoder.encode(new OutboundFrame.Error("j1", "validation", "m",
                        List.of(new FieldError("meta.isSpeaking", "must be true or false")), 7)));
    }

    @Test
    void anErrorCarriesItsProblemsExtensionMembersButNeverOverAStandardOne() {
        var extensions = Json.createObjectBuilder().add("key", "k")
                .add("current", Json.createObjectBuilder().add("version", 7).add("value", Json.createArrayBuilder().add(1)))
                .add("code", "spoofed").add("time", 0).build();
        assertEquals("{\"type\":\"error\",\"id\":\"c1\",\"code\":\"version-conflict\",\"message\":\"m\",\"key\":\"k\","
                        + "\"current\":{\"version\":7,\"value\":[1]},\"time\":8}",
                FrameEncoder.encode(new OutboundFrame.Error("c1", "version-conflict", "m", List.of(), 8, extensions)));
    }

    @Test
    void welcomePongUnsubscribedAndResync() {
        assertEquals("{\"type\":\"welcome\",\"id\":\"a1\",\"connectionId\":\"c\",\"user\":{\"id\":\"ada\",\"name\":\"Ada\"},"
                        + "\"time\":1,\"limits\":{\"maxFrameBytes\":65536,\"ratePerSecond\":50.0,\"rateBurst\":100,"
                        + "\"maxSubscriptions\":100,\"idleTimeoutSeconds\":120},\"expiresAt\":9}",
                FrameEncoder.encode(new OutboundFrame.Welcome("a1", "c", "ada", "Ada", 1,
                        new OutboundFrame.Limits(65536, 50, 100, 100, 120), 9L)));
        assertEquals("{\"type\":\"pong\",\"time\":2,\"clientTime\":1795580761000}",
                FrameEncoder.encode(new OutboundFrame.Pong(null, 2, Json.createValue(1795580761000L))));
        assertEquals("{\"type\":\"unsubscribed\",\"room\":\"r\",\"reason\":\"removed\",\"time\":3}",
                FrameEncoder.encode(new OutboundFrame.Unsubscribed("r", "removed", 3)));
        assertEquals("{\"type\":\"resync\",\"room\":\"r\",\"seq\":57}", FrameEncoder.encode(new OutboundFrame.Resync("r", 57, null)));
        assertEquals("{\"type\":\"resync\",\"room\":\"r\",\"seq\":57,\"epoch\":\"e2\"}",
                FrameEncoder.encode(new OutboundFrame.Resync("r", 57, "e2")));
    }
}
