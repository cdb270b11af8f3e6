package dev.roomkeeper.engine.boundary;

import dev.roomkeeper.engine.control.Engine;
import dev.roomkeeper.platform.control.Job;
import dev.roomkeeper.platform.control.Jobs;
import dev.roomkeeper.platform.control.Meters;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.logging.Logger;

/**
 * Every ten minutes, lets the in-process engine forget rooms nobody touched for
 * {@code roomkeeper.stream.idle-ttl}, so memory follows live rooms, not every room ever seen. (The Redis
 * engine needs no sweep: its keys expire in Redis; there a run does nothing.) Only starts the work; the engine
 * does it. Runs are the job {@code idle-stream-sweep}; it starts with the application so that liveness
 * follows it from deployment.
 */
@Singleton
@Startup
public class IdleStreamSweeper {

    private static final Logger LOG = Logger.getLogger(IdleStreamSweeper.class.getName());

    @Inject
    Engine engine;

    @Inject
    Meters metrics;

    @Inject
    Jobs jobs;

    private Job job;
    private Meters.Counter forgotten;

    @PostConstruct
    void init() {
        forgotten = metrics.counter("roomkeeper.stream.sweep.forgotten.rooms");
        job = jobs.register("idle-stream-sweep", Duration.ofMinutes(10));
    }

    @Schedule(minute = "*/10", hour = "*", persistent = false, info = "idle stream sweep")
    void sweep() {
        job.run(this::forgetIdleStreams);
    }

    private void forgetIdleStreams() {
        int removed = engine.forgetIdleStreams();
        forgotten.inc(removed);
        if (removed > 0) {
            LOG.fine(() -> "forgot " + removed + " idle room streams");
        }
    }
}
