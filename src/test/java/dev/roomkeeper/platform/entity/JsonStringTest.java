package dev.roomkeeper.platform.entity;

import jakarta.json.Json;
import org.junit.jupiter.api.Test;

import java.io.StringReader;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonStringTest {

    @Test
    void pairsAreWellFormedAndLoneSurrogatesAnywhereAreNot() {
        assertTrue(JsonString.wellFormed(parse("{\"a\":[\"\\ud83d\\ude00\",1,true,null,{\"b\":\"é\"}]}")));
        assertFalse(JsonString.wellFormed(parse("{\"a\":\"\\ud800\"}")), "a high surrogate alone");
        assertFalse(JsonString.wellFormed(parse("{\"a\":\"x\\udc00\"}")), "a low surrogate alone");
        assertFalse(JsonString.wellFormed(parse("{\"a\":[{\"b\":\"\\ud83dx\"}]}")), "deep in an array");
        assertFalse(JsonString.wellFormed(parse("{\"\\ud800\":1}")), "in a member name");
        assertFalse(JsonString.wellFormed("\ude00\ud83d"), "a pair in the wrong order");
    }

    private static jakarta.json.JsonValue parse(String json) {
        try (var reader = Json.createReader(new StringReader(json))) {
            return reader.readValue();
        }
    }
}
