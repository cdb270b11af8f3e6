package dev.roomkeeper.playback.boundary;

import dev.roomkeeper.playback.control.BufferingGates;
import dev.roomkeeper.playback.control.PlaybackCleanup;
import dev.roomkeeper.playback.control.PlaybackLog;
import dev.roomkeeper.playback.control.PlaybackSettings;
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

/**
 * The playback timers, on every node (non-persistent): the {@code playback-flush} every
 * {@code roomkeeper.playback.flush-interval} ({@link PlaybackLog#flush}), and the {@code playback-buffer-sweep}
 * (a tenth of {@code roomkeeper.playback.buffer-max-wait}, 0.1 to 1 s) that opens buffering gates whose maximum wait is
 * over ({@link BufferingGates#sweep}), and the {@code playback-cleanup} every {@code roomkeeper.playback.cleanup-interval}
 * ({@link PlaybackCleanup}): old events deleted, idle streams reset, each run recorded. Only starts the work; the jobs report their
 * runs ({@code roomkeeper.job.*}).
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class PlaybackTimers {

    private static final String FLUSH = "flush";
    private static final String GATES = "gates";
    private static final String CLEANUP = "cleanup";

    @Resource
    TimerService timers;

    @Inject
    PlaybackLog log;

    @Inject
    PlaybackSettings settings;

    @Inject
    BufferingGates gates;

    @Inject
    PlaybackCleanup cleanup;

    @PostConstruct
    void start() {
        long flushPeriod = settings.flushInterval().toMillis();
        log.backlog(); // creates the log now, so its job and backlog are listed from the start
        timers.createIntervalTimer(flushPeriod, flushPeriod, new TimerConfig(FLUSH, false));
        long gatePeriod = gates.sweepInterval().toMillis();
        timers.createIntervalTimer(gatePeriod, gatePeriod, new TimerConfig(GATES, false));
        long cleanupPeriod = cleanup.interval().toMillis();
        timers.createIntervalTimer(cleanupPeriod, cleanupPeriod, new TimerConfig(CLEANUP, false));
    }

    /** Outside a transaction: each batch is written in its own. */
    @Timeout
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    void fire(Timer timer) {
        if (FLUSH.equals(timer.getInfo())) {
            log.flush();
        } else if (GATES.equals(timer.getInfo())) {
            gates.sweep();
        } else if (CLEANUP.equals(timer.getInfo())) {
            try {
                cleanup.onTimer();
            } catch (RuntimeException e) {
                // the run could not be recorded (database down): the job counts the failure, the next run goes on
            }
        }
    }
}
