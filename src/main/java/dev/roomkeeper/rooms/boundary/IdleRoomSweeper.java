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

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the idle-room sweep every {@code roomkeeper.rooms.idle-sweep-interval} (default 15 minutes) on every
 * node; {@link IdleSweep} does the work, and is safe when several nodes run it at once. The first run comes
 * one interval after deployment, plus up to a tenth of an interval at random, so nodes started together do
 * not sweep in step. Non-persistent: a node that is down has nothing to sweep, the others do it.
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

    private final AtomicLong deployedAt = new AtomicLong(System.currentTimeMillis());
    private final AtomicLong lastFired = new AtomicLong();

    @PostConstruct
    void start() {
        long period = sweep.interval().toMillis();
        long first = period + ThreadLocalRandom.current().nextLong(period / 10 + 1);
        timers.createIntervalTimer(first, period, new TimerConfig("idle room sweep", false));
    }

    @Timeout
    void fire() {
        lastFired.set(System.currentTimeMillis());
        try {
            sweep.runUnlessRunning(IdleSweepRun.Trigger.TIMER, null);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e, () -> "idle sweep failed; next run in " + sweep.interval());
        }
    }

    /** Epoch ms when the timer last fired, whatever the run's outcome; 0 before it first did. */
    public long lastFired() {
        return lastFired.get();
    }

    /** Epoch ms when this node deployed the sweeper. */
    public long deployedAt() {
        return deployedAt.get();
    }

    public Duration interval() {
        return sweep.interval();
    }

    /** Epoch ms when the run going on on this node started (by the timer or an admin); 0 when none is. */
    public long runningSince() {
        return sweep.runningSince();
    }
}
