package dev.roomkeeper.roomstate.boundary;

import dev.roomkeeper.platform.control.Job;
import dev.roomkeeper.platform.control.Jobs;
import dev.roomkeeper.roomstate.control.RoomStateKeeper;
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

import java.time.Duration;

/**
 * Every ten seconds, reads the keys and bytes of the rooms whose state changed through this node, for the gauges
 * {@code roomkeeper.state.rooms}, {@code .keys.max}, {@code .keys.total}, {@code .bytes.max}, {@code .bytes.total}
 * and {@code .rooms.near.quota}. The job {@code room-state-usage} ({@link Jobs}) reports its runs and keeps it in
 * liveness.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class StateUsageSampler {

    static final Duration PERIOD = Duration.ofSeconds(10);

    @Resource
    TimerService timers;

    @Inject
    RoomStateKeeper keeper;

    @Inject
    Jobs jobs;

    private Job job;

    @PostConstruct
    void start() {
        job = jobs.register("room-state-usage", PERIOD);
        timers.createIntervalTimer(PERIOD.toMillis(), PERIOD.toMillis(), new TimerConfig("room state usage", false));
    }

    /** A turn that comes while a run is going on is skipped; a failed run is logged and the next one retries. */
    @Timeout
    void sample() {
        job.run(keeper::sampleUsage);
    }
}
