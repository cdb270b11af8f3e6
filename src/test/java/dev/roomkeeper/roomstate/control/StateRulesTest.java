package dev.roomkeeper.roomstate.control;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.auth.entity.Role;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.platform.entity.Problem.FieldError;
import dev.roomkeeper.roomstate.entity.StateKey;
import jakarta.json.Json;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StateRulesTest {

    private static String refusal(String key, Role role, boolean admin, String user) {
        return StateRules.writeRefusal(new StateKey(key), role, admin, user);
    }

    @Test
    void sharedKeysAreForEveryMemberWhoMayPublish() {
        for (Role role : List.of(Role.HOST, Role.PRESENTER, Role.PARTICIPANT)) {
            assertNull(refusal("score", role, false, "ada"), role.name());
        }
        assertTrue(refusal("score", Role.OBSERVER, false, "otto").startsWith("Observers read"));
    }

    @Test
    void aUsersNamespaceIsThatUsersOnly() {
        assertNull(refusal("user/ada/cursor", Role.PARTICIPANT, false, "ada"));
        assertNull(refusal("user/ada", Role.PARTICIPANT, false, "ada"));
        assertTrue(refusal("user/bob/cursor", Role.PARTICIPANT, false, "ada").contains("user/ada/"));
        assertTrue(refusal("user/adam/x", Role.PARTICIPANT, false, "ada") != null, "a prefix of another id is not yours");
        assertTrue(refusal("user/bob/cursor", Role.HOST, false, "hal") != null, "not even a host's");
        assertTrue(refusal("user//x", Role.PARTICIPANT, false, "") != null, "a key naming no user is nobody's");
        assertTrue(refusal("user/otto/x", Role.OBSERVER, false, "otto") != null, "observers write nothing");
    }

    @Test
    void theHostNamespacesAreForHosts() {
        assertNull(refusal("ui/pinned", Role.HOST, false, "hal"));
        assertNull(refusal("room/kept", Role.HOST, false, "hal"));
        assertTrue(refusal("ui/pinned", Role.PRESENTER, false, "pia").contains("ui/"));
        assertTrue(refusal("room/kept", Role.PARTICIPANT, false, "ada").contains("room/"));
    }

    @Test
    void adminsWriteAnythingButAFeaturesKeys() {
        assertNull(refusal("user/bob/x", Role.HOST, true, "root"));
        assertNull(refusal("ui/spotlight", Role.OBSERVER, true, "root"));
        assertTrue(refusal("watch/ada", Role.HOST, true, "root").contains("watch feature"));
        assertTrue(refusal("polls/p1", Role.HOST, false, "hal") != null);
        assertTrue(refusal("viewers/total", Role.PARTICIPANT, false, "ada") != null);
    }

    @Test
    void aRefusalIsForbidden() {
        Caller ada = new Caller("ada", null, null, false, Map.of(), Instant.now().plusSeconds(60));
        ProblemException e = assertThrows(ProblemException.class,
                () -> StateRules.requireWritable(new StateKey("user/bob/x"), Role.PARTICIPANT, ada));
        assertEquals(403, e.status());
        assertEquals("forbidden", e.type());
    }

    @Test
    void theHostUiKeysHoldCheckedValues() {
        assertEquals(List.of(), errors("ui/pinned", "\"msg-42\""));
        assertEquals(List.of(), errors("ui/spotlight", "\"ada\""));
        assertEquals(List.of(), errors("ui/announcement", "\"Break: back in 5 minutes\""));
        assertEquals("value", errors("ui/pinned", "42").get(0).field());
        assertEquals("value", errors("ui/pinned", "\" \"").get(0).field());
        assertEquals("value", errors("ui/spotlight", "\"" + "x".repeat(129) + "\"").get(0).field());
        assertEquals("value", errors("ui/announcement", "\"" + "x".repeat(501) + "\"").get(0).field());
        assertEquals("value", errors("ui/announcement", "{\"text\":\"hi\"}").get(0).field());
        assertEquals("key", errors("ui/theme", "\"dark\"").get(0).field(), "no other ui/ key exists");
        assertEquals("key", errors("room/title", "\"x\"").get(0).field());
        assertEquals("key", StateRules.valueErrors(new StateKey("ui/pinned"), null).get(0).field(), "no counter");
        assertEquals(List.of(), errors("score", "{\"any\":[1,2]}"), "shared keys hold any JSON");
        assertEquals(List.of(), StateRules.valueErrors(new StateKey("score"), null));
    }

    @Test
    void keptNamespacesAreAShortListOfDistinctPrefixes() {
        assertEquals(List.of(), errors("room/kept", "[]"));
        assertEquals(List.of(), errors("room/kept", "[\"ui/\",\"game/\"]"));
        assertEquals(1, errors("room/kept", "[\"ui/\",\"ui/\"]").size());
        assertEquals(1, errors("room/kept", "[\"a b\"]").size());
        assertEquals(1, errors("room/kept", "[\"\"]").size(), "an empty prefix would keep everything");
        assertEquals(1, errors("room/kept", "\"ui/\"").size());
        assertEquals(1, errors("room/kept", "[1]").size());
        assertEquals(1, errors("room/kept", "[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",\"j\",\"k\"]").size());
        assertEquals(List.of("ui/", "game/"), StateRules.keptPrefixes(json("[\"ui/\",\"game/\"]")));
        assertEquals(List.of(), StateRules.keptPrefixes(json("{}")));
    }

    private static List<FieldError> errors(String key, String value) {
        return StateRules.valueErrors(new StateKey(key), json(value));
    }

    private static JsonValue json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readValue();
        }
    }
}
