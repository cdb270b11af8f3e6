package dev.roomkeeper.rooms.entity;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

class InviteRefusalTest {

    @Test
    void theInactivityMessageNamesTheWindowInWords() {
        assertEquals("This invitation link has expired: the room has been inactive for over 1 hour.",
                InviteRefusal.ROOM_INACTIVE.message(Duration.ofHours(1)));
        assertEquals("This invitation link has expired: the room has been inactive for over 90 minutes.",
                InviteRefusal.ROOM_INACTIVE.message(Duration.ofMinutes(90)));
    }

    @Test
    void durationsAreWordedInTheLargestUnitThatMeasuresThemExactly() {
        assertEquals("1 minute", InviteRefusal.inWords(Duration.ofMinutes(1)));
        assertEquals("45 minutes", InviteRefusal.inWords(Duration.ofMinutes(45)));
        assertEquals("2 hours", InviteRefusal.inWords(Duration.ofHours(2)));
        assertEquals("36 hours", InviteRefusal.inWords(Duration.ofHours(36)));
        assertEquals("1 day", InviteRefusal.inWords(Duration.ofDays(1)));
        assertEquals("7 days", InviteRefusal.inWords(Duration.ofDays(7)));
        assertEquals("90 seconds", InviteRefusal.inWords(Duration.ofSeconds(90)));
    }

    @Test
    void everyOtherRefusalHasAFixedMessageAndItsOwnType() {
        assertEquals("This invitation link was revoked.", InviteRefusal.REVOKED.message(Duration.ofHours(1)));
        assertEquals("This invitation link no longer works: the room is closed.",
                InviteRefusal.ROOM_CLOSED.message(null));
        assertEquals("This invitation link has expired.", InviteRefusal.EXPIRED.message(null));
        assertEquals("This invitation link has been used the maximum number of times.",
                InviteRefusal.USED_UP.message(null));
        assertEquals("invite-revoked room-closed invite-expired invite-used-up room-inactive",
                String.join(" ", Arrays.stream(InviteRefusal.values()).map(InviteRefusal::type).toList()));
    }
}
