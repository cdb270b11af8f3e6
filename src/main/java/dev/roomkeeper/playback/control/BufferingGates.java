package dev.roomkeeper.playback.control;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.keyed.control.KeyedState;
import dev.roomkeeper.keyed.entity.Condition;
import dev.roomkeeper.keyed.entity.KeyedEntry;
import dev.roomkeeper.keyed.entity.KeyedResult;
import dev.roomkeeper.keyed.entity.KeyedWrite;
import dev.roomkeeper.platform.control.Job;
import dev.roomkeeper.platform.control.Jobs;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.playback.entity.BufferingGate;
import dev.roomkeeper.playback.entity.BufferingGate.Action;
import dev.roomkeeper.playback.entity.BufferingGate.Transition;
import dev.roomkeeper.playback.entity.LogEntry;
import dev.roomkeeper.playback.entity.Timeline;
import dev.roomkeeper.rooms.entity.Access;
import dev.roomkeeper.stream.control.RoomEvents;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.spi.JsonProvider;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Buffering with "wait for everyone": each stream's {@link BufferingGate} is a key {@code gate/<stream>} of the
 * {@code playback} space, written silently (it publishes nothing; only its effects on the timeline do) by
 * compare-and-set on its version and value, so viewers on any node share one gate. The first buffering viewer pauses
 * the group once ({@code playback.set}, cause {@code buffering}); the group resumes once (cause {@code ready}) when
 * all are ready, or after {@code roomkeeper.playback.buffer-max-wait} (the sweep, job {@code playback-buffer-sweep})
 * with {@code playback.left-behind} naming who was left behind. A resume applies only while the timeline is still the
 * one the gate paused: a host's command meanwhile wins. With the option (or sync) off, buffering is only logged.
 */
@ApplicationScoped
public class BufferingGates {

    private static final Logger LOG = Logger.getLogger(BufferingGates.class.getName());
    private static final JsonProvider JSON = JsonProvider.provider();
    static final String GATES = "gate/";
    static final String LEFT_BEHIND = "playback.left-behind";
    static final int ATTEMPTS = 6;
    /** A viewer who paused the group does not pause it again for this many maximum waits. */
    static final int COOLDOWN_WAITS = 6;

    @Inject
    KeyedState state;

    @Inject
    Timelines timelines;

    @Inject
    PlaybackSettings settings;

    @Inject
    PlaybackLog log;

    @Inject
    RoomEvents events;

    @Inject
    Jobs jobs;

    @Inject
    Meters metrics;

    /** Closed gates this node heard of: "room\nstream" to the deadline it must open by. */
    private final Map<String, Long> closed = new ConcurrentHashMap<>();
    private Job sweep;
    private Meters.Counter pauses;
    private Meters.Counter resumes;
    private Meters.Counter pausedMillis;
    private Meters.Counter leftBehind;

    /** What a buffering report did, as the viewer is told. */
    public enum Result {
        /** the group paused for this viewer */
        PAUSED,
        /** the group was paused already: this viewer joined the wait */
        WAITING,
        /** the group resumed: everyone is ready */
        RESUMED,
        /** this viewer was left behind by the maximum wait: it catches up alone */
        LEFT_BEHIND,
        /** only logged (the option is off, the stream is paused, the viewer paused the group recently) */
        REPORTED;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    @PostConstruct
    void init() {
        sweep = jobs.register("playback-buffer-sweep", sweepInterval());
        pauses = metrics.counter("roomkeeper.playback.buffer.pauses");
        resumes = metrics.counter("roomkeeper.playback.buffer.resumes");
        pausedMillis = metrics.counter("roomkeeper.playback.buffer.paused.ms");
        leftBehind = metrics.counter("roomkeeper.playback.buffer.left.behind");
    }

    public Duration sweepInterval() {
        return Duration.ofMillis(Math.max(100, Math.min(1_000, settings.bufferMaxWait().toMillis() / 10)));
    }

    /** A viewer's {@code buffer_start} ({@code buffering: true}) or {@code buffer_end}. */
    public Result report(Access room, Caller caller, String streamId, boolean buffering, String eventId) {
        timelines.spendReport(room, caller);
        KeyedEntry entry = timelines.entry(room.roomId(), streamId).orElseThrow(() ->
                PlaybackRefusal.streamNotFound(streamId));
        Timeline timeline = Timeline.fromJson(entry.value());
        long now = System.currentTimeMillis();
        log.record(new LogEntry(streamId, caller.userId(), buffering ? "buffer_start" : "buffer_end",
                eventId != null ? eventId : Timelines.serverEventId(), now, timeline.positionAt(now), null));
        if (!timeline.waitForAll() || !timeline.syncEnabled()) {
            return Result.REPORTED;
        }
        long maxWait = settings.bufferMaxWait().toMillis();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<KeyedEntry> read = state.get(room.roomId(), Timelines.SPACE, GATES + streamId);
            BufferingGate gate = read.map(e -> BufferingGate.fromJson(e.value())).orElse(BufferingGate.open());
            KeyedEntry current = timelines.entry(room.roomId(), streamId).orElse(entry);
            boolean playing = Timeline.fromJson(current.value()).playing();
            Transition t = buffering ? gate.bufferStart(caller.userId(), now, playing, COOLDOWN_WAITS * maxWait)
                    : gate.bufferEnd(caller.userId());
            if (t.gate().equals(gate)) {
                return buffering && gate.leftBehind().contains(caller.userId()) ? Result.LEFT_BEHIND : Result.REPORTED;
            }
            if (!store(room.roomId(), streamId, read, t.gate())) {
                continue; // another report changed the gate: decide again
            }
            return switch (t.action()) {
                case PAUSE -> {
                    closed.put(room.roomId() + "\n" + streamId, t.gate().deadline(maxWait));
                    pause(room.roomId(), streamId, caller.userId(), now);
                    yield Result.PAUSED;
                }
                case RESUME -> {
                    closed.remove(room.roomId() + "\n" + streamId);
                    resume(room.roomId(), streamId, caller.userId(), gate.since(), now, Set.of());
                    yield Result.RESUMED;
                }
                case NONE -> {
                    if (t.joined()) {
                        closed.put(room.roomId() + "\n" + streamId, t.gate().deadline(maxWait));
                        yield Result.WAITING;
                    }
                    yield Result.REPORTED;
                }
            };
        }
        throw PlaybackRefusal.busy(streamId);
    }

    /** {@code viewer} left the room: as ready, so a departed viewer never holds the group. */
    void left(String roomId, String streamId, String viewer) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<KeyedEntry> read = state.get(roomId, Timelines.SPACE, GATES + streamId);
            if (read.isEmpty()) {
                return;
            }
            BufferingGate gate = BufferingGate.fromJson(read.get().value());
            Transition t = gate.bufferEnd(viewer);
            if (t.gate().equals(gate)) {
                return;
            }
            if (store(roomId, streamId, read, t.gate())) {
                if (t.action() == Action.RESUME) {
                    closed.remove(roomId + "\n" + streamId);
                    resume(roomId, streamId, "system", gate.since(), System.currentTimeMillis(), Set.of());
                }
                return;
            }
        }
    }

    /** One run of the sweep: opens the closed gates this node knows of whose maximum wait is over. */
    public void sweep() {
        sweep.run(() -> {
            long now = System.currentTimeMillis();
            for (Map.Entry<String, Long> due : List.copyOf(closed.entrySet())) {
                if (due.getValue() > now) {
                    continue;
                }
                String[] parts = due.getKey().split("\n", 2);
                try {
                    open(parts[0], parts[1], now);
                    closed.remove(due.getKey(), due.getValue());
                } catch (RuntimeException e) {
                    LOG.log(Level.FINE, e, () -> "could not open the buffering gate of stream " + parts[1]);
                }
            }
        });
    }

    private void open(String roomId, String streamId, long now) {
        long maxWait = settings.bufferMaxWait().toMillis();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<KeyedEntry> read = state.get(roomId, Timelines.SPACE, GATES + streamId);
            if (read.isEmpty()) {
                return;
            }
            BufferingGate gate = BufferingGate.fromJson(read.get().value());
            Transition t = gate.tick(now, maxWait);
            if (t.action() != Action.RESUME) {
                if (gate.holding()) {
                    closed.put(roomId + "\n" + streamId, gate.deadline(maxWait)); // closed again since: a later deadline
                }
                return;
            }
            if (store(roomId, streamId, read, t.gate())) {
                resume(roomId, streamId, "system", gate.since(), now, t.leftBehind());
                return;
            }
        }
    }

    private boolean store(String roomId, String streamId, Optional<KeyedEntry> read, BufferingGate next) {
        Condition condition = read.map(Condition::ifUnchanged).orElse(Condition.ifAbsent());
        KeyedResult result = state.apply(new KeyedWrite(roomId, Timelines.SPACE, GATES + streamId, KeyedWrite.Op.SET,
                next.toJson().toString(), 0, condition, 0, null, null).silently(), settings.limits());
        return result.applied();
    }

    private void pause(String roomId, String streamId, String viewer, long now) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            KeyedEntry entry = timelines.entry(roomId, streamId).orElse(null);
            if (entry == null) {
                return;
            }
            Timeline timeline = Timeline.fromJson(entry.value());
            if (!timeline.playing()) {
                return;
            }
            if (timelines.settle(roomId, entry, timeline.settled(false, now, viewer, "buffering")).isPresent()) {
                pauses.inc();
                return;
            }
        }
    }

    private void resume(String roomId, String streamId, String by, long since, long now, Set<String> behind) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            KeyedEntry entry = timelines.entry(roomId, streamId).orElse(null);
            if (entry == null) {
                return;
            }
            Timeline timeline = Timeline.fromJson(entry.value());
            if (timeline.playing() || !"buffering".equals(timeline.cause())) {
                break; // a host acted meanwhile: its command stands
            }
            if (timelines.settle(roomId, entry, timeline.settled(true, now, by, "ready")).isPresent()) {
                resumes.inc();
                pausedMillis.inc(Math.max(0, now - since));
                break;
            }
        }
        if (!behind.isEmpty()) {
            leftBehind.inc(behind.size());
            events.publish(roomId, LEFT_BEHIND, JSON.createObjectBuilder().add("stream", streamId)
                    .add("users", JSON.createArrayBuilder(new java.util.TreeSet<>(behind))).add("at", now).build());
        }
    }
}
