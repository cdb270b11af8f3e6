package dev.roomkeeper.roomstate.entity;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StateKeyTest {

    @Test
    void aKeyIsOneTo128CharactersOfTheDocumentedSet() {
        assertTrue(StateKey.valid("a"));
        assertTrue(StateKey.valid("poll:1/votes_a.b-c@x"));
        assertTrue(StateKey.valid("k".repeat(128)));
        assertFalse(StateKey.valid("k".repeat(129)));
        assertFalse(StateKey.valid(""));
        assertFalse(StateKey.valid(null));
        assertFalse(StateKey.valid("with space"));
        assertFalse(StateKey.valid("ü"));
        assertFalse(StateKey.valid("a\nb"));
        assertFalse(StateKey.valid("quote\""));
        assertThrows(IllegalArgumentException.class, () -> new StateKey("a b"));
    }

    @Test
    void aPrefixIsEmptyOrTheStartOfAKey() {
        assertTrue(StateKey.validPrefix(""));
        assertTrue(StateKey.validPrefix("ui/"));
        assertFalse(StateKey.validPrefix("a b"));
        assertFalse(StateKey.validPrefix(null));
    }

    @Test
    void theFirstSegmentNamesTheNamespace() {
        assertEquals(StateKey.Namespace.SHARED, new StateKey("score").namespace());
        assertEquals(StateKey.Namespace.SHARED, new StateKey("game/score").namespace());
        assertEquals(StateKey.Namespace.SHARED, new StateKey("user").namespace(), "no slash: a shared key");
        assertEquals(StateKey.Namespace.USER, new StateKey("user/ada/cursor").namespace());
        assertEquals(StateKey.Namespace.USER, new StateKey("user//x").namespace());
        assertEquals(StateKey.Namespace.UI, new StateKey("ui/pinned").namespace());
        assertEquals(StateKey.Namespace.ROOM, new StateKey("room/kept").namespace());
        assertEquals(StateKey.Namespace.FEATURE, new StateKey("watch/ada").namespace());
        assertEquals(StateKey.Namespace.FEATURE, new StateKey("polls/p1").namespace());
        assertEquals(StateKey.Namespace.FEATURE, new StateKey("viewers/").namespace());
    }

    @Test
    void theOwnerOfAUserKeyIsItsSecondSegment() {
        assertEquals(Optional.of("ada"), new StateKey("user/ada").owner());
        assertEquals(Optional.of("ada"), new StateKey("user/ada/cursor/x").owner());
        assertEquals(Optional.empty(), new StateKey("user/").owner());
        assertEquals(Optional.empty(), new StateKey("user//x").owner());
        assertEquals(Optional.empty(), new StateKey("users/ada").owner());
    }
}
