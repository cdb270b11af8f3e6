package dev.roomkeeper.engine.redis;

import dev.roomkeeper.presence.entity.ChangeKind;
import dev.roomkeeper.presence.entity.PresenceChange;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Lua resources: includes expand once, and the presence library names the events the Java enum does. */
class RedisScriptTest {

    @Test
    void includesAreExpandedOnceAndLeaveNoDirective() {
        RedisScript join = RedisScript.load("presence-join.lua");
        assertFalse(join.source().contains("-- @include"), "no directive left");
        assertEquals(1, count(join.source(), "local function publish_event("), "the stream library once");
        assertEquals(1, count(join.source(), "local function end_session("), "the presence library once");
        assertEquals(40, join.sha().length());
        assertNotEquals(RedisScript.load("presence-leave.lua").sha(), join.sha());
    }

    @Test
    void aMissingScriptIsRefusedByName() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> RedisScript.load("no-such.lua"));
        assertTrue(e.getMessage().contains("no-such.lua"), e.getMessage());
    }

    @Test
    void thePresenceLibraryPublishesTheEventTypesOfTheJavaEnum() {
        String library = RedisScript.load("presence-library.lua").source();
        Matcher row = Pattern.compile("(?m)^  ([A-Z_]+) = \\{'([a-z.]+)', (false|'([a-z-]+)')\\}").matcher(library);
        Map<String, String> lua = new LinkedHashMap<>();
        while (row.find()) {
            lua.put(row.group(1), row.group(2) + "/" + row.group(4));
        }
        Map<String, String> java = new LinkedHashMap<>();
        for (ChangeKind kind : ChangeKind.values()) {
            java.put(kind.name(), kind.eventType() + "/" + kind.change());
        }
        assertEquals(java, lua);
        assertTrue(library.contains("local OCCUPIED, VACATED = '" + PresenceChange.OCCUPIED + "', '"
                + PresenceChange.VACATED + "'"));
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
