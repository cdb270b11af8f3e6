package dev.roomkeeper.playback.boundary;

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
 * {@code roomkeeper.playback.flush-interval} ({@link PlaybackLog#flush}). Only starts the work; the jobs report their
 * runs ({@code roomkeeper.job.*}).
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class PlaybackTimers {

    private static final String FLUSH = "flush";

    @Resource
    TimerService timers;

    @Inject
    PlaybackLog log;

    @Inject
    PlaybackSettings settings;

    @PostConstruct
    void start() {
        long flushPeriod = settings.flushInterval().toMillis();
        timers.createIntervalTimer(flushPeriod, flushPeriod, new TimerConfig(FLUSH, false));
    }

    /** Outside a transaction: each batch is written in its own. */
    @Timeout
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    void fire(Timer timer) {
        if (FLUSH.equals(timer.getInfo())) {
            log.flush();
        }
    }
}
