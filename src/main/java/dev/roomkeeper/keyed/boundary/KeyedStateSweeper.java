package dev.roomkeeper.keyed.boundary;

import dev.roomkeeper.keyed.control.KeyedState;
import dev.roomkeeper.platform.control.Job;
import dev.roomkeeper.platform.control.Jobs;
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
 * Announces the expiry of keys whose time to live ran out, every {@code roomkeeper.keyed.sweep-interval}
 * (default one second). Every node runs it; the store announces each expiry exactly once, so a dead node's
 * keys expire all the same. Only starts the work; the job {@code keyed-state-sweep} ({@link Jobs}) reports its
 * runs and keeps it in liveness, and {@code roomkeeper.keyed.expired} counts the keys by space.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class KeyedStateSweeper {

    private static final int BATCH = 500;

    @Resource
    TimerService timers;

    @Inject
    KeyedState state;

    @Inject
    @ConfigProperty(name = "roomkeeper.keyed.sweep-interval", defaultValue = "PT1S")
    Duration interval;

    @Inject
    Jobs jobs;

    private Job job;

    @PostConstruct
    void start() {
        long period = Math.max(200, interval.toMillis());
        job = jobs.register("keyed-state-sweep", Duration.ofMillis(period));
        timers.createIntervalTimer(period, period, new TimerConfig("keyed state sweep", false));
    }

    /** A turn that comes while a run is going on is skipped; a failed run is logged and the next one retries. */
    @Timeout
    void sweep() {
        job.run(() -> state.expire(BATCH));
    }
}
