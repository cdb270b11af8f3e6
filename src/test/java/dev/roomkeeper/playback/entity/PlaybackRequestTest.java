package dev.roomkeeper.playback.entity;

import dev.roomkeeper.platform.entity.Problem.FieldError;
import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlaybackRequestTest {

    private static JsonObject json(String text) {
        try (var reader = JsonProvider.provider().createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    private static List<String> fields(List<FieldError> errors) {
        return errors.stream().map(FieldError::field).sorted().toList();
    }

    @Test
    void aSeekNeedsAFinitePositionFromZeroAndAnEventId() {
        assertEquals(List.of("eventId", "positionMs"), fields(PlaybackCommand.parse(CommandType.SEEK, json("{}")).errors()));
        assertEquals(List.of("positionMs"), fields(PlaybackCommand.parse(CommandType.SEEK,
                json("{\"eventId\":\"e1\",\"positionMs\":-1}")).errors()));
        assertEquals(List.of("positionMs"), fields(PlaybackCommand.parse(CommandType.SEEK,
                json("{\"eventId\":\"e1\",\"positionMs\":1e400}")).errors()));
        assertEquals(List.of("positionMs"), fields(PlaybackCommand.parse(CommandType.SEEK,
                json("{\"eventId\":\"e1\",\"positionMs\":\"12\"}")).errors()));
        PlaybackCommand ok = PlaybackCommand.parse(CommandType.SEEK, json("{\"eventId\":\"e1\",\"positionMs\":1234.6}")).command();
        assertEquals(1235, ok.positionMs());
    }

    @Test
    void aRateIsFromAQuarterToFour() {
        assertEquals(List.of("rate"), fields(PlaybackCommand.parse(CommandType.RATE, json("{\"eventId\":\"e\",\"rate\":0.2}")).errors()));
        assertEquals(List.of("rate"), fields(PlaybackCommand.parse(CommandType.RATE, json("{\"eventId\":\"e\",\"rate\":4.5}")).errors()));
        assertEquals(List.of("rate"), fields(PlaybackCommand.parse(CommandType.RATE, json("{\"eventId\":\"e\"}")).errors()));
        assertEquals(0.25, PlaybackCommand.parse(CommandType.RATE, json("{\"eventId\":\"e\",\"rate\":0.25}")).command().rate());
        assertEquals(4.0, PlaybackCommand.parse(CommandType.RATE, json("{\"eventId\":\"e\",\"rate\":4}")).command().rate());
    }

    @Test
    void mediaTakesOnlyHttpAndHttpsUrlsWithAHost() {
        for (String bad : List.of("javascript:alert(1)", "ftp://x.example/f", "https://", "/relative", "https://a b.example/",
                "data:video/mp4;base64,AAAA", "https://x.example/" + "a".repeat(2048))) {
            PlaybackCommand.Parsed parsed = PlaybackCommand.parse(CommandType.MEDIA,
                    json("{\"eventId\":\"e\",\"mediaUrl\":\"" + bad + "\"}"));
            assertEquals(List.of("mediaUrl"), fields(parsed.errors()), bad);
        }
        PlaybackCommand ok = PlaybackCommand.parse(CommandType.MEDIA,
                json("{\"eventId\":\"e\",\"mediaUrl\":\"HTTPS://cdn.example/v.m3u8?t=1\",\"title\":\"  Ep 2 \"}")).command();
        assertEquals("Ep 2", ok.title());
    }

    @Test
    void anEventIdIsShortAndPlain() {
        assertEquals(List.of("eventId"), fields(PlaybackCommand.parse(CommandType.PLAY, json("{\"eventId\":\"a b\"}")).errors()));
        assertEquals(List.of("eventId"), fields(PlaybackCommand.parse(CommandType.PLAY,
                json("{\"eventId\":\"" + "x".repeat(65) + "\"}")).errors()));
        assertTrue(PlaybackCommand.parse(CommandType.PLAY, json("{\"eventId\":\"host-1:play.7_a\"}")).errors().isEmpty());
    }

    @Test
    void aStreamRequestHasDefaultsAndBoundedTolerance() {
        StreamRequest request = StreamRequest.parse(json("{\"mediaUrl\":\"https://cdn.example/f.mp4\"}"), 500).request();
        assertEquals("Untitled", request.title());
        assertTrue(request.syncEnabled());
        assertTrue(request.waitForAll());
        assertEquals(500, request.toleranceMs());
        assertNull(request.eventId());
        assertEquals(List.of("mediaUrl", "syncEnabled", "toleranceMs"), fields(StreamRequest.parse(
                json("{\"toleranceMs\":49,\"syncEnabled\":\"yes\"}"), 500).errors()));
        assertEquals(List.of("toleranceMs"), fields(StreamRequest.parse(
                json("{\"mediaUrl\":\"https://x.example/\",\"toleranceMs\":10001}"), 500).errors()));
        assertEquals(List.of("toleranceMs"), fields(StreamRequest.parse(
                json("{\"mediaUrl\":\"https://x.example/\",\"toleranceMs\":100.5}"), 500).errors()));
        assertEquals(List.of("body"), fields(StreamRequest.parse(null, 500).errors()));
    }
}
