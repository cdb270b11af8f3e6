package dev.roomkeeper.roomstate.boundary;

import dev.roomkeeper.keyed.entity.KeyedEvents;
import dev.roomkeeper.stream.entity.RoomEvent;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StateEventFilterTest {

    private final StateEventFilter ui = new StateEventFilter(List.of("ui/", "game/"));

    private static RoomEvent event(String type, String data) {
        return new RoomEvent("r", 1, type, data, 0);
    }

    @Test
    void onlyStateChangesOfObservedKeysPass() {
        assertTrue(ui.test(event("state.set", KeyedEvents.set("ui/pinned", "\"m1\"", 1, 0, "hal"))));
        assertTrue(ui.test(event("state.delete", KeyedEvents.deleted("game/score", 2, null))));
        assertFalse(ui.test(event("state.set", KeyedEvents.set("user/ada/cursor", "[1,2]", 3, 0, "ada"))));
        assertFalse(ui.test(event("state.delete", KeyedEvents.expired("typing", 4))));
    }

    @Test
    void everyOtherEventPasses() {
        assertTrue(ui.test(event("state.cleared", KeyedEvents.cleared("vacated", List.of()))), "a clear concerns every key");
        assertTrue(ui.test(event("message", "{\"key\":\"other\"}")));
        assertTrue(ui.test(event("presence.join", "{\"userId\":\"ada\"}")));
        assertTrue(ui.test(event("playback.set", KeyedEvents.set("position", "1", 5, 0, null))), "other spaces pass");
    }

    @Test
    void theKeyIsReadFromTheEventsFirstMember() {
        assertTrue("poll:\"x\"".equals(StateEventFilter.key(KeyedEvents.set("poll:\"x\"", "1", 1, 0, null))));
        assertTrue(StateEventFilter.key("{\"value\":1,\"key\":\"k\"}") == null);
        assertTrue(StateEventFilter.key("not json") == null);
    }
}
