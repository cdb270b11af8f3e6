package dev.roomkeeper.auth.entity;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoleTest {

    @Test
    void wireNamesAreLowerCaseAndParseBackIgnoringCase() {
        for (Role role : Role.values()) {
            assertEquals(role, Role.fromWire(role.wireName()).orElseThrow());
            assertEquals(role, Role.fromWire(" " + role.wireName().toUpperCase() + " ").orElseThrow());
        }
        assertTrue(Role.fromWire("owner").isEmpty());
        assertTrue(Role.fromWire(null).isEmpty());
    }

    @Test
    void observersCannotPublishAndHostsOutrankEveryone() {
        assertFalse(Role.OBSERVER.canPublish());
        assertTrue(Role.PARTICIPANT.canPublish());
        for (Role role : Role.values()) {
            assertTrue(Role.HOST.atLeast(role));
        }
        assertFalse(Role.OBSERVER.atLeast(Role.PARTICIPANT));
    }
}
