package dev.roomkeeper.participants.boundary;

import dev.roomkeeper.participants.control.ParticipantRepair;
import dev.roomkeeper.participants.control.ParticipantSettings;
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

import java.time.Duration;

/**
 * The timer {@code participants-reconcile} (every {@code roomkeeper.livekit.reconcile-interval}, on every node):
 * reconciles the channels this node heard of with LiveKit's room service. Not started, and no job registered, when no
 * LiveKit URL (or no key) is configured.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class ParticipantsReconciler {

    @Resource
    TimerService timers;

    @Inject
    ParticipantRepair repair;

    @Inject
    ParticipantSettings settings;

    @Inject
    Jobs jobs;

    private Job job;

    @PostConstruct
    void start() {
        if (!repair.enabled()) {
            return;
        }
        Duration every = settings.reconcileInterval();
        job = jobs.register("participants-reconcile", every);
        timers.createIntervalTimer(every.toMillis(), every.toMillis(), new TimerConfig("participants-reconcile", false));
    }

    /** A turn that comes while a run is going on is skipped; a failed run is logged and the next one retries. */
    @Timeout
    void run() {
        if (job != null) {
            job.run(repair::reconcileKnown);
        }
    }
}
