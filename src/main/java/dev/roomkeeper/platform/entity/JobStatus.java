package dev.roomkeeper.platform.entity;

import java.time.Duration;

/**
 * A periodic job on this node as it stands now. Times are epoch ms.
 *
 * @param name         kebab-case, the {@code job} tag of its metrics: {@code presence-sweep}, {@code activity-flush}
 * @param period       how often its timer runs it
 * @param registeredAt when it was registered (its timer started)
 * @param lastEnded    when its last run ended, successful or not; 0 before the first
 * @param runningSince when the run going on started; 0 when none is
 * @param runs         runs ended so far, failed ones included
 * @param failures     runs that failed
 */
public record JobStatus(String name, Duration period, long registeredAt, long lastEnded, long runningSince,
                        long runs, long failures) {

    public boolean running() {
        return runningSince != 0;
    }
}
