package dev.roomkeeper.playback.control;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.auth.entity.Role;
import dev.roomkeeper.keyed.control.KeyedState;
import dev.roomkeeper.keyed.entity.Condition;
import dev.roomkeeper.keyed.entity.KeyedEntry;
import dev.roomkeeper.keyed.entity.KeyedResult;
import dev.roomkeeper.keyed.entity.KeyedSnapshot;
import dev.roomkeeper.keyed.entity.KeyedWrite;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.playback.entity.DriftReport;
import dev.roomkeeper.playback.entity.LogEntry;
import dev.roomkeeper.playback.entity.PlaybackCommand;
import dev.roomkeeper.playback.entity.StreamRequest;
import dev.roomkeeper.playback.entity.Timeline;
import dev.roomkeeper.rooms.control.RoomAccess;
import dev.roomkeeper.rooms.entity.Access;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.spi.JsonProvider;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live timelines of a room's playback streams: one key {@code stream/<id>} per stream in the keyed-state space
 * {@value #SPACE}, each change a compare-and-set on the key's version whose one room event ({@code playback.set})
 * carries the whole new timeline. Hosts (and the member control was handed to) create streams and send commands;
 * each command is rate-limited per host and room, validated, and idempotent by its client {@code eventId}. The
 * database is never read or written on a command's path: the playback flush writes the streams' rows and the event
 * log in batches ({@link PlaybackLog}).
 */
@ApplicationScoped
public class Timelines {

    /** The keyed-state space of playback. */
    public static final String SPACE = "playback";
    /** The keys of the streams' timelines. */
    public static final String PREFIX = "stream/";
    /** Attempts at a compare-and-set before answering {@code busy}. */
    static final int ATTEMPTS = 4;

    private static final JsonProvider JSON = JsonProvider.provider();

    @Inject
    KeyedState state;

    @Inject
    RoomAccess access;

    @Inject
    PlaybackSettings settings;

    @Inject
    PlaybackLog log;

    @Inject
    StreamRecords records;

    @Inject
    Meters metrics;

    /** Per room and host: a token bucket (this node's share of the host's commands). */
    private final Map<String, CommandBudget> budgets = new ConcurrentHashMap<>();
    private final Map<String, Meters.Counter> commands = new ConcurrentHashMap<>();
    private final Map<String, Meters.Counter> refusals = new ConcurrentHashMap<>();
    private Meters.Counter duplicates;
    private Meters.Counter corrections;
    private Meters.Counter syncRequests;
    private DriftHistogram drift;
    /** Per room and member: the budget of viewer reports (sync requests, positions, buffering). */
    private final Map<String, CommandBudget> reportBudgets = new ConcurrentHashMap<>();
    /** The clock of the command budgets (a test's own). */
    java.util.function.LongSupplier nanos = System::nanoTime;

    /** What a command or a create did. */
    public record Outcome(Timeline timeline, long seq, boolean duplicate) {
        public jakarta.json.JsonObject toJson(String roomId) {
            var json = JSON.createObjectBuilder().add("room", roomId).add("stream", timeline.stream())
                    .add("seq", seq).add("timeline", timeline.toJson());
            if (duplicate) {
                json.add("duplicate", true);
            }
            return json.build();
        }
    }

    @PostConstruct
    void init() {
        duplicates = metrics.counter("roomkeeper.playback.duplicates");
        corrections = metrics.counter("roomkeeper.playback.corrections");
        syncRequests = metrics.counter("roomkeeper.playback.sync.requests");
        drift = new DriftHistogram(metrics);
    }

    /** The caller's access to the room (members only). */
    public Access access(String roomRef, Caller caller) {
        return access.resolve(roomRef, caller);
    }

    /** The room's timelines, valid at the snapshot's seq of the room's stream. */
    public KeyedSnapshot snapshot(Access room) {
        return state.snapshot(room.roomId(), SPACE, PREFIX);
    }

    public Optional<Timeline> timeline(String roomId, String streamId) {
        return state.get(roomId, SPACE, PREFIX + streamId).map(e -> Timeline.fromJson(e.value()));
    }

    /**
     * Creates a stream (hosts only): its row in the database, then its timeline (paused at 0). With an
     * {@code eventId} the stream's id derives from it, so a retried create answers the stream the first made.
     */
    public Outcome create(Access room, Caller caller, StreamRequest request) {
        if (room.role() != Role.HOST) {
            throw refused("not-host", PlaybackRefusal.notHost(null));
        }
        spend(room, caller);
        String id = request.eventId() == null ? UUID.randomUUID().toString()
                : UUID.nameUUIDFromBytes((room.roomId() + "\n" + caller.userId() + "\n" + request.eventId())
                .getBytes(StandardCharsets.UTF_8)).toString();
        Optional<KeyedEntry> existing = state.get(room.roomId(), SPACE, PREFIX + id);
        if (existing.isPresent()) {
            duplicates.inc();
            return new Outcome(Timeline.fromJson(existing.get().value()), existing.get().version(), true);
        }
        KeyedSnapshot now = snapshot(room);
        if (now.entries().size() >= settings.maxStreams()) {
            throw refused("too-many-streams", PlaybackRefusal.tooManyStreams(settings.maxStreams()));
        }
        long at = System.currentTimeMillis();
        Timeline timeline = new Timeline(id, request.title(), request.mediaUrl(), 0, 1.0, false, at,
                request.syncEnabled(), request.toleranceMs(), request.waitForAll(), caller.userId(), "create", null, null);
        records.create(room.roomId(), timeline);
        KeyedResult result = state.apply(new KeyedWrite(room.roomId(), SPACE, PREFIX + id, KeyedWrite.Op.SET,
                timeline.toJson().toString(), 0, Condition.ifAbsent(), 0, null, caller.userId()), settings.limits());
        if (result.applied()) {
            count("create");
            return new Outcome(timeline, result.seq(), false);
        }
        if (result.outcome() == KeyedResult.Outcome.CONFLICT && result.entry() != null) {
            duplicates.inc();
            return new Outcome(Timeline.fromJson(result.entry().value()), result.entry().version(), true);
        }
        throw refused("too-many-streams", PlaybackRefusal.tooManyStreams(settings.maxStreams()));
    }

    /**
     * Applies a host's command to a stream's timeline: compare-and-set on the key's version (retried a few times
     * when another command won), idempotent by the command's {@code eventId} (a retry answers {@code duplicate} and
     * changes nothing), logged for the event log.
     */
    public Outcome command(Access room, Caller caller, String streamId, PlaybackCommand command) {
        String key = PREFIX + streamId;
        KeyedEntry entry = state.get(room.roomId(), SPACE, key).orElseThrow(() -> refused("stream-not-found",
                PlaybackRefusal.streamNotFound(streamId)));
        requireControl(room, caller, Timeline.fromJson(entry.value()));
        spend(room, caller);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Timeline current = Timeline.fromJson(entry.value());
            if (command.eventId().equals(current.eventId())) {
                duplicates.inc();
                return new Outcome(current, entry.version(), true); // the first result: nothing changed since
            }
            long now = System.currentTimeMillis();
            Timeline next = current.apply(command, caller.userId(), now);
            KeyedResult result = state.apply(new KeyedWrite(room.roomId(), SPACE, key, KeyedWrite.Op.SET,
                    next.toJson().toString(), 0, Condition.ifVersion(entry.version()), 0,
                    idempotencyKey(streamId, command.eventId()), caller.userId()), settings.limits());
            switch (result.outcome()) {
                case APPLIED -> {
                    count(command.type().wireName());
                    log.changed(room.roomId(), next);
                    log.record(new LogEntry(streamId, caller.userId(), command.type().wireName(), command.eventId(),
                            now, next.positionMs(), metadata(next, command)));
                    return new Outcome(next, result.seq(), false);
                }
                case DUPLICATE -> {
                    duplicates.inc();
                    Timeline seen = result.entry() == null ? current : Timeline.fromJson(result.entry().value());
                    return new Outcome(seen, result.seq(), true);
                }
                case CONFLICT -> {
                    if (result.entry() == null) {
                        throw refused("stream-not-found", PlaybackRefusal.streamNotFound(streamId));
                    }
                    entry = result.entry();
                }
                default -> throw refused("busy", PlaybackRefusal.busy(streamId));
            }
        }
        throw refused("busy", PlaybackRefusal.busy(streamId));
    }

    /**
     * Writes a timeline the server decided on (the buffering gate, a handoff, the idle reset), by compare-and-set
     * on {@code read}; empty when the key changed meanwhile (a newer command wins).
     */
    public Optional<Long> settle(String roomId, KeyedEntry read, Timeline next) {
        KeyedResult result = state.apply(new KeyedWrite(roomId, SPACE, PREFIX + next.stream(), KeyedWrite.Op.SET,
                next.toJson().toString(), 0, Condition.ifVersion(read.version()), 0, null, next.by()), settings.limits());
        if (!result.applied()) {
            return Optional.empty();
        }
        log.changed(roomId, next);
        return Optional.of(result.seq());
    }

    public Optional<KeyedEntry> entry(String roomId, String streamId) {
        return state.get(roomId, SPACE, PREFIX + streamId);
    }

    /**
     * A viewer's {@code sync_request}: answered with the stream's current timeline and its version, read from the
     * engine; logged.
     */
    public KeyedEntry syncRequest(Access room, Caller caller, String streamId, String eventId) {
        spendReport(room, caller);
        KeyedEntry entry = entry(room.roomId(), streamId).orElseThrow(() -> refused("stream-not-found",
                PlaybackRefusal.streamNotFound(streamId)));
        syncRequests.inc();
        long now = System.currentTimeMillis();
        Timeline timeline = Timeline.fromJson(entry.value());
        log.record(new LogEntry(streamId, caller.userId(), "sync_request", eventId != null ? eventId : serverEventId(),
                now, timeline.positionAt(now), null));
        return entry;
    }

    /** What a position report found, with the timeline it was judged against. */
    public record Judged(DriftReport report, KeyedEntry entry) {
    }

    /**
     * A viewer's position report: {@code positionMs} at server time {@code at} (the viewer's clock plus its measured
     * offset; null for the time the report arrived). The drift is recorded in the histogram; beyond the stream's
     * tolerance the viewer is told to correct (and the correction is logged), within it nothing is to be done.
     */
    public Judged report(Access room, Caller caller, String streamId, long positionMs, Long at, String eventId) {
        spendReport(room, caller);
        KeyedEntry entry = entry(room.roomId(), streamId).orElseThrow(() -> refused("stream-not-found",
                PlaybackRefusal.streamNotFound(streamId)));
        Timeline timeline = Timeline.fromJson(entry.value());
        long now = System.currentTimeMillis();
        DriftReport judged = DriftReport.judge(timeline, positionMs, at == null ? now : at);
        drift.record(judged.driftMs());
        if (judged.correct()) {
            corrections.inc();
            log.record(new LogEntry(streamId, caller.userId(), "position", eventId != null ? eventId : serverEventId(),
                    now, positionMs, "{\"driftMs\":" + judged.driftMs() + ",\"expectedMs\":" + judged.expectedMs() + "}"));
        }
        return new Judged(judged, entry);
    }

    static String serverEventId() {
        return "srv-" + UUID.randomUUID();
    }

    /** Takes one report from the member's budget in the room, or refuses with when the next one fits. */
    void spendReport(Access room, Caller caller) {
        if (reportBudgets.size() > 100_000) {
            reportBudgets.clear();
        }
        CommandBudget budget = reportBudgets.computeIfAbsent(room.roomId() + "\n" + caller.userId(),
                k -> new CommandBudget(settings.reportRate(), settings.reportBurst(), nanos.getAsLong()));
        long wait = budget.take(nanos.getAsLong());
        if (wait > 0) {
            throw refused("rate-limited", PlaybackRefusal.rateLimited(settings.reportRate(), settings.reportBurst(),
                    Math.max(1, wait / 1_000_000)));
        }
    }

    /** Hosts, and the member control was handed to, may control; others are told they only watch. */
    void requireControl(Access room, Caller caller, Timeline timeline) {
        if (room.role() == Role.HOST || caller.userId().equals(timeline.controller())) {
            return;
        }
        throw refused("not-host", PlaybackRefusal.notHost(timeline.stream()));
    }

    /** Takes one command from the host's budget in the room, or refuses with when the next one fits. */
    private void spend(Access room, Caller caller) {
        if (budgets.size() > 100_000) {
            budgets.clear(); // a full map forgets everyone: at worst one extra burst per host
        }
        CommandBudget budget = budgets.computeIfAbsent(room.roomId() + "\n" + caller.userId(),
                k -> new CommandBudget(settings.commandRate(), settings.commandBurst(), nanos.getAsLong()));
        long wait = budget.take(nanos.getAsLong());
        if (wait > 0) {
            throw refused("rate-limited", PlaybackRefusal.rateLimited(settings.commandRate(), settings.commandBurst(),
                    Math.max(1, wait / 1_000_000)));
        }
    }

    private RuntimeException refused(String reason, PlaybackRefusal refusal) {
        refusals.computeIfAbsent(reason, r -> metrics.counter("roomkeeper.playback.refusals", "reason", r)).inc();
        return refusal;
    }

    private void count(String type) {
        commands.computeIfAbsent(type, t -> metrics.counter("roomkeeper.playback.commands", "type", t)).inc();
    }

    /** The keyed idempotency key of a stream's eventId: scoped to the stream, within the primitive's 64 characters. */
    static String idempotencyKey(String streamId, String eventId) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest((streamId + "\n" + eventId).getBytes(StandardCharsets.UTF_8));
            return "pb:" + Base64.getUrlEncoder().withoutPadding().encodeToString(hash).substring(0, 40);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String metadata(Timeline next, PlaybackCommand command) {
        var json = JSON.createObjectBuilder().add("rate", next.rate()).add("playing", next.playing());
        if (command.type() == dev.roomkeeper.playback.entity.CommandType.MEDIA) {
            json.add("media", next.media().length() > 1500 ? next.media().substring(0, 1500) : next.media());
        }
        return json.build().toString();
    }


}
