package dev.roomkeeper.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One latency, recorded from any thread in microseconds. The harness reads it per progress interval
 * and in total since the last {@link #restart()}.
 */
final class Latency {

    private static final int DIGITS = 3;

    private final Recorder recorder = new Recorder(DIGITS);
    private Histogram total = new Histogram(DIGITS);

    void recordNanos(long nanos) {
        recorder.recordValue(Math.max(0, nanos / 1_000));
    }

    /** What was recorded since the previous call (also added to the total). */
    synchronized Histogram interval() {
        Histogram interval = recorder.getIntervalHistogram();
        total.add(interval);
        return interval;
    }

    /** Forgets everything recorded so far (the warm-up, a previous phase). */
    synchronized void restart() {
        recorder.getIntervalHistogram();
        total = new Histogram(DIGITS);
    }

    /** Everything since the last restart. */
    synchronized Histogram total() {
        interval();
        return total.copy();
    }

    /** {@code p50 1.2 / p99 3.4 / p99.9 5.6 / max 7.8 ms (n)} */
    static String describe(Histogram h) {
        if (h.getTotalCount() == 0) {
            return "no samples";
        }
        return String.format("p50 %s / p99 %s / p99.9 %s / max %s ms (n=%d)",
                ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)),
                ms(h.getMaxValue()), h.getTotalCount());
    }

    static String ms(long micros) {
        return String.format("%.1f", micros / 1000.0);
    }
}
