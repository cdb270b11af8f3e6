package dev.roomkeeper.watch.control;

import dev.roomkeeper.keyed.control.KeyedState;
import dev.roomkeeper.keyed.entity.Condition;
import dev.roomkeeper.keyed.entity.KeyedEntry;
import dev.roomkeeper.keyed.entity.KeyedLimits;
import dev.roomkeeper.keyed.entity.KeyedResult;
import dev.roomkeeper.keyed.entity.KeyedSnapshot;
import dev.roomkeeper.keyed.entity.KeyedWrite;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.watch.entity.CreditRow;
import dev.roomkeeper.watch.entity.ViewerCounts;
import dev.roomkeeper.watch.entity.WatchRecord;
import dev.roomkeeper.watch.entity.WatchRules;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.spi.JsonProvider;

import java.io.StringReader;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Watch time and viewer counts on the keyed-state primitive, so that every node decides on the same state:
 * <ul>
 *     <li>space {@code watch}: one key per user id, a {@link WatchRecord}; every change is one compare-and-set on
 *     the key's version ({@link Accrual} decides the new record from the current one), retried on a conflict, so a
 *     user's two tabs on two nodes never accrue twice;</li>
 *     <li>space {@code viewers}: the key {@value #COUNTS}, the room's {@link ViewerCounts}, written by compare-and-set
 *     too, so one node only publishes a given change ({@code viewers.set}).</li>
 * </ul>
 * Each node remembers the rooms it has seen heartbeats for; its sweep ({@link #refresh}) settles their records
 * (silent tabs stop accruing and drop out) and counts their viewers.
 */
@ApplicationScoped
public class WatchTracker {

    public static final String SPACE = "watch";
    public static final String VIEWERS_SPACE = "viewers";
    public static final String COUNTS = "counts";
    /** Compare-and-set attempts before a heartbeat gives up (only under a storm of writes to one user's key). */
    static final int ATTEMPTS = 16;
    private static final KeyedLimits COUNT_LIMITS = new KeyedLimits(1, 1_024, 512);
    private static final JsonProvider JSON = JsonProvider.provider();
    private static final Logger LOG = Logger.getLogger(WatchTracker.class.getName());

    @Inject
    KeyedState state;

    @Inject
    WatchSettings settings;

    @Inject
    Meters metrics;

    Clock clock = Clock.systemUTC();

    /** Rooms this node has seen watch heartbeats for, until their watch state is empty or cleared. */
    private final Set<String> rooms = ConcurrentHashMap.newKeySet();
    private Meters.Counter conflicts;
    private Meters.Counter published;
    private Meters.Counter settled;
    private Meters.Counter skipped;

    /** For CDI. */
    public WatchTracker() {
    }

    /** A tracker built by hand (tests). */
    public WatchTracker(KeyedState state, WatchSettings settings, Meters metrics, Clock clock) {
        this.state = state;
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
        init();
    }

    @PostConstruct
    void init() {
        conflicts = metrics.counter("roomkeeper.watch.conflicts");
        published = metrics.counter("roomkeeper.watch.viewers.published");
        settled = metrics.counter("roomkeeper.watch.settled");
        skipped = metrics.counter("roomkeeper.watch.repeats");
        metrics.gauge("roomkeeper.watch.rooms", rooms, Set::size);
    }

    /**
     * A heartbeat of a user's tab, decided at the server's time.
     *
     * @throws ProblemException 409 {@code watch-busy} when the record kept changing under it, 429
     *                          {@code watch-full} when the room has as many watchers as it may hold
     */
    public WatchRecord heartbeat(String roomId, String userId, String tabId, boolean watching) {
        rooms.add(roomId);
        WatchRules rules = settings.rules();
        KeyedLimits limits = settings.limits();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            KeyedEntry current = state.get(roomId, SPACE, userId).orElse(null);
            WatchRecord before = current == null ? null : read(current.value());
            long now = clock.millis();
            if (repeated(before, tabId, watching, now)) {
                skipped.inc();
                return Accrual.settle(before, now, rules);
            }
            WatchRecord after = Accrual.heartbeat(before, newRun(), tabId, watching, now, rules);
            KeyedWrite write = KeyedWrite.set(roomId, SPACE, userId, after.toJson()).by(userId)
                    .withCondition(current == null ? Condition.ifAbsent() : Condition.ifVersion(current.version()));
            KeyedResult result = state.apply(write, limits);
            switch (result.outcome()) {
                case APPLIED:
                    return after;
                case CONFLICT:
                    conflicts.inc();
                    continue;
                case TOO_MANY_KEYS, TOO_MANY_BYTES:
                    throw new ProblemException(429, "watch-full", "Too many watchers",
                            "This room tracks the watch time of at most " + limits.maxKeys() + " users.");
                default:
                    throw new IllegalStateException("watch record refused: " + result.outcome());
            }
        }
        throw new ProblemException(409, "watch-busy", "Watch record busy",
                "The watch record changed " + ATTEMPTS + " times under this heartbeat; send it again.");
    }

    /**
     * True for a heartbeat that would change nothing but the tab's heard-at time, less than a quarter interval after
     * the last one written: it is answered without a write (and without an event), so a client sending heartbeats
     * faster than asked costs no more than one write per tab per quarter interval. The tab's silence is then
     * counted from the last heartbeat written, at most a quarter interval earlier, well inside the grace.
     */
    private boolean repeated(WatchRecord before, String tabId, boolean watching, long now) {
        if (before == null) {
            return false;
        }
        var tab = before.tab(tabId);
        return tab != null && tab.watching() == watching && now >= tab.heardAt()
                && now - tab.heardAt() < settings.heartbeatInterval().toMillis() / 4;
    }

    /** The rooms this node follows for sweeps and flushes. */
    public Set<String> rooms() {
        return Set.copyOf(rooms);
    }

    /** Stops following a room (its watch state was cleared). */
    public void forget(String roomId) {
        rooms.remove(roomId);
    }

    /** The room's user records now, by user id (unreadable values skipped). */
    public Map<String, WatchRecord> records(String roomId) {
        return records(state.snapshot(roomId, SPACE, ""));
    }

    private static Map<String, WatchRecord> records(KeyedSnapshot snapshot) {
        Map<String, WatchRecord> records = new LinkedHashMap<>();
        for (KeyedEntry entry : snapshot.entries()) {
            WatchRecord record = read(entry.value());
            if (record != null) {
                records.put(entry.key(), record);
            }
        }
        return records;
    }

    /** The room's viewers as last published; {@link ViewerCounts#NONE} when never. */
    public ViewerCounts viewers(String roomId) {
        return state.get(roomId, VIEWERS_SPACE, COUNTS).map(e -> counts(e.value())).orElse(ViewerCounts.NONE);
    }

    /**
     * One sweep of a room: records whose tabs fell silent are settled (one compare-and-set each; a conflict means
     * another node or a heartbeat did it), the viewers are counted, and the count is published when a number changed
     * and the last one is at least the viewers interval old. Forgets the room when its watch state is empty and
     * zero viewers are published.
     */
    public void refresh(String roomId) {
        long now = clock.millis();
        WatchRules rules = settings.rules();
        KeyedSnapshot snapshot = state.snapshot(roomId, SPACE, "");
        List<WatchRecord> current = new ArrayList<>(snapshot.entries().size());
        for (KeyedEntry entry : snapshot.entries()) {
            WatchRecord record = read(entry.value());
            if (record == null) {
                continue;
            }
            WatchRecord after = Accrual.settle(record, now, rules);
            if (after != record && (after.active() != record.active() || after.tabs().size() != record.tabs().size())) {
                KeyedResult result = state.apply(KeyedWrite.set(roomId, SPACE, entry.key(), after.toJson())
                        .withCondition(Condition.ifVersion(entry.version())), settings.limits());
                if (result.applied()) {
                    settled.inc();
                }
            }
            current.add(after);
        }
        ViewerCounts counts = Accrual.count(current, now, rules);
        publishCounts(roomId, counts, now);
        if (snapshot.entries().isEmpty() && viewers(roomId).total() == 0) {
            rooms.remove(roomId);
        }
    }

    private void publishCounts(String roomId, ViewerCounts counts, long now) {
        KeyedEntry last = state.get(roomId, VIEWERS_SPACE, COUNTS).orElse(null);
        ViewerCounts before = last == null ? ViewerCounts.NONE : counts(last.value());
        if (counts.sameNumbers(before) || now - before.at() < settings.viewersInterval().toMillis()) {
            return;
        }
        KeyedResult result = state.apply(KeyedWrite.set(roomId, VIEWERS_SPACE, COUNTS, counts.toJson())
                .withCondition(last == null ? Condition.ifAbsent() : Condition.ifVersion(last.version())), COUNT_LIMITS);
        if (result.applied()) {
            published.inc();
        }
    }

    /**
     * What a take found: the rows taken, and the age in ms of the oldest watch time of the room left pending (too
     * recently taken, or taken by another node meanwhile); 0 when none.
     */
    public record Taken(List<CreditRow> rows, long oldestLeftMs) {
    }

    /**
     * Takes the credit of every record with watch time not yet handed to the database, whose last take is at least
     * {@code minAge} ms old (0: all), by compare-and-set: a record taken by another node meanwhile is left to it.
     * So, across nodes, a user's credit is taken (and written) at most once per {@code minAge}.
     */
    public Taken take(String roomId, long minAge) {
        long now = clock.millis();
        List<CreditRow> rows = new ArrayList<>();
        long oldest = 0;
        for (KeyedEntry entry : state.snapshot(roomId, SPACE, "").entries()) {
            WatchRecord record = read(entry.value());
            if (record == null || !record.pending()) {
                continue;
            }
            if (now - record.flushedAt() >= minAge) {
                WatchRecord taken = record.flushed(now);
                KeyedResult result = state.apply(KeyedWrite.set(roomId, SPACE, entry.key(), taken.toJson())
                        .withCondition(Condition.ifVersion(entry.version())), settings.limits());
                if (result.applied()) {
                    rows.add(new CreditRow(roomId, entry.key(), record.run(), record.watchedMs(), record.since(), now));
                    continue;
                }
            }
            oldest = Math.max(oldest, now - record.flushedAt());
        }
        return new Taken(rows, oldest);
    }

    /**
     * What a clear found.
     *
     * @param records how many user records the room had
     * @param rows    their credit (settled up to the clear) for the database
     */
    public record Cleared(int records, List<CreditRow> rows) {
    }

    /**
     * Drops the room's watch state and viewer count, answering the credit of every record (settled up to now) for
     * the database. A heartbeat that lands between the read and the drop loses what it accrued since the read.
     */
    public Cleared clear(String roomId) {
        long now = clock.millis();
        List<CreditRow> rows = new ArrayList<>();
        Map<String, WatchRecord> records = records(roomId);
        records.forEach((userId, record) -> {
            WatchRecord settledRecord = Accrual.settle(record, now, settings.rules());
            if (settledRecord.watchedMs() > 0) {
                rows.add(new CreditRow(roomId, userId, record.run(), settledRecord.watchedMs(), record.since(), now));
            }
        });
        state.release(roomId, SPACE);
        state.release(roomId, VIEWERS_SPACE);
        rooms.remove(roomId);
        return new Cleared(records.size(), rows);
    }

    static WatchRecord read(String value) {
        try {
            return WatchRecord.fromJson(value);
        } catch (IllegalArgumentException e) {
            LOG.log(Level.FINE, e, () -> "skipping a watch value that is not a record");
            return null;
        }
    }

    private static ViewerCounts counts(String value) {
        try (JsonReader reader = JSON.createReader(new StringReader(value))) {
            JsonObject o = reader.readObject();
            return new ViewerCounts(o.getInt("total"), o.getInt("active"),
                    o.getJsonNumber("averageWatchSeconds").longValue(), o.getJsonNumber("at").longValue());
        } catch (RuntimeException e) {
            return ViewerCounts.NONE;
        }
    }

    private static String newRun() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
    }
}
