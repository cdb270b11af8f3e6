package dev.roomkeeper.polls.entity;

import dev.roomkeeper.platform.entity.Problem.FieldError;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class PollRequestTest {

    private static final PollLimits LIMITS = new PollLimits(20, 10, 5, 50, 100, 3_600_000);
    private static final long NOW = 1_000_000;

    private static PollRequest.Parsed parse(String json) {
        JsonObject body = Json.createReader(new StringReader(json)).readObject();
        return PollRequest.parse(body, Set.of("type", "id", "room"), LIMITS, NOW);
    }

    private static List<String> fields(String json) {
        return parse(json).errors().stream().map(FieldError::field).toList();
    }

    @Test
    void aValidRequestIsTrimmedAndGetsOptionIdsInOrder() {
        PollRequest request = parse("{\"type\":\"poll.create\",\"room\":\"r\",\"question\":\"  Lunch? \","
                + "\"options\":[\" Pizza\",\"Soup \",\"Salad\"],\"multiple\":true,\"closesIn\":60000}").request();
        assertEquals("Lunch?", request.question());
        assertEquals(List.of(new PollOption("a", "Pizza"), new PollOption("b", "Soup"), new PollOption("c", "Salad")),
                request.pollOptions());
        assertEquals(true, request.multiple());
        assertEquals(NOW + 60_000, request.closesAt());
    }

    @Test
    void singleChoiceWithoutCloseTimeByDefault() {
        PollRequest request = parse("{\"question\":\"Q\",\"options\":[\"x\",\"y\"]}").request();
        assertEquals(false, request.multiple());
        assertEquals(0, request.closesAt());
    }

    @Test
    void everyInvalidFieldIsNamed() {
        assertEquals(List.of("question", "options"), fields("{\"options\":[\"only one\"]}"));
        assertEquals(List.of("question"), fields("{\"question\":\"   \",\"options\":[\"x\",\"y\"]}"));
        assertEquals(List.of("question"), fields("{\"question\":\"" + "q".repeat(21) + "\",\"options\":[\"x\",\"y\"]}"));
        assertEquals(List.of("options"), fields("{\"question\":\"Q\",\"options\":[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\","
                + "\"7\",\"8\",\"9\",\"10\",\"11\"]}"));
        assertEquals(List.of("options[1]", "options[2]", "options[3]"),
                fields("{\"question\":\"Q\",\"options\":[\"x\",\" X \",7,\"" + "o".repeat(11) + "\"]}"));
        assertEquals(List.of("multiple"), fields("{\"question\":\"Q\",\"options\":[\"x\",\"y\"],\"multiple\":\"yes\"}"));
        assertEquals(List.of("colour"), fields("{\"question\":\"Q\",\"options\":[\"x\",\"y\"],\"colour\":\"red\"}"));
    }

    @Test
    void theCloseTimeIsBounded() {
        assertEquals(List.of("closesIn"), fields("{\"question\":\"Q\",\"options\":[\"x\",\"y\"],\"closesIn\":999}"));
        assertEquals(List.of("closesIn"), fields("{\"question\":\"Q\",\"options\":[\"x\",\"y\"],\"closesIn\":3600001}"));
        assertEquals(List.of("closesIn"), fields("{\"question\":\"Q\",\"options\":[\"x\",\"y\"],\"closesIn\":1500.5}"));
        assertEquals(List.of("closesAt"), fields("{\"question\":\"Q\",\"options\":[\"x\",\"y\"],\"closesAt\":" + NOW + "}"));
        assertEquals(List.of("closesIn"), fields("{\"question\":\"Q\",\"options\":[\"x\",\"y\"],\"closesAt\":"
                + (NOW + 5000) + ",\"closesIn\":5000}"));
        assertEquals(NOW + 3_600_000, parse("{\"question\":\"Q\",\"options\":[\"x\",\"y\"],\"closesAt\":"
                + (NOW + 3_600_000) + "}").request().closesAt());
        assertNull(parse("{\"question\":\"Q\",\"options\":[\"x\",\"y\"],\"closesIn\":-5}").request());
    }
}
