package dev.roomkeeper.presence.boundary;

import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.presence.control.PresenceRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Ends sessions that stopped heartbeating (and reconnecting ones whose grace ran out), every
 * {@code roomkeeper.presence.sweep-interval}. Every node runs it; the store ends each session exactly
 * once, so a dead node's sessions are ended by the others. Only starts the work.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class StalePresenceSweeper {

    private static final Logger LOG = Logger.getLogger(StalePresenceSweeper.class.getName());
    private static final int BATCH = 500;

    @Resource
    TimerService timers;

    @Inject
    PresenceRegistry registry;

    @Inject
    @ConfigProperty(name = "roomkeeper.presence.sweep-interval", defaultValue = "PT1S")
    Duration interval;

    @Inject
    Meters metrics;

    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong lastRun = new AtomicLong();
    private final AtomicLong lastDuration = new AtomicLong();
    private Meters.Counter expired;
    private Meters.Counter failures;

    @PostConstruct
    void start() {
        expired = metrics.counter("roomkeeper.presence.expired");
        failures = metrics.counter("roomkeeper.presence.sweep.failures");
        metrics.gauge("roomkeeper.presence.sweep.last.run.seconds", lastRun, v -> v.get() / 1000d);
        metrics.gauge("roomkeeper.presence.sweep.last.duration.seconds", lastDuration, v -> v.get() / 1e9);
        long period = Math.max(200, interval.toMillis());
        timers.createIntervalTimer(period, period, new TimerConfig("stale presence sweep", false));
    }

    @Timeout
    void sweep() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        long start = System.nanoTime();
        try {
            expired.inc(registry.expire(BATCH));
        } catch (RuntimeException e) {
            failures.inc();
            LOG.log(Level.WARNING, e, () -> "presence sweep failed; next run in " + interval);
        } finally {
            lastDuration.set(System.nanoTime() - start);
            lastRun.set(System.currentTimeMillis());
            running.set(false);
        }
    }

    /** Epoch ms of the last completed run (health). */
    public long lastRun() {
        return lastRun.get();
    }

    public Duration interval() {
        return interval;
    }
}
