package dev.roomkeeper.platform.control;

import dev.roomkeeper.platform.control.StrictJsonReader.Refusal;
import dev.roomkeeper.platform.control.StrictJsonReader.Refused;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StrictJsonReaderTest {

    private final StrictJsonReader reader = new StrictJsonReader(StrictJsonReader.DEFAULT_MAX_DEPTH);

    @Test
    void readsEveryJsonValueAsSent() {
        JsonObject read = reader.read(" {\"a\":[1,2.50,1e400,-0,true,false,null,\"\\ud83d\\ude00\"],\"b\":{\"c\":\"é\"}} \n").asJsonObject();
        assertEquals("[1,2.50,1E+400,0,true,false,null,\"\ud83d\ude00\"]", read.get("a").toString());
        assertEquals("é", read.getJsonObject("b").getString("c"));
        assertEquals(JsonValue.ValueType.ARRAY, reader.read("[]").getValueType());
        assertEquals("\"x\"", reader.read("\"x\"").toString());
        assertEquals("7", reader.read("7").toString());
        assertEquals(JsonValue.NULL, reader.read("null"));
        assertEquals("{\"z\":1,\"a\":2}", reader.read("{\"z\":1,\"a\":2}").toString(), "members keep their order");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "{", "{\"a\":}", "{'a':1}", "[1,]", "{\"a\":1,}", "nul", "\"\u0001\"", "\ufeff{}"})
    void whatIsNotJsonIsRefusedAsSuch(String text) {
        Refused refused = assertThrows(Refused.class, () -> reader.read(text));
        assertEquals(Refusal.SYNTAX, refused.refusal(), refused::getMessage);
        assertTrue(!refused.getMessage().isBlank());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"title\":\"x\"} garbage", "{}{}", "{} {}", "[]]", "1 2", "\"a\"\"b\"", "{}x", "null,", "01"})
    void anythingAfterTheValueIsRefused(String text) {
        Refused refused = assertThrows(Refused.class, () -> reader.read(text));
        assertEquals(Refusal.TRAILING, refused.refusal(), refused::getMessage);
    }

    @Test
    void aMemberNameTwiceInOneObjectIsRefusedAtAnyLevel() {
        Refused top = assertThrows(Refused.class, () -> reader.read("{\"sub\":\"a\",\"sub\":\"b\"}"));
        assertEquals(Refusal.DUPLICATE_NAME, top.refusal());
        assertEquals("sub", top.name());
        assertTrue(top.getMessage().contains("\"sub\""), top::getMessage);
        Refused deep = assertThrows(Refused.class, () -> reader.read("{\"meta\":{\"custom\":[{\"k\":1,\"k\":1}]}}"));
        assertEquals(Refusal.DUPLICATE_NAME, deep.refusal());
        assertEquals("{\"a\":{\"a\":{\"a\":1}}}", reader.read("{\"a\":{\"a\":{\"a\":1}}}").toString(),
                "the same name in nested objects is fine");
        assertEquals(Refusal.DUPLICATE_NAME, assertThrows(Refused.class,
                () -> reader.read("{\"\\u0061\":1,\"a\":2}")).refusal(), "an escape spells the same name");
    }

    @Test
    void loneSurrogatesAreRefusedInStringsAndNames() {
        for (String text : new String[]{"{\"a\":\"\\ud800\"}", "[\"x\\udc00\"]", "{\"\\ud800\":1}", "\"\\ude00\\ud83d\"",
                "{\"a\":{\"b\":[\"\\ud83dx\"]}}"}) {
            Refused refused = assertThrows(Refused.class, () -> reader.read(text), text);
            assertEquals(Refusal.LONE_SURROGATE, refused.refusal(), text);
        }
    }

    @Test
    void nestingIsBoundedByTheMaxDepth() {
        assertEquals(JsonValue.ValueType.ARRAY, reader.read("[".repeat(32) + "]".repeat(32)).getValueType());
        assertEquals(Refusal.TOO_DEEP, assertThrows(Refused.class,
                () -> reader.read("[".repeat(33) + "]".repeat(33))).refusal());
        assertEquals(Refusal.TOO_DEEP, assertThrows(Refused.class,
                () -> reader.read("{\"a\":" + "[".repeat(1_100) + "]".repeat(1_100) + "}")).refusal(),
                "beyond the parser's own limit too: refused by the walk before the parser gets there");
        assertEquals(Refusal.TOO_DEEP, assertThrows(Refused.class,
                () -> reader.read("[".repeat(100_000))).refusal(), "unbalanced, and deep");
        StrictJsonReader one = new StrictJsonReader(1);
        assertEquals("{\"a\":1}", one.read("{\"a\":1}").toString());
        assertEquals(Refusal.TOO_DEEP, assertThrows(Refused.class, () -> one.read("{\"a\":[]}")).refusal());
    }

    @Test
    void theMaxDepthIsBounded() {
        assertThrows(IllegalArgumentException.class, () -> new StrictJsonReader(0));
        assertThrows(IllegalArgumentException.class, () -> new StrictJsonReader(StrictJsonReader.MAX_MAX_DEPTH + 1));
    }

    @Test
    void aRefusedObjectStillNamesTheOutermostIdReadBeforeTheProblem() {
        String deep = "[".repeat(2_000) + "]".repeat(2_000);
        Refused tooDeep = assertThrows(Refused.class, () -> reader.read("{\"type\":\"publish\",\"id\":\"f7\",\"data\":" + deep + "}"));
        assertEquals(Refusal.TOO_DEEP, tooDeep.refusal());
        assertEquals("f7", tooDeep.topLevelId());
        assertEquals("f8", assertThrows(Refused.class,
                () -> reader.read("{\"id\":\"f8\",\"text\":\"\\ud800\"}")).topLevelId(), "a lone surrogate after the id");
        assertEquals(null, assertThrows(Refused.class,
                () -> reader.read("{\"data\":" + deep + ",\"id\":\"late\"}")).topLevelId(), "an id after the problem is not read");
        assertEquals(null, assertThrows(Refused.class,
                () -> reader.read("{\"data\":{\"id\":\"inner\",\"x\":" + deep + "}}")).topLevelId(), "only the outermost id");
        assertEquals(null, assertThrows(Refused.class,
                () -> reader.read("{\"id\":7,\"x\":" + deep + "}")).topLevelId(), "only a string id");
    }
}
