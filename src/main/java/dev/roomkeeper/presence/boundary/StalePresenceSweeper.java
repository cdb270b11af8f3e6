package dev.roomkeeper.presence.boundary;

import dev.roomkeeper.platform.control.Job;
import dev.roomkeeper.platform.control.Jobs;
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

/**
 * Ends sessions that stopped heartbeating (and reconnecting ones whose grace ran out), every
 * {@code roomkeeper.presence.sweep-interval}. Every node runs it; the store ends each session exactly
 * once, so a dead node's sessions are ended by the others. Only starts the work; the job
 * {@code presence-sweep} ({@link Jobs}) reports its runs and keeps it in liveness.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class StalePresenceSweeper {

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

    @Inject
    Jobs jobs;

    private Job job;
    private Meters.Counter expired;

    @PostConstruct
    void start() {
        expired = metrics.counter("roomkeeper.presence.expired");
        long period = Math.max(200, interval.toMillis());
        job = jobs.register("presence-sweep", Duration.ofMillis(period));
        timers.createIntervalTimer(period, period, new TimerConfig("stale presence sweep", false));
    }

    /** A turn that comes while a run is going on is skipped; a failed run is logged and the next one retries. */
    @Timeout
    void sweep() {
        job.run(() -> expired.inc(registry.expire(BATCH)));
    }
}
