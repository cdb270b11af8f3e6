package dev.roomkeeper.watch.entity;

import dev.roomkeeper.platform.entity.JsonString;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One user's watch time in one room: the value of the key {@code <userId>} in the room's keyed space
 * {@code watch}, so every member sees it (event {@code watch.set}) and every node decides accrual on the same
 * record, by compare-and-set on the key's version. Times are epoch ms of the server's clock.
 *
 * @param run       this record's id: a record is started afresh after the room's watch state was cleared, and the
 *                  database keeps one credit row per (room, user, run), so a flush is an idempotent upsert of an
 *                  absolute value
 * @param since     when the record started
 * @param watchedMs the watch time accrued, in ms
 * @param accruedTo up to when accrual has been decided: it only grows, and accrual never exceeds its growth
 * @param active    true when the user accrues now (a visible tab heard from within the grace)
 * @param updatedAt when the record last changed (a heartbeat, or a sweep that found a tab silent)
 * @param flushedMs the watch time already handed to the database
 * @param flushedAt when a node last took the record's credit for the database (or {@code since})
 * @param tabs      the user's tabs, by session id
 */
public record WatchRecord(String run, long since, long watchedMs, long accruedTo, boolean active, long updatedAt,
                          long flushedMs, long flushedAt, List<WatchTab> tabs) {

    private static final JsonProvider JSON = JsonProvider.provider();

    public WatchRecord {
        Objects.requireNonNull(run, "run");
        tabs = List.copyOf(tabs);
    }

    /** A new record with nothing accrued. */
    public static WatchRecord start(String run, long now) {
        return new WatchRecord(run, now, 0, now, false, now, 0, now, List.of());
    }

    /** Whole seconds watched, as shown to clients and credited. */
    public long seconds() {
        return watchedMs / 1000;
    }

    /** True when part of the watch time is not yet handed to the database. */
    public boolean pending() {
        return watchedMs > flushedMs;
    }

    public WatchTab tab(String id) {
        return tabs.stream().filter(t -> t.id().equals(id)).findFirst().orElse(null);
    }

    public WatchRecord withTabs(List<WatchTab> newTabs) {
        return new WatchRecord(run, since, watchedMs, accruedTo, active, updatedAt, flushedMs, flushedAt, newTabs);
    }

    public WatchRecord accrued(long newWatchedMs, long newAccruedTo, boolean nowActive, long newUpdatedAt, List<WatchTab> newTabs) {
        return new WatchRecord(run, since, newWatchedMs, newAccruedTo, nowActive, newUpdatedAt, flushedMs, flushedAt, newTabs);
    }

    /** This record with its watch time taken for the database at {@code now}. */
    public WatchRecord flushed(long now) {
        return new WatchRecord(run, since, watchedMs, accruedTo, active, updatedAt, watchedMs, now, tabs);
    }

    /** The value as stored and sent: {@code seconds}, {@code active} and {@code updatedAt} first, for clients. */
    public String toJson() {
        StringBuilder json = new StringBuilder(160 + tabs.size() * 64)
                .append("{\"seconds\":").append(seconds())
                .append(",\"active\":").append(active)
                .append(",\"updatedAt\":").append(updatedAt)
                .append(",\"run\":").append(JsonString.quote(run))
                .append(",\"since\":").append(since)
                .append(",\"watchedMs\":").append(watchedMs)
                .append(",\"accruedTo\":").append(accruedTo)
                .append(",\"flushedMs\":").append(flushedMs)
                .append(",\"flushedAt\":").append(flushedAt)
                .append(",\"tabs\":{");
        List<WatchTab> sorted = new ArrayList<>(tabs);
        sorted.sort(Comparator.comparing(WatchTab::id));
        for (int i = 0; i < sorted.size(); i++) {
            WatchTab tab = sorted.get(i);
            if (i > 0) {
                json.append(',');
            }
            json.append(JsonString.quote(tab.id())).append(":{\"visible\":").append(tab.watching())
                    .append(",\"heardAt\":").append(tab.heardAt()).append('}');
        }
        return json.append("}}").toString();
    }

    /**
     * Reads a stored value.
     *
     * @throws IllegalArgumentException when it is not a watch record
     */
    public static WatchRecord fromJson(String text) {
        try (JsonReader reader = JSON.createReader(new StringReader(text))) {
            JsonObject o = reader.readObject();
            List<WatchTab> tabs = new ArrayList<>();
            for (Map.Entry<String, JsonValue> e : o.getJsonObject("tabs").entrySet()) {
                JsonObject tab = e.getValue().asJsonObject();
                tabs.add(new WatchTab(e.getKey(), tab.getBoolean("visible"), number(tab, "heardAt")));
            }
            return new WatchRecord(o.getString("run"), number(o, "since"), number(o, "watchedMs"),
                    number(o, "accruedTo"), o.getBoolean("active"), number(o, "updatedAt"), number(o, "flushedMs"),
                    number(o, "flushedAt"), tabs);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a watch record: " + e.getMessage(), e);
        }
    }

    private static long number(JsonObject o, String field) {
        return ((JsonNumber) o.get(field)).longValueExact();
    }
}
