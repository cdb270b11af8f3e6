package dev.roomkeeper.watch.entity;

/**
 * The timings accrual and counting follow (from {@code roomkeeper.watch.*}).
 *
 * @param graceMillis        a visible tab accrues for at most this long after its last heartbeat (twice the
 *                           heartbeat interval): a tab that falls silent stops accruing then
 * @param activeWindowMillis a tab heard from within this long counts as a viewer (and as active when visible);
 *                           a tab silent for longer is dropped from its user's record
 * @param maxTabs            tabs kept per user; beyond, the one heard from longest ago is dropped
 */
public record WatchRules(long graceMillis, long activeWindowMillis, int maxTabs) {

    public WatchRules {
        if (graceMillis < 1 || activeWindowMillis < 1 || maxTabs < 1) {
            throw new IllegalArgumentException("watch rules must be positive");
        }
    }
}
