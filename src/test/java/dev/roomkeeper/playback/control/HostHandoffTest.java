package dev.roomkeeper.playback.control;

import dev.roomkeeper.auth.entity.Role;
import dev.roomkeeper.playback.control.PlaybackSettings.Handoff;
import dev.roomkeeper.playback.entity.Timeline;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostHandoffTest {

    static final long T0 = 1_767_225_600_000L;
    static final Map<String, Role> ROLES = Map.of("ann", Role.HOST, "hal", Role.HOST, "bob", Role.PARTICIPANT,
            "cy", Role.PARTICIPANT, "obi", Role.OBSERVER);

    static Timeline playing(String controller) {
        return new Timeline("s1", "Film", "https://x.example/", 1_000, 1.0, true, T0, true, 500, true, "ann", "play",
                "e1", controller);
    }

    @Test
    void theLastHostLeavingHandsControlToTheLongestPresentMember() {
        Timeline next = HostHandoff.after(playing(null), "ann", true, Map.of("cy", T0 - 50, "bob", T0 - 100, "obi", T0 - 900),
                ROLES, Handoff.MEMBER, T0 + 2_000).orElseThrow();
        assertEquals("bob", next.controller(), "bob has been present longest; the observer is passed over");
        assertEquals("handoff", next.cause());
        assertTrue(next.playing(), "the party goes on");
        assertEquals(3_000, next.positionMs());
    }

    @Test
    void withAHostStillPresentOrALeaverWithoutControlNothingChanges() {
        assertEquals(Optional.empty(), HostHandoff.after(playing(null), "ann", true, Map.of("hal", T0, "bob", T0),
                ROLES, Handoff.MEMBER, T0));
        assertEquals(Optional.empty(), HostHandoff.after(playing(null), "cy", false, Map.of("bob", T0),
                ROLES, Handoff.MEMBER, T0));
    }

    @Test
    void theControllerLeavingPassesControlOnAndThePausePolicyPauses() {
        Timeline next = HostHandoff.after(playing("bob"), "bob", false, Map.of("cy", T0), ROLES, Handoff.MEMBER, T0)
                .orElseThrow();
        assertEquals("cy", next.controller());
        Timeline paused = HostHandoff.after(playing(null), "ann", true, Map.of("cy", T0), ROLES, Handoff.PAUSE, T0 + 500)
                .orElseThrow();
        assertFalse(paused.playing());
        assertEquals("host-left", paused.cause());
        assertEquals(1_500, paused.positionMs());
        assertNull(paused.controller());
        Timeline nobody = HostHandoff.after(playing(null), "ann", true, Map.of("obi", T0), ROLES, Handoff.MEMBER, T0)
                .orElseThrow();
        assertFalse(nobody.playing(), "nobody to hand over to: the stream pauses");
    }
}
