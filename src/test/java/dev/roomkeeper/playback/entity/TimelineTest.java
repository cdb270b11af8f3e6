package dev.roomkeeper.playback.entity;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimelineTest {

    private static final long T0 = 1_767_225_600_000L;

    private static Timeline paused(long position) {
        return new Timeline("s1", "Film", "https://cdn.example/f.mp4", position, 1.0, false, T0, true, 500, true,
                "ann", "create", null, null);
    }

    private static PlaybackCommand command(CommandType type, Long position, Double rate, String id) {
        return new PlaybackCommand(type, position, rate, type == CommandType.MEDIA ? "https://cdn.example/g.mp4" : null,
                null, id);
    }

    @Test
    void aPausedTimelineStaysWhereItIs() {
        assertEquals(42_000, paused(42_000).positionAt(T0 + 3_600_000));
    }

    @Test
    void aPlayingTimelineAdvancesByRateTimesServerTime() {
        Timeline playing = paused(10_000).apply(command(CommandType.PLAY, null, null, "e1"), "ann", T0);
        assertTrue(playing.playing());
        assertEquals(T0, playing.at());
        assertEquals(10_000, playing.positionAt(T0));
        assertEquals(12_500, playing.positionAt(T0 + 2_500));
        Timeline faster = playing.apply(command(CommandType.RATE, null, 2.0, "e2"), "ann", T0 + 1_000);
        assertEquals(11_000, faster.positionMs(), "a rate change keeps the position where it was");
        assertEquals(T0 + 1_000, faster.at());
        assertEquals(15_000, faster.positionAt(T0 + 3_000), "11 s + 2 × 2 s");
        Timeline slow = faster.apply(command(CommandType.RATE, null, 0.25, "e3"), "ann", T0 + 3_000);
        assertEquals(15_250, slow.positionAt(T0 + 4_000));
    }

    @Test
    void pauseAndPlayTakeTheGivenPositionOrWhereTheTimelineIsNow() {
        Timeline playing = paused(0).apply(command(CommandType.PLAY, 1_000L, null, "e1"), "ann", T0);
        Timeline held = playing.apply(command(CommandType.PAUSE, null, null, "e2"), "bob", T0 + 4_000);
        assertFalse(held.playing());
        assertEquals(5_000, held.positionMs());
        assertEquals("bob", held.by());
        assertEquals("pause", held.cause());
        assertEquals("e2", held.eventId());
        assertEquals(5_000, held.positionAt(T0 + 100_000));
        Timeline at = held.apply(command(CommandType.PAUSE, 7_000L, null, "e3"), "bob", T0 + 5_000);
        assertEquals(7_000, at.positionMs());
    }

    @Test
    void seekKeepsPlayingOrPausedAndMediaStartsPausedAtZero() {
        Timeline playing = paused(0).apply(command(CommandType.PLAY, null, null, "e1"), "ann", T0);
        Timeline sought = playing.apply(command(CommandType.SEEK, 60_000L, null, "e2"), "ann", T0 + 10_000);
        assertTrue(sought.playing());
        assertEquals(61_000, sought.positionAt(T0 + 11_000));
        Timeline media = sought.apply(command(CommandType.MEDIA, null, null, "e3"), "ann", T0 + 12_000);
        assertFalse(media.playing());
        assertEquals(0, media.positionMs());
        assertEquals("https://cdn.example/g.mp4", media.media());
        assertEquals("Film", media.title(), "a media change without a title keeps the old one");
    }

    @Test
    void aClientClockAheadOrBehindNeverMovesThePositionBelowZero() {
        Timeline playing = paused(100).apply(command(CommandType.PLAY, null, null, "e1"), "ann", T0);
        assertEquals(0, playing.positionAt(T0 - 10_000));
    }

    @Test
    void theJsonRoundTripKeepsEveryField() {
        Timeline timeline = paused(5).apply(command(CommandType.RATE, null, 1.5, "e9"), "ann", T0).controlledBy("cy", T0, "sys");
        assertEquals(timeline, Timeline.fromJson(timeline.toJson().toString()));
        Timeline plain = paused(5);
        Timeline read = Timeline.fromJson(plain.toJson().toString());
        assertNull(read.eventId());
        assertNull(read.controller());
    }

    @Test
    void ratesAndPositionsOutOfBoundsAreNoTimeline() {
        assertThrows(IllegalArgumentException.class, () -> new Timeline("s", "t", "https://x", -1, 1, false, T0, true,
                500, true, "a", "create", null, null));
        assertThrows(IllegalArgumentException.class, () -> new Timeline("s", "t", "https://x", 0, 4.01, false, T0, true,
                500, true, "a", "create", null, null));
        assertThrows(IllegalArgumentException.class, () -> new Timeline("s", "t", "https://x", 0, Double.NaN, false, T0,
                true, 500, true, "a", "create", null, null));
    }

    @Test
    void aViewerIsCorrectedOnlyBeyondTheTolerance() {
        Timeline playing = paused(0).apply(command(CommandType.PLAY, 10_000L, null, "e1"), "ann", T0);
        DriftReport close = DriftReport.judge(playing, 12_400, T0 + 2_000);
        assertEquals(400, close.driftMs());
        assertFalse(close.correct(), "400 ms is within 500: no micro-seek");
        DriftReport behind = DriftReport.judge(playing, 11_000, T0 + 2_000);
        assertEquals(-1_000, behind.driftMs());
        assertTrue(behind.correct());
        assertEquals(12_000, behind.expectedMs());
        Timeline unsynced = new Timeline("s1", "Film", "https://x.example/", 0, 1, true, T0, false, 500, true, "ann",
                "play", null, null);
        assertFalse(DriftReport.judge(unsynced, 90_000, T0).correct(), "sync off: viewers play on their own");
    }
}
