package dev.roomkeeper.playback.control;

import dev.roomkeeper.keyed.entity.KeyedEntry;
import dev.roomkeeper.platform.control.Job;
import dev.roomkeeper.platform.control.Jobs;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.playback.entity.PlaybackCleanupRun;
import dev.roomkeeper.playback.entity.PlaybackStream;
import dev.roomkeeper.playback.entity.Timeline;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The playback cleanup (job {@code playback-cleanup}, every {@code roomkeeper.playback.cleanup-interval} on every node,
 * or an admin's run): events older than {@code roomkeeper.playback.event-retention} (7 days) are deleted in batches of
 * {@code roomkeeper.playback.cleanup-batch}, and streams playing with no activity for
 * {@code roomkeeper.playback.idle-reset} (24 hours) are reset: not playing, position kept (the row by a conditional
 * update, the live timeline by compare-and-set, one {@code playback.set} with cause {@code idle}). Nodes running it at
 * once handle each row once: a row is deleted or reset by one statement only, and counted by the node that made it.
 * Each run is recorded with its counts and duration ({@code playback_cleanup_run}, kept 30 days).
 */
@ApplicationScoped
public class PlaybackCleanup {

    private static final Logger LOG = Logger.getLogger(PlaybackCleanup.class.getName());
    /** Batches one run takes at most of each kind, so a run stays bounded; the next run goes on. */
    static final int MAX_BATCHES = 100;

    @Inject
    StreamRecords records;

    @Inject
    Timelines timelines;

    @Inject
    PlaybackLog log;

    @Inject
    PlaybackSettings settings;

    @Inject
    Jobs jobs;

    @Inject
    Meters metrics;

    final String node = nodeName();
    private Job job;
    private Meters.Counter deleted;
    private Meters.Counter reset;
    private Meters.Counter runs;

    @PostConstruct
    void init() {
        job = jobs.register("playback-cleanup", settings.cleanupInterval());
        deleted = metrics.counter("roomkeeper.playback.cleanup.events.deleted");
        reset = metrics.counter("roomkeeper.playback.cleanup.streams.reset");
        runs = metrics.counter("roomkeeper.playback.cleanup.runs");
    }

    /** How often the timer runs the cleanup on each node (asking creates the bean, which registers its job). */
    public java.time.Duration interval() {
        return settings.cleanupInterval();
    }

    /** The timer's run; skipped while one is going on on this node. */
    public void onTimer() {
        job.call(run -> sweep(run, "timer", null));
    }

    /** An admin's run, now, on this node: its record, or 409 while one is going on. */
    public PlaybackCleanupRun runNow(String admin) {
        return job.call(run -> sweep(run, "admin", admin)).orElseThrow(() -> new ProblemException(409, "cleanup-running",
                "Cleanup running", "A playback cleanup is running on this node; its run will be listed when done."));
    }

    private PlaybackCleanupRun sweep(Job.Run job, String trigger, String by) {
        long begin = System.nanoTime();
        Instant started = Instant.now();
        PlaybackCleanupRun run = new PlaybackCleanupRun(node, trigger, by, started);
        try {
            records.started(run);
        } catch (RuntimeException e) {
            throw ProblemException.unavailable("cleanup-unavailable", "Cleanup unavailable",
                    "The cleanup cannot record its run: the database is unavailable.", 5);
        }
        runs.inc();
        int errors = 0;
        int events = 0;
        int streams = 0;
        try {
            events = deleteOldEvents(started.toEpochMilli() - settings.eventRetention().toMillis());
        } catch (RuntimeException e) {
            errors++;
            LOG.log(Level.WARNING, e, () -> "playback cleanup: could not delete old events");
        }
        try {
            streams = resetIdleStreams(started);
        } catch (RuntimeException e) {
            errors++;
            LOG.log(Level.WARNING, e, () -> "playback cleanup: could not reset idle streams");
        }
        if (errors > 0) {
            job.failed();
        }
        run.finish(Instant.now(), (System.nanoTime() - begin) / 1_000_000, events, streams, errors);
        return records.finished(run);
    }

    private int deleteOldEvents(long cutoff) {
        int total = 0;
        for (int i = 0; i < MAX_BATCHES; i++) {
            int batch = records.deleteEventsBefore(cutoff, settings.cleanupBatch());
            total += batch;
            deleted.inc(batch);
            if (batch == 0) {
                break;
            }
        }
        return total;
    }

    private int resetIdleStreams(Instant now) {
        Instant cutoff = now.minus(settings.idleReset());
        int total = 0;
        for (int i = 0; i < MAX_BATCHES; i++) {
            List<PlaybackStream> candidates = records.idlePlaying(cutoff, settings.cleanupBatch());
            int done = 0;
            for (PlaybackStream row : candidates) {
                Optional<KeyedEntry> live = timelines.entry(row.getRoomId(), row.getId());
                Optional<Timeline> timeline = live.map(e -> Timeline.fromJson(e.value()));
                if (timeline.isPresent() && timeline.get().at() >= cutoff.toEpochMilli()) {
                    log.changed(row.getRoomId(), timeline.get()); // active after all: the row catches up
                    continue;
                }
                if (records.reset(row.getId(), cutoff, now)) {
                    done++;
                    reset.inc();
                    if (timeline.isPresent() && timeline.get().playing()) {
                        timelines.settle(row.getRoomId(), live.get(), timeline.get().idle(now.toEpochMilli()));
                    }
                }
            }
            total += done;
            if (candidates.size() < settings.cleanupBatch() || done == 0) {
                break;
            }
        }
        return total;
    }

    public List<PlaybackCleanupRun> runs(int offset, int limit) {
        return records.runs(offset, limit);
    }

    public long countRuns() {
        return records.countRuns();
    }

    private static String nodeName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        String name = host + "/" + ProcessHandle.current().pid();
        return name.length() <= 128 ? name : name.substring(name.length() - 128);
    }
}
