package dev.roomkeeper.rooms.boundary;

import dev.roomkeeper.rooms.control.RoomTouches;
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

/**
 * Writes this node's pending room activity to the database every
 * {@code roomkeeper.rooms.activity-flush-interval} (default 30 s). Only starts the work; {@link RoomTouches}
 * does it, and also writes what is pending when the application stops. Non-persistent: a node that is down
 * has nothing to flush.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class ActivityFlusher {

    @Resource
    TimerService timers;

    @Inject
    RoomTouches touches;

    @PostConstruct
    void start() {
        long period = touches.flushInterval().toMillis();
        timers.createIntervalTimer(period, period, new TimerConfig("room activity flush", false));
    }

    @Timeout
    void flush() {
        touches.flush();
    }
}
