package dev.roomkeeper.platform.control;

import java.util.concurrent.atomic.AtomicLong;

/**
 * When a periodic job last ended and how long it took, as the two gauges every job reports:
 * {@code <prefix>.last.run.seconds} (epoch seconds) and {@code <prefix>.last.duration.seconds}.
 */
public final class LastRun {

    private final AtomicLong endedMillis = new AtomicLong();
    private final AtomicLong durationNanos = new AtomicLong();

    private LastRun() {
    }

    /** Registers the job's two gauges under {@code prefix}, such as {@code roomkeeper.rooms.idle.sweep}. */
    public static LastRun register(Meters metrics, String prefix) {
        LastRun run = new LastRun();
        metrics.gauge(prefix + ".last.run.seconds", run.endedMillis, v -> v.get() / 1000d);
        metrics.gauge(prefix + ".last.duration.seconds", run.durationNanos, v -> v.get() / 1e9);
        return run;
    }

    /** Records a run that started at {@code startNanos} ({@link System#nanoTime()}) and ends now. */
    public void ended(long startNanos) {
        durationNanos.set(System.nanoTime() - startNanos);
        endedMillis.set(System.currentTimeMillis());
    }

    /** Epoch ms when the last run ended; 0 before the first. */
    public long endedMillis() {
        return endedMillis.get();
    }
}
