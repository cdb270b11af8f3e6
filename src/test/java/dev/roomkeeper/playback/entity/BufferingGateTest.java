package dev.roomkeeper.playback.entity;

import dev.roomkeeper.playback.entity.BufferingGate.Action;
import dev.roomkeeper.playback.entity.BufferingGate.Transition;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BufferingGateTest {

    static final long MAX_WAIT = 5_000;
    static final long COOLDOWN = 30_000;

    @Test
    void theFirstBufferingViewerPausesOnceAndTheGroupResumesOnceWhenAllAreReady() {
        BufferingGate gate = BufferingGate.open();
        Transition ada = gate.bufferStart("ada", 1_000, true, COOLDOWN);
        assertEquals(Action.PAUSE, ada.action());
        Transition bob = ada.gate().bufferStart("bob", 1_200, true, COOLDOWN);
        assertEquals(Action.NONE, bob.action(), "bob joins the wait, no second pause");
        assertTrue(bob.joined());
        Transition adaReady = bob.gate().bufferEnd("ada");
        assertEquals(Action.NONE, adaReady.action(), "bob still buffers");
        Transition bobReady = adaReady.gate().bufferEnd("bob");
        assertEquals(Action.RESUME, bobReady.action());
        assertFalse(bobReady.gate().holding());
        assertEquals(Action.NONE, bobReady.gate().bufferEnd("bob").action(), "a repeated ready changes nothing");
    }

    @Test
    void aViewerThatNeverRecoversIsLeftBehindAfterTheMaximumWaitAndPausesNothingAgain() {
        Transition stuck = BufferingGate.open().bufferStart("cy", 0, true, COOLDOWN);
        assertEquals(Action.NONE, stuck.gate().tick(MAX_WAIT - 1, MAX_WAIT).action());
        Transition released = stuck.gate().tick(MAX_WAIT, MAX_WAIT);
        assertEquals(Action.RESUME, released.action());
        assertEquals(Set.of("cy"), released.leftBehind());
        Transition again = released.gate().bufferStart("cy", MAX_WAIT + 10, true, COOLDOWN);
        assertEquals(Action.NONE, again.action(), "left behind: never pauses the room again");
        Transition recovered = again.gate().bufferEnd("cy");
        assertFalse(recovered.gate().leftBehind().contains("cy"));
        assertEquals(Action.NONE, recovered.gate().bufferStart("cy", MAX_WAIT + 20, true, COOLDOWN).action(),
                "within the cooldown a viewer who paused the group does not pause it again");
        assertEquals(Action.PAUSE, recovered.gate().bufferStart("cy", COOLDOWN + 1, true, COOLDOWN).action());
    }

    @Test
    void aPausedStreamIsNotPausedAgainAndTheValueSurvivesJson() {
        assertEquals(Action.NONE, BufferingGate.open().bufferStart("ada", 0, false, COOLDOWN).action());
        BufferingGate gate = BufferingGate.open().bufferStart("ada", 5, true, COOLDOWN).gate()
                .bufferStart("bob", 6, true, COOLDOWN).gate();
        assertEquals(gate, BufferingGate.fromJson(gate.toJson().toString()));
    }

    /**
     * Random interleavings of viewers buffering, getting ready and time passing (ticks at random moments, as the
     * sweep runs): never a second pause while the gate is closed, always a resume by the maximum wait, and a viewer
     * left behind never closes the gate before it reports ready.
     */
    @Test
    void randomInterleavingsPauseAtMostOncePerGateAndAlwaysResumeWithinTheMaximumWait() {
        List<String> viewers = List.of("a", "b", "c", "d", "e");
        for (long seed = 0; seed < 2_000; seed++) {
            Random random = new Random(seed);
            BufferingGate gate = BufferingGate.open();
            long now = 0;
            boolean paused = false;
            long pausedAt = 0;
            Set<String> behind = new HashSet<>();
            for (int step = 0; step < 200; step++) {
                now += random.nextInt(1_500);
                String viewer = viewers.get(random.nextInt(viewers.size()));
                int what = random.nextInt(3);
                Transition t = switch (what) {
                    case 0 -> gate.bufferStart(viewer, now, true, COOLDOWN);
                    case 1 -> gate.bufferEnd(viewer);
                    default -> gate.tick(now, MAX_WAIT);
                };
                if (t.action() == Action.PAUSE) {
                    assertFalse(paused, "seed " + seed + ": a second pause while the gate is closed");
                    assertFalse(behind.contains(viewer), "seed " + seed + ": a viewer left behind paused the room");
                    paused = true;
                    pausedAt = now;
                } else if (t.action() == Action.RESUME) {
                    assertTrue(paused, "seed " + seed + ": a resume without a pause");
                    paused = false;
                }
                if (what == 1) {
                    behind.remove(viewer);
                }
                behind.addAll(t.leftBehind());
                gate = t.gate();
                assertEquals(paused, gate.holding());
                if (paused && what == 2) {
                    assertTrue(now - pausedAt < MAX_WAIT, "seed " + seed + ": a tick past the maximum wait left the gate closed");
                }
            }
        }
    }
}
