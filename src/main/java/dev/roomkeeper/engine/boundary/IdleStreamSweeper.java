package dev.roomkeeper.engine.boundary;

import dev.roomkeeper.engine.control.Engine;
import dev.roomkeeper.engine.control.MemoryEngine;
import dev.roomkeeper.platform.control.Meters;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.inject.Inject;

import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Every ten minutes, lets the in-process engine forget rooms nobody touched for
 * {@code roomkeeper.stream.idle-ttl}, so memory follows live rooms, not every room ever seen. (The Redis
 * engine needs no sweep: its keys expire in Redis.) Only starts the work; the engine does it.
 */
@Singleton
public class IdleStreamSweeper {

    private static final Logger LOG = Logger.getLogger(IdleStreamSweeper.class.getName());

    @Inject
    Engine engine;

    @Inject
    Meters metrics;

    private final AtomicLong lastRunMillis = new AtomicLong();
    private final AtomicLong lastDurationNanos = new AtomicLong();
    private final AtomicLong heldRooms = new AtomicLong();
    private Meters.Counter forgotten;

    @PostConstruct
    void init() {
        forgotten = metrics.counter("roomkeeper.stream.sweep.forgotten.rooms");
        metrics.gauge("roomkeeper.stream.sweep.last.run.seconds", lastRunMillis, v -> v.get() / 1000d);
        metrics.gauge("roomkeeper.stream.sweep.last.duration.seconds", lastDurationNanos, v -> v.get() / 1e9);
        metrics.gauge("roomkeeper.stream.rooms.held", heldRooms, AtomicLong::get);
    }

    @Schedule(minute = "*/10", hour = "*", persistent = false, info = "idle stream sweep")
    void sweep() {
        if (!(engine instanceof MemoryEngine memory)) {
            return;
        }
        long start = System.nanoTime();
        int removed = memory.forgetIdleRooms();
        lastDurationNanos.set(System.nanoTime() - start);
        lastRunMillis.set(System.currentTimeMillis());
        heldRooms.set(memory.rooms());
        forgotten.inc(removed);
        if (removed > 0) {
            LOG.fine(() -> "forgot " + removed + " idle room streams; " + memory.rooms() + " held");
        }
    }
}
