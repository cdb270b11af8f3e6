package dev.roomkeeper.rooms.boundary;

import dev.roomkeeper.rooms.control.IdleSweep;
import dev.roomkeeper.rooms.entity.IdleSweepRun;
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

import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the idle-room sweep every {@code roomkeeper.rooms.idle-sweep-interval} (default 15 minutes) on every
 * node; {@link IdleSweep} does the work, and is safe when several nodes run it at once. The first run comes
 * one interval after deployment, plus up to a tenth of an interval at random, so nodes started together do
 * not sweep in step. Non-persistent: a node that is down has nothing to sweep, the others do it. Its runs are
 * the job {@code idle-room-sweep}, in the job metrics and liveness.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class IdleRoomSweeper {

    private static final Logger LOG = Logger.getLogger(IdleRoomSweeper.class.getName());

    @Resource
    TimerService timers;

    @Inject
    IdleSweep sweep;

    @PostConstruct
    void start() {
        long period = sweep.interval().toMillis();
        long first = period + ThreadLocalRandom.current().nextLong(period / 10 + 1);
        timers.createIntervalTimer(first, period, new TimerConfig("idle room sweep", false));
    }

    @Timeout
    void fire() {
        try {
            sweep.runUnlessRunning(IdleSweepRun.Trigger.TIMER, null);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e, () -> "idle sweep failed; next run in " + sweep.interval());
        }
    }
}
