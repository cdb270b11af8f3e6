package dev.roomkeeper.watch.boundary;

import dev.roomkeeper.platform.control.Job;
import dev.roomkeeper.platform.control.Jobs;
import dev.roomkeeper.watch.control.WatchFlush;
import dev.roomkeeper.watch.control.WatchSettings;
import dev.roomkeeper.watch.control.WatchTracker;
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
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;

import java.io.Serializable;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The watch feature's two timers, on every node (non-persistent: a node that is down has nothing to do):
 * <ul>
 *     <li>the viewers sweep ({@code watch-viewers-sweep}), every {@code roomkeeper.watch.viewers-interval} (default
 *     1 s): for each room this node follows, silent tabs stop accruing and drop out, and a changed viewer count is
 *     published ({@link WatchTracker#refresh});</li>
 *     <li>the credit flush ({@code watch-credit-flush}), every {@code roomkeeper.watch.flush-interval} (default
 *     30 s): {@link WatchFlush#flush}.</li>
 * </ul>
 * Only starts the work; the jobs report their runs ({@code roomkeeper.job.*}) and keep them in liveness.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class WatchTimers {

    private static final Logger LOG = Logger.getLogger(WatchTimers.class.getName());
    private static final String SWEEP = "sweep";
    private static final String FLUSH = "flush";

    @Resource
    TimerService timers;

    @Inject
    WatchTracker tracker;

    @Inject
    WatchFlush flush;

    @Inject
    WatchSettings settings;

    @Inject
    Jobs jobs;

    private Job sweep;

    @PostConstruct
    void start() {
        long sweepPeriod = settings.viewersInterval().toMillis();
        sweep = jobs.register("watch-viewers-sweep", settings.viewersInterval());
        timers.createIntervalTimer(sweepPeriod, sweepPeriod, new TimerConfig(SWEEP, false));
        long flushPeriod = settings.flushInterval().toMillis();
        timers.createIntervalTimer(flushPeriod, flushPeriod, new TimerConfig(FLUSH, false));
    }

    /** Outside a transaction: each batch of credits is written in its own, so a failed one leaves the others. */
    @Timeout
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    void fire(Timer timer) {
        Serializable info = timer.getInfo();
        if (FLUSH.equals(info)) {
            flush.flush();
        } else {
            sweep.run(this::sweepRooms);
        }
    }

    private void sweepRooms() {
        RuntimeException failed = null;
        for (String room : tracker.rooms()) {
            try {
                tracker.refresh(room);
            } catch (RuntimeException e) {
                failed = e;
                LOG.log(Level.FINE, e, () -> "could not sweep the watch state of room " + room);
            }
        }
        if (failed != null) {
            throw failed;
        }
    }
}
