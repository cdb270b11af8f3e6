package dev.roomkeeper.watch.control;

import dev.roomkeeper.keyed.control.KeyedState;
import dev.roomkeeper.keyed.entity.KeyedEntry;
import dev.roomkeeper.keyed.entity.KeyedSnapshot;
import dev.roomkeeper.watch.entity.UserWatchResponse;
import dev.roomkeeper.watch.entity.ViewerCounts;
import dev.roomkeeper.watch.entity.WatchLiveResponse;
import dev.roomkeeper.watch.entity.WatchRecord;
import dev.roomkeeper.watch.entity.WatchReportResponse;
import dev.roomkeeper.watch.entity.WatchTab;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What the REST calls read: the live state (engine) for members, and live plus credited (database) for hosts. */
@ApplicationScoped
public class WatchReports {

    @Inject
    KeyedState state;

    @Inject
    WatchCredits credits;

    @Inject
    WatchSettings settings;

    /** The room's live records and viewers, valid at a seq. */
    public WatchLiveResponse live(String roomId) {
        KeyedSnapshot snapshot = state.snapshot(roomId, WatchTracker.SPACE, "");
        Map<String, WatchRecord> records = records(snapshot);
        long now = System.currentTimeMillis();
        List<WatchLiveResponse.LiveUser> users = new ArrayList<>();
        records.forEach((user, r) -> users.add(new WatchLiveResponse.LiveUser(user, r.seconds(), r.active(), r.updatedAt())));
        users.sort(Comparator.comparingLong(WatchLiveResponse.LiveUser::seconds).reversed()
                .thenComparing(WatchLiveResponse.LiveUser::userId));
        return new WatchLiveResponse(roomId, snapshot.epoch(), snapshot.seq(), count(records, now), users);
    }

    /**
     * The room's report: each user's credited runs, with the live run (when the room has one) as it is now, which
     * the database may not hold yet.
     */
    public WatchReportResponse report(String roomId, boolean live) {
        long now = System.currentTimeMillis();
        Map<String, WatchRecord> records = new LinkedHashMap<>();
        if (live) {
            // as the sweep counts them: each record decided up to now
            records(state.snapshot(roomId, WatchTracker.SPACE, ""))
                    .forEach((user, record) -> records.put(user, Accrual.settle(record, now, settings.rules())));
        }
        Map<String, Map<String, Long>> stored = credits.ofRoom(roomId);
        Set<String> users = new HashSet<>(stored.keySet());
        users.addAll(records.keySet());
        List<UserWatchResponse> rows = new ArrayList<>(users.size());
        for (String user : users) {
            Map<String, Long> runs = new HashMap<>(stored.getOrDefault(user, Map.of()));
            long credited = runs.values().stream().mapToLong(Long::longValue).sum();
            WatchRecord record = records.get(user);
            boolean viewer = false;
            if (record != null) {
                runs.merge(record.run(), record.watchedMs(), Math::max);
                for (WatchTab tab : record.tabs()) {
                    viewer |= tab.heardAt() + settings.rules().activeWindowMillis() > now;
                }
            }
            long total = runs.values().stream().mapToLong(Long::longValue).sum();
            rows.add(new UserWatchResponse(user, total / 1000, credited / 1000, record != null && record.active(), viewer));
        }
        rows.sort(Comparator.comparingLong(UserWatchResponse::seconds).reversed().thenComparing(UserWatchResponse::userId));
        ViewerCounts viewers = live ? Accrual.count(records.values(), now, settings.rules()) : new ViewerCounts(0, 0, 0, now);
        return new WatchReportResponse(roomId, viewers, rows);
    }

    /** The viewers now, each record decided up to now (as the sweep counts them). */
    private ViewerCounts count(Map<String, WatchRecord> records, long now) {
        return Accrual.count(records.values().stream().map(r -> Accrual.settle(r, now, settings.rules())).toList(), now,
                settings.rules());
    }

    private static Map<String, WatchRecord> records(KeyedSnapshot snapshot) {
        Map<String, WatchRecord> records = new LinkedHashMap<>();
        for (KeyedEntry entry : snapshot.entries()) {
            WatchRecord record = WatchTracker.read(entry.value());
            if (record != null) {
                records.put(entry.key(), record);
            }
        }
        return records;
    }
}
