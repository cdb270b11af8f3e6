package dev.roomkeeper.presence.boundary;

import dev.roomkeeper.platform.control.Job;
import dev.roomkeeper.platform.control.Jobs;
import dev.roomkeeper.presence.control.LostSessions;
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
 * Every {@code roomkeeper.presence.lost-session-sweep-interval} (default one minute) closes the attendance rows of
 * sessions the engine lost ({@link LostSessions}): rows of sessions older than one interval, missing from the
 * presence store on two sweeps in a row. Reported as the job {@code lost-session-sweep}; a run that cannot reach
 * the database or the engine fails and the next one tries again.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class LostSessionSweeper {

    @Resource
    TimerService timers;

    @Inject
    LostSessions lost;

    @Inject
    @ConfigProperty(name = "roomkeeper.presence.lost-session-sweep-interval", defaultValue = "PT1M")
    Duration interval;

    @Inject
    Jobs jobs;

    private Job job;
    private Duration period;

    @PostConstruct
    void start() {
        period = Duration.ofMillis(Math.max(1000, interval.toMillis()));
        job = jobs.register("lost-session-sweep", period);
        timers.createIntervalTimer(period.toMillis(), period.toMillis(), new TimerConfig("lost session sweep", false));
    }

    @Timeout
    void sweep() {
        job.run(() -> lost.sweep(period));
    }
}
