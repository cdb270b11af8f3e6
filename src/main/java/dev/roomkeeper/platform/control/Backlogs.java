package dev.roomkeeper.platform.control;

import dev.roomkeeper.platform.entity.BacklogStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * This node's buffers of database writes that must survive a database outage (attendance, room activity): each
 * registers once with its name, capacity and how to read its size and since when it has been retrying. They show
 * as gauges tagged {@code backlog=<name>}: {@code roomkeeper.backlog.size}, {@code roomkeeper.backlog.capacity},
 * {@code roomkeeper.backlog.retrying.seconds} (how long its writes have been failing; 0 while they succeed), and in
 * the readiness check {@code roomkeeper-backlogs} ({@code BacklogsHealthCheck}). What a buffer holds, how it
 * retries and what it drops are its feature's business.
 */
@ApplicationScoped
public class Backlogs {

    private static final Pattern KEBAB_CASE = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    @Inject
    Meters metrics;

    private final Map<String, Backlog> backlogs = new ConcurrentHashMap<>();
    private Clock clock = Clock.systemUTC();

    /** For CDI. */
    public Backlogs() {
    }

    /** Backlogs recording to {@code metrics} on {@code clock}: for beans built by hand (tests). */
    public Backlogs(Meters metrics, Clock clock) {
        this.metrics = metrics;
        this.clock = clock;
    }

    private record Backlog(String name, long capacity, LongSupplier size, LongSupplier retryingSince) {
        BacklogStatus status() {
            return new BacklogStatus(name, size.getAsLong(), capacity, retryingSince.getAsLong());
        }
    }

    /**
     * Registers the buffer {@code name} (kebab-case, unique on this node).
     *
     * @param size          entries waiting now
     * @param retryingSince epoch ms since when writes have been failing, 0 while they succeed
     */
    public synchronized void register(String name, long capacity, LongSupplier size, LongSupplier retryingSince) {
        if (name == null || !KEBAB_CASE.matcher(name).matches()) {
            throw new IllegalArgumentException("a backlog's name is kebab-case, not '" + name + "'");
        }
        if (backlogs.containsKey(name)) {
            throw new IllegalArgumentException("backlog " + name + " is registered already");
        }
        Backlog backlog = new Backlog(name, capacity, size, retryingSince);
        backlogs.put(name, backlog);
        String[] tag = {"backlog", name};
        metrics.gauge("roomkeeper.backlog.size", backlog, b -> b.size().getAsLong(), tag);
        metrics.gauge("roomkeeper.backlog.capacity", backlog, Backlog::capacity, tag);
        metrics.gauge("roomkeeper.backlog.retrying.seconds", backlog, b -> {
            long since = b.retryingSince().getAsLong();
            return since == 0 ? 0 : Math.max(0, clock.millis() - since) / 1000d;
        }, tag);
    }

    /** Every registered buffer as it stands now, by name. */
    public List<BacklogStatus> statuses() {
        return backlogs.values().stream().map(Backlog::status).sorted(Comparator.comparing(BacklogStatus::name)).toList();
    }

    /** Epoch ms now, on the clock the statuses' times are on. */
    public long now() {
        return clock.millis();
    }
}
