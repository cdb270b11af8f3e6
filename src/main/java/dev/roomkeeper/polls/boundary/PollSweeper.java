package dev.roomkeeper.polls.boundary;

import dev.roomkeeper.platform.control.Job;
import dev.roomkeeper.platform.control.Jobs;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.polls.control.PollBook;
import dev.roomkeeper.polls.control.PollRecords;
import dev.roomkeeper.polls.control.PollSettings;
import dev.roomkeeper.polls.entity.PollRecord;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The timers of polls, on every node:
 * <ul>
 *     <li>{@code poll-close-sweep} (every {@code roomkeeper.polls.sweep-interval}): closes the recorded open polls
 *     whose close time came, exactly once across the cluster (the close is a compare-and-set of the poll's live key);
 *     once a minute it also reconciles every recorded open poll with the live state (closes not recorded while the
 *     database was down, polls whose live state is gone). It keeps the gauge {@code roomkeeper.polls.open} (open
 *     polls in the database, cluster-wide).</li>
 *     <li>{@code poll-tally-push} (every {@code roomkeeper.polls.tally-interval}): pushes {@code poll.tally} for the
 *     polls this node took votes for.</li>
 * </ul>
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class PollSweeper {

    private static final int BATCH = 200;
    private static final long RECONCILE_EVERY_MS = 60_000;

    @Resource
    TimerService timers;

    @Inject
    PollBook book;

    @Inject
    PollRecords records;

    @Inject
    PollSettings settings;

    @Inject
    Jobs jobs;

    @Inject
    Meters metrics;

    private Job sweep;
    private Job push;
    private long tallyInterval;
    private final AtomicLong open = new AtomicLong();
    private volatile long lastReconcile;

    @PostConstruct
    void start() {
        Duration sweepEvery = settings.sweepInterval();
        Duration pushEvery = settings.tallyInterval();
        tallyInterval = pushEvery.toMillis();
        sweep = jobs.register("poll-close-sweep", sweepEvery);
        push = jobs.register("poll-tally-push", pushEvery);
        metrics.gauge("roomkeeper.polls.open", open, AtomicLong::doubleValue);
        lastReconcile = System.currentTimeMillis();
        timers.createIntervalTimer(sweepEvery.toMillis(), sweepEvery.toMillis(), new TimerConfig("sweep", false));
        timers.createIntervalTimer(pushEvery.toMillis(), pushEvery.toMillis(), new TimerConfig("push", false));
    }

    /** A turn that comes while a run is going on is skipped; a failed run is logged and the next one retries. */
    @Timeout
    void run(Timer timer) {
        if ("push".equals(timer.getInfo())) {
            push.run(() -> book.pushTallies(tallyInterval));
        } else {
            sweep.run(this::sweep);
        }
    }

    private void sweep() {
        Instant now = Instant.now();
        for (PollRecord due : records.due(now, BATCH)) {
            book.settle(due);
        }
        if (now.toEpochMilli() - lastReconcile >= RECONCILE_EVERY_MS) {
            lastReconcile = now.toEpochMilli();
            List<PollRecord> stale = records.openSince(now.minusMillis(RECONCILE_EVERY_MS), BATCH);
            stale.forEach(book::settle);
        }
        open.set(records.countOpen());
    }
}
