package dev.roomkeeper.playback.control;

import dev.roomkeeper.playback.entity.LogEntry;
import dev.roomkeeper.playback.entity.PlaybackEvent;
import dev.roomkeeper.playback.entity.PlaybackStream;
import dev.roomkeeper.playback.entity.Timeline;
import org.hibernate.SessionFactory;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** {@link StreamRecords} on a real (H2) database outside a container: each call in a transaction of its own. */
public class StreamRecordsAccess extends StreamRecords {

    private final SessionFactory factory;

    public StreamRecordsAccess(SessionFactory factory) {
        this.factory = factory;
    }

    @Override
    public void create(String roomId, Timeline timeline) {
        factory.inTransaction(session -> {
            em = session;
            super.create(roomId, timeline);
        });
    }

    @Override
    public int write(Collection<LogEntry> entries, Collection<Timeline> timelines) {
        return factory.fromTransaction(session -> {
            em = session;
            return super.write(entries, timelines);
        });
    }

    @Override
    public Optional<PlaybackStream> stream(String streamId) {
        return factory.fromSession(session -> {
            em = session;
            return super.stream(streamId);
        });
    }

    @Override
    public List<PlaybackEvent> events(String streamId, EventFilter filter, int offset, int limit) {
        return factory.fromSession(session -> {
            em = session;
            return super.events(streamId, filter, offset, limit);
        });
    }

    @Override
    public long countEvents(String streamId, EventFilter filter) {
        return factory.fromSession(session -> {
            em = session;
            return super.countEvents(streamId, filter);
        });
    }

    @Override
    public int deleteEventsBefore(long cutoff, int batch) {
        return factory.fromTransaction(session -> {
            em = session;
            return super.deleteEventsBefore(cutoff, batch);
        });
    }

    @Override
    public List<PlaybackStream> idlePlaying(java.time.Instant cutoff, int batch) {
        return factory.fromSession(session -> {
            em = session;
            return super.idlePlaying(cutoff, batch);
        });
    }

    @Override
    public boolean reset(String streamId, java.time.Instant cutoff, java.time.Instant now) {
        return factory.fromTransaction(session -> {
            em = session;
            return super.reset(streamId, cutoff, now);
        });
    }

    @Override
    public void started(dev.roomkeeper.playback.entity.PlaybackCleanupRun run) {
        factory.inTransaction(session -> {
            em = session;
            super.started(run);
        });
    }

    @Override
    public dev.roomkeeper.playback.entity.PlaybackCleanupRun finished(dev.roomkeeper.playback.entity.PlaybackCleanupRun run) {
        return factory.fromTransaction(session -> {
            em = session;
            return super.finished(run);
        });
    }

    @Override
    public List<dev.roomkeeper.playback.entity.PlaybackCleanupRun> runs(int offset, int limit) {
        return factory.fromSession(session -> {
            em = session;
            return super.runs(offset, limit);
        });
    }

    @Override
    public long countRuns() {
        return factory.fromSession(session -> {
            em = session;
            return super.countRuns();
        });
    }
}
