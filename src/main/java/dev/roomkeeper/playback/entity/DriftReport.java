package dev.roomkeeper.playback.entity;

/**
 * What the server made of a viewer's position report.
 *
 * @param driftMs    the viewer's position minus the timeline's at the moment of the report (positive: ahead)
 * @param correct    true when the drift exceeds the stream's tolerance (and sync is on): the viewer should seek to
 *                   {@code expectedMs} (or better, to the position the timeline gives when it applies it)
 * @param expectedMs the timeline's position at the moment of the report
 */
public record DriftReport(long driftMs, boolean correct, long expectedMs) {

    /**
     * Judges a report: the viewer was at {@code positionMs} at server time {@code at}. Within the tolerance (or with
     * sync off) nothing is to be done: no micro-seeks.
     */
    public static DriftReport judge(Timeline timeline, long positionMs, long at) {
        long expected = timeline.positionAt(at);
        long drift = positionMs - expected;
        return new DriftReport(drift, timeline.syncEnabled() && Math.abs(drift) > timeline.toleranceMs(), expected);
    }
}
