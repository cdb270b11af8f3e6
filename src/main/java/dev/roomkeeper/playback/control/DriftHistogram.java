package dev.roomkeeper.playback.control;

import dev.roomkeeper.platform.control.Meters;

/**
 * The drift viewers report, as a Prometheus-style histogram built of counters (the metrics seam has counters and
 * gauges): {@code roomkeeper.playback.drift{le}} counts reports whose absolute drift was at most {@code le} ms
 * (cumulative, {@code +Inf} counting all), {@code roomkeeper.playback.drift.reports} all reports and
 * {@code roomkeeper.playback.drift.ms} the sum of their absolute drifts (ms): the mean is the sum over the reports.
 */
final class DriftHistogram {

    static final long[] BOUNDS = {25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000};

    private final Meters.Counter[] buckets = new Meters.Counter[BOUNDS.length + 1];
    private final Meters.Counter count;
    private final Meters.Counter sum;

    DriftHistogram(Meters metrics) {
        for (int i = 0; i < BOUNDS.length; i++) {
            buckets[i] = metrics.counter("roomkeeper.playback.drift", "le", Long.toString(BOUNDS[i]));
        }
        buckets[BOUNDS.length] = metrics.counter("roomkeeper.playback.drift", "le", "+Inf");
        count = metrics.counter("roomkeeper.playback.drift.reports");
        sum = metrics.counter("roomkeeper.playback.drift.ms");
    }

    void record(long driftMs) {
        long magnitude = Math.abs(driftMs);
        for (int i = 0; i < BOUNDS.length; i++) {
            if (magnitude <= BOUNDS[i]) {
                buckets[i].inc();
            }
        }
        buckets[BOUNDS.length].inc();
        count.inc();
        sum.inc(magnitude);
    }
}
