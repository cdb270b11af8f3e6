package dev.roomkeeper.watch.control;

import dev.roomkeeper.watch.entity.ViewerCounts;
import dev.roomkeeper.watch.entity.WatchRecord;
import dev.roomkeeper.watch.entity.WatchRules;
import dev.roomkeeper.watch.entity.WatchTab;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The accrual rules, as pure functions of a user's record and the server's time (no clock of its own, so tests
 * give the times). Between two decisions a tab is in the state its last heartbeat gave it. Over the time since the
 * record's {@code accruedTo}, the user accrues while <em>at least one</em> tab is visible and heard from within the
 * grace: the union of the tabs' visible stretches, not their sum, so two tabs never count twice. Hence:
 * <ul>
 *     <li>accrual never exceeds the wall time elapsed: {@code accruedTo} only grows, and each decision adds at most
 *     its growth (a node whose clock is behind the record's accrues nothing and moves nothing back);</li>
 *     <li>nothing accrues while no tab is visible;</li>
 *     <li>a tab that falls silent accrues for at most the grace after its last heartbeat, then stops.</li>
 * </ul>
 */
public final class Accrual {

    private Accrual() {
    }

    /**
     * Decides the record up to {@code now}: accrues, updates {@code active}, drops tabs silent for longer than the
     * active window. Returns the same instance when nothing but the time of decision would change, so callers can
     * skip a write.
     */
    public static WatchRecord settle(WatchRecord record, long now, WatchRules rules) {
        long to = Math.max(now, record.accruedTo());
        long until = record.accruedTo();
        for (WatchTab tab : record.tabs()) {
            if (tab.watching()) {
                until = Math.max(until, Math.min(to, tab.heardAt() + rules.graceMillis()));
            }
        }
        long gained = until - record.accruedTo();
        List<WatchTab> kept = new ArrayList<>(record.tabs().size());
        for (WatchTab tab : record.tabs()) {
            if (tab.heardAt() + rules.activeWindowMillis() > to) {
                kept.add(tab);
            }
        }
        boolean active = accruing(kept, to, rules);
        if (gained == 0 && active == record.active() && kept.size() == record.tabs().size()) {
            return record;
        }
        return record.accrued(record.watchedMs() + gained, to, active, to, kept);
    }

    /**
     * A heartbeat of tab {@code tabId} at {@code now}: the record is decided up to now with the tabs as they were,
     * then the tab takes its new state.
     *
     * @param record   the user's record, or null for a first heartbeat (a new record of run {@code newRun})
     * @param watching the tab is visible and not paused
     */
    public static WatchRecord heartbeat(WatchRecord record, String newRun, String tabId, boolean watching, long now,
                                        WatchRules rules) {
        WatchRecord settled = settle(record == null ? WatchRecord.start(newRun, now) : record, now, rules);
        long at = Math.max(now, settled.accruedTo());
        List<WatchTab> tabs = new ArrayList<>(settled.tabs().size() + 1);
        for (WatchTab tab : settled.tabs()) {
            if (!tab.id().equals(tabId)) {
                tabs.add(tab);
            }
        }
        tabs.add(new WatchTab(tabId, watching, at));
        while (tabs.size() > rules.maxTabs()) {
            tabs.remove(tabs.stream().filter(t -> !t.id().equals(tabId))
                    .min(Comparator.comparingLong(WatchTab::heardAt)).orElseThrow());
        }
        return settled.accrued(settled.watchedMs(), at, accruing(tabs, at, rules), at, tabs);
    }

    /** The room's viewers at {@code now} from its users' records. */
    public static ViewerCounts count(Collection<WatchRecord> records, long now, WatchRules rules) {
        int total = 0;
        int active = 0;
        long watched = 0;
        for (WatchRecord record : records) {
            boolean viewer = false;
            boolean visible = false;
            for (WatchTab tab : record.tabs()) {
                if (tab.heardAt() + rules.activeWindowMillis() > now) {
                    viewer = true;
                    visible |= tab.watching();
                }
            }
            if (viewer) {
                total++;
                watched += record.seconds();
                if (visible) {
                    active++;
                }
            }
        }
        return new ViewerCounts(total, active, total == 0 ? 0 : watched / total, now);
    }

    private static boolean accruing(List<WatchTab> tabs, long at, WatchRules rules) {
        for (WatchTab tab : tabs) {
            if (tab.watching() && tab.heardAt() + rules.graceMillis() > at) {
                return true;
            }
        }
        return false;
    }
}
