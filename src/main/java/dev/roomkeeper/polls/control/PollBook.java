package dev.roomkeeper.polls.control;

import dev.roomkeeper.auth.entity.Role;
import dev.roomkeeper.keyed.control.KeyedState;
import dev.roomkeeper.keyed.entity.Condition;
import dev.roomkeeper.keyed.entity.KeyedEntry;
import dev.roomkeeper.keyed.entity.KeyedLimits;
import dev.roomkeeper.keyed.entity.KeyedResult;
import dev.roomkeeper.keyed.entity.KeyedWrite;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.polls.entity.Ballot;
import dev.roomkeeper.polls.entity.CloseReason;
import dev.roomkeeper.polls.entity.Poll;
import dev.roomkeeper.polls.entity.PollLimits;
import dev.roomkeeper.polls.entity.PollRecord;
import dev.roomkeeper.polls.entity.PollRequest;
import dev.roomkeeper.polls.entity.Tally;
import dev.roomkeeper.polls.entity.VoteRequest;
import dev.roomkeeper.rooms.entity.Access;
import dev.roomkeeper.stream.control.RoomEvents;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import static dev.roomkeeper.polls.control.PollProblems.closed;
import static dev.roomkeeper.polls.control.PollProblems.forbidden;
import static dev.roomkeeper.polls.control.PollProblems.notFound;
import static dev.roomkeeper.polls.entity.PollKeys.ballotKey;
import static dev.roomkeeper.polls.entity.PollKeys.newId;
import static dev.roomkeeper.polls.entity.PollKeys.pollKey;
import static dev.roomkeeper.polls.entity.PollKeys.tallyKey;
import static dev.roomkeeper.polls.entity.PollKeys.votersKey;

/**
 * Live polls of a room, kept in the keyed-state space {@value #SPACE}; the database only records them (at creation
 * and at the close), never on the voting path. Keys of a room's space:
 * <ul>
 *     <li>{@code poll/<id>}: the poll ({@link Poll}); written at creation and once more when it closes, so the
 *     version of a closed poll's key is the seq of its close;</li>
 *     <li>{@code vote/<id>/<userId>}: a voter's ballot ({@link Ballot}); one key per voter makes one vote per user,
 *     and a change replaces it by compare-and-set (if unchanged: version and text, as the key is written silently);</li>
 *     <li>{@code tally/<id>}: the tally last pushed ({@code poll.tally}), compare-and-set by the node that pushes,
 *     so the cluster pushes a poll's tally at most once per interval;</li>
 *     <li>{@code voters/<id>}, {@code count/open}, {@code count/polls}: counters that bound voters per poll, open
 *     polls and polls per room exactly (incremented first, given back when over the limit).</li>
 * </ul>
 * Ballots, counters and the last tally pushed are written silently ({@link KeyedWrite#silently()}): the room's
 * stream carries the {@code poll.*} events only, never a vote or its voter. A poll's own key is written with its
 * event ({@code polls.set}, at creation and close) so that its close has a seq of its own to order ballots against.
 * Tallies are always derived from the ballots ({@link Tally}); see {@code src/docs/polls.md} for why they are exact.
 */
@ApplicationScoped
public class PollBook {

    public static final String SPACE = "polls";
    private static final Logger LOG = Logger.getLogger(PollBook.class.getName());
    private static final JsonProvider JSON = JsonProvider.provider();
    private static final int ATTEMPTS = 32;

    @Inject
    KeyedState state;

    @Inject
    RoomEvents events;

    @Inject
    PollRecords records;

    @Inject
    PollSettings settings;

    @Inject
    Meters metrics;

    LongSupplier clock = System::currentTimeMillis;

    /** Polls this node took votes for since it last pushed their tally: room + "\n" + poll id. */
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    private final Map<CloseReason, Meters.Counter> closes = new EnumMap<>(CloseReason.class);
    /** The two vote counters, made together on first use: read and written as one reference, so never half made. */
    private record VoteCounters(Meters.Counter first, Meters.Counter changed) {
    }

    private volatile VoteCounters voteCounters;

    private Meters.Counter closes(CloseReason reason) {
        synchronized (closes) {
            return closes.computeIfAbsent(reason, r -> metrics.counter("roomkeeper.polls.closed", "reason", r.wireName()));
        }
    }

    private Meters.Counter votes(boolean changed) {
        VoteCounters counters = voteCounters;
        if (counters == null) {
            // two threads may both make them: the registry hands both the same counters
            counters = new VoteCounters(metrics.counter("roomkeeper.polls.votes", "kind", "first"),
                    metrics.counter("roomkeeper.polls.votes", "kind", "changed"));
            voteCounters = counters;
        }
        return changed ? counters.changed() : counters.first();
    }

    // ---- create

    /**
     * Creates a poll in the room for a host: recorded in the database, then put in the live state and announced
     * ({@code poll.created}).
     */
    public Poll create(Access granted, String userId, PollRequest request) {
        if (granted.role() != Role.HOST) {
            throw forbidden("Only the room's hosts may create a poll.");
        }
        PollLimits limits = settings.limits();
        String room = granted.roomId();
        reserve(room, "count/polls", limits.maxPolls(), "too-many-polls",
                "The room holds " + limits.maxPolls() + " polls already (until it is vacated or closed).");
        try {
            reserve(room, "count/open", limits.maxOpen(), "too-many-open-polls",
                    "The room has " + limits.maxOpen() + " open polls already; close one first.");
        } catch (ProblemException e) {
            giveBack(room, "count/polls");
            throw e;
        }
        Poll poll = new Poll(newId(), room, request.question(), request.pollOptions(), request.multiple(), userId,
                clock.getAsLong(), request.closesAt(), false, 0, null, null);
        try {
            records.created(poll);
        } catch (RuntimeException e) {
            giveBack(room, "count/open");
            giveBack(room, "count/polls");
            throw e;
        }
        KeyedResult put = state.apply(KeyedWrite.set(room, SPACE, pollKey(poll.id()), poll.toValue())
                .withCondition(Condition.ifAbsent()).by(userId), keyedLimits());
        if (!put.applied()) {
            giveBack(room, "count/open");
            giveBack(room, "count/polls");
            throw new ProblemException(409, "too-many-polls", "Too many polls",
                    "The room's polls take all the space they may (" + put.outcome() + ").");
        }
        events.publish(room, "poll.created", poll.toJson());
        return poll;
    }

    // ---- vote

    /** What a vote did. */
    public record Voted(Poll poll, List<String> options, boolean changed, long version) {
        public JsonObject toJson() {
            JsonObjectBuilder json = JSON.createObjectBuilder().add("pollId", poll.id())
                    .add("options", JSON.createArrayBuilder(options)).add("changed", changed).add("version", version);
            return json.build();
        }
    }

    /**
     * Records a member's vote (or change of vote) on an open poll. Exact under any concurrency: see the class doc
     * and {@link Tally#atClose}.
     */
    public Voted vote(Access granted, String userId, String pollId, VoteRequest request) {
        if (!granted.role().canPublish()) {
            throw forbidden("Observers cannot vote.");
        }
        String room = granted.roomId();
        String key = ballotKey(pollId, userId);
        boolean reserved = false;
        try {
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                // the ballot first, then the poll: a ballot written after the close is then never replaced again
                Optional<KeyedEntry> current = state.get(room, SPACE, key);
                Poll poll = openPoll(room, pollId);
                String invalid = request.invalidFor(poll);
                if (invalid != null) {
                    throw new ProblemException(400, "invalid-option", "Invalid option", invalid);
                }
                List<String> options = request.inPollOrder(poll);
                Ballot before = current.map(e -> Ballot.fromValue(e.value())).orElse(null);
                if (before != null && before.options().equals(options)) {
                    return new Voted(poll, options, false, current.get().version());
                }
                if (before == null && !reserved) {
                    reserve(room, votersKey(pollId), settings.limits().maxVoters(), "poll-full",
                            "The poll has " + settings.limits().maxVoters() + " voters already.");
                    reserved = true;
                }
                Ballot ballot = Ballot.replacing(options, clock.getAsLong(), before,
                        current.map(KeyedEntry::version).orElse(0L));
                KeyedResult result = state.apply(KeyedWrite.set(room, SPACE, key, ballot.toValue()).silently()
                        .withCondition(current.map(Condition::ifUnchanged).orElse(Condition.ifAbsent())),
                        keyedLimits());
                if (result.outcome() == KeyedResult.Outcome.CONFLICT) {
                    continue; // another tab of the same voter wrote first: read again
                }
                if (!result.applied()) {
                    throw new ProblemException(409, "poll-full", "Poll full",
                            "The room's polls take all the space they may (" + result.outcome() + ").");
                }
                if (before == null) {
                    reserved = false; // the voter counts now
                }
                // a close that came between reading the poll and writing decides: this vote came too late. The
                // ballot is written silently, so its version is the seq of the room's last event: at least the
                // close's seq when written after it, smaller when written before (Tally counts version < close)
                Optional<KeyedEntry> after = state.get(room, SPACE, pollKey(pollId));
                if (after.isEmpty() || Poll.fromValue(after.get().value()).closed() && after.get().version() <= result.seq()) {
                    throw closed(pollId);
                }
                votes(before != null).inc();
                dirty.add(room + "\n" + pollId);
                return new Voted(poll, options, before != null, result.seq());
            }
            throw new ProblemException(409, "vote-contended", "Vote contended",
                    "Your vote kept changing from elsewhere while this one was recorded; try again.");
        } finally {
            if (reserved) {
                giveBack(room, votersKey(pollId));
            }
        }
    }

    // ---- close

    /** A closed poll with its final tally; {@code now} is false when it had been closed before this call. */
    public record Closed(Poll poll, Tally tally, boolean now) {
        public JsonObject toJson() {
            return JSON.createObjectBuilder(poll.toJson()).add("counts", tally.countsJson())
                    .add("totalVoters", tally.totalVoters()).build();
        }
    }

    /** A host closes a poll. */
    public Closed closeByHost(Access granted, String userId, String pollId) {
        if (granted.role() != Role.HOST) {
            throw forbidden("Only the room's hosts may close a poll.");
        }
        return close(granted.roomId(), pollId, CloseReason.HOST, userId)
                .orElseThrow(() -> notFound(pollId));
    }

    /**
     * Closes a poll once across the cluster (compare-and-set of its key from open to closed), then derives its final
     * tally, announces {@code poll.closed} and records it. A poll closed already answers as it closed, announcing
     * nothing again. Empty when there is no such poll.
     */
    public Optional<Closed> close(String room, String pollId, CloseReason reason, String by) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<KeyedEntry> entry = state.get(room, SPACE, pollKey(pollId));
            if (entry.isEmpty()) {
                return Optional.empty();
            }
            Poll poll = Poll.fromValue(entry.get().value());
            if (poll.closed()) {
                return Optional.of(new Closed(poll, finalTally(poll, entry.get().version()), false));
            }
            Poll closing = poll.closedAt(clock.getAsLong(), reason, by);
            KeyedResult result = state.apply(KeyedWrite.set(room, SPACE, pollKey(pollId), closing.toValue())
                    .withCondition(Condition.ifVersion(entry.get().version())), keyedLimits());
            if (!result.applied()) {
                continue; // closed meanwhile by another node: answer as it closed
            }
            giveBack(room, "count/open");
            closes(reason).inc();
            Tally tally = finalTally(closing, result.seq());
            dirty.remove(room + "\n" + pollId);
            Closed closed = new Closed(closing, tally, true);
            events.publish(room, "poll.closed", closed.toJson());
            record(closed);
            return Optional.of(closed);
        }
        throw new ProblemException(409, "poll-contended", "Poll contended", "The poll kept changing; try again.");
    }

    /** Records a close in the database; a failure is logged and left to the sweep's reconciliation. */
    boolean record(Closed closed) {
        try {
            records.closed(closed.poll(), closed.tally());
            return true;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e, () -> "could not record the close of poll " + closed.poll().id()
                    + "; the poll sweep retries");
            return false;
        }
    }

    /**
     * Closes every open poll of a room (the room closed, or was vacated) and drops the room's live polls once every
     * one of them is recorded.
     */
    public int closeAll(String room, CloseReason reason) {
        int closedNow = 0;
        boolean allRecorded = true;
        for (KeyedEntry entry : state.snapshot(room, SPACE, "poll/").entries()) {
            String pollId = Poll.fromValue(entry.value()).id();
            Optional<Closed> closed = close(room, pollId, reason, null);
            if (closed.isEmpty()) {
                continue;
            }
            if (closed.get().now()) {
                closedNow++;
            }
            allRecorded &= recorded(closed.get());
        }
        if (allRecorded) {
            state.release(room, SPACE);
        } else {
            LOG.warning(() -> "the polls of room " + room + " are not all recorded; their live state is kept");
        }
        return closedNow;
    }

    /** True when the close is in the database (recording it now if it was not). */
    boolean recorded(Closed closed) {
        try {
            return records.find(closed.poll().id()).map(r -> !r.isOpen()).orElse(false) || record(closed);
        } catch (RuntimeException e) {
            return false;
        }
    }

    // ---- the sweep

    /** How long after its creation a recorded poll missing from the live state counts as lost. */
    static final long LOST_AFTER_MS = 30_000;

    /**
     * Brings a recorded open poll in line with the live state: closes it at its close time (once across the
     * cluster), records a close that was not recorded (the database was down), and records a poll whose live state
     * is gone (the room's space was dropped, the engine lost its data) as closed {@code lost}, with no votes.
     *
     * @return true when the poll is closed and recorded now
     */
    public boolean settle(PollRecord record) {
        long now = clock.getAsLong();
        Optional<KeyedEntry> entry = state.get(record.getRoomId(), SPACE, pollKey(record.getId()));
        if (entry.isEmpty()) {
            if (now - record.getCreatedAt().toEpochMilli() < LOST_AFTER_MS) {
                return false; // its creation may still be under way
            }
            Poll lost = record.asCreated().closedAt(now, CloseReason.LOST, null);
            if (records.closed(lost, Tally.live(lost, List.of()))) {
                closes(CloseReason.LOST).inc();
            }
            return true;
        }
        Poll poll = Poll.fromValue(entry.get().value());
        if (poll.closed()) {
            return recorded(new Closed(poll, finalTally(poll, entry.get().version()), false));
        }
        if (poll.closesAt() > 0 && poll.closesAt() <= now) {
            return close(record.getRoomId(), poll.id(), CloseReason.TIME, null).map(this::recorded).orElse(false);
        }
        return false;
    }

    // ---- read

    /** The room's live polls (open, and closed since the room was last vacated) with their current tallies. */
    public List<Closed> live(String room) {
        List<KeyedEntry> all = state.snapshot(room, SPACE, "").entries();
        List<Closed> polls = new ArrayList<>();
        for (KeyedEntry entry : all) {
            if (entry.key().startsWith("poll/")) {
                Poll poll = Poll.fromValue(entry.value());
                Tally tally = poll.closed() ? Tally.atClose(poll, all, entry.version()) : Tally.live(poll, all);
                polls.add(new Closed(poll, tally, false));
            }
        }
        polls.sort((a, b) -> Long.compare(b.poll().createdAt(), a.poll().createdAt()));
        return polls;
    }

    /** One live poll with its tally and votes. */
    public Optional<Closed> one(String room, String pollId) {
        Optional<KeyedEntry> entry = state.get(room, SPACE, pollKey(pollId));
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        Poll poll = Poll.fromValue(entry.get().value());
        List<KeyedEntry> ballots = state.snapshot(room, SPACE, Tally.ballotPrefix(pollId)).entries();
        return Optional.of(new Closed(poll, poll.closed() ? Tally.atClose(poll, ballots, entry.get().version())
                : Tally.live(poll, ballots), false));
    }

    // ---- tallies

    /**
     * Pushes {@code poll.tally} for each poll this node took votes for, when its counts changed and the last push
     * (by any node) is at least {@code interval} old. The push is a compare-and-set of {@code tally/<id>}, so two
     * nodes never push one poll's tally twice in an interval.
     *
     * @return tallies pushed
     */
    public int pushTallies(long intervalMs) {
        int pushed = 0;
        for (String item : List.copyOf(dirty)) {
            if (!dirty.remove(item)) {
                continue;
            }
            int cut = item.indexOf('\n');
            String room = item.substring(0, cut);
            String pollId = item.substring(cut + 1);
            try {
                if (push(room, pollId, intervalMs)) {
                    pushed++;
                }
            } catch (RuntimeException e) {
                dirty.add(item);
                LOG.log(Level.FINE, e, () -> "could not push the tally of poll " + pollId);
            }
        }
        return pushed;
    }

    private boolean push(String room, String pollId, long intervalMs) {
        Optional<Poll> poll = poll(room, pollId);
        if (poll.isEmpty() || poll.get().closed()) {
            return false; // its close announces the final tally
        }
        long now = clock.getAsLong();
        Optional<KeyedEntry> last = state.get(room, SPACE, tallyKey(pollId));
        JsonObject lastJson = last.map(e -> read(e.value())).orElse(null);
        if (lastJson != null && now - lastJson.getJsonNumber("at").longValue() < intervalMs * 9 / 10) {
            dirty.add(room + "\n" + pollId); // too soon: next turn
            return false;
        }
        Tally tally = Tally.live(poll.get(), state.snapshot(room, SPACE, Tally.ballotPrefix(pollId)).entries());
        if (lastJson != null && lastJson.getJsonObject("counts").equals(tally.countsJson())
                && lastJson.getJsonNumber("totalVoters").longValue() == tally.totalVoters()) {
            return false;
        }
        JsonObject data = tally.toEvent(now);
        KeyedResult result = state.apply(KeyedWrite.set(room, SPACE, tallyKey(pollId), data.toString()).silently()
                .withCondition(last.map(Condition::ifUnchanged).orElse(Condition.ifAbsent())), keyedLimits());
        if (!result.applied()) {
            return false; // another node pushed it
        }
        events.publish(room, "poll.tally", data);
        return true;
    }

    // ---- helpers

    Optional<Poll> poll(String room, String pollId) {
        return state.get(room, SPACE, pollKey(pollId)).map(e -> Poll.fromValue(e.value()));
    }

    private Poll openPoll(String room, String pollId) {
        Poll poll = poll(room, pollId).orElseThrow(() -> notFound(pollId));
        if (poll.closed()) {
            throw closed(pollId);
        }
        return poll;
    }

    private Tally finalTally(Poll poll, long closeSeq) {
        return Tally.atClose(poll, state.snapshot(poll.roomId(), SPACE, Tally.ballotPrefix(poll.id())).entries(),
                closeSeq);
    }

    /** Takes one of {@code max} places counted at {@code key}, or refuses with {@code type} (409). */
    private void reserve(String room, String key, int max, String type, String detail) {
        KeyedResult taken = state.apply(KeyedWrite.increment(room, SPACE, key, 1).silently(), keyedLimits());
        if (!taken.applied() || Long.parseLong(taken.entry().value()) > max) {
            if (taken.applied()) {
                giveBack(room, key);
            }
            throw new ProblemException(409, type, "Limit reached", detail);
        }
    }

    private void giveBack(String room, String key) {
        try {
            state.apply(KeyedWrite.increment(room, SPACE, key, -1).silently(), keyedLimits());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e, () -> "could not give back a place of " + key + " in room " + room);
        }
    }

    KeyedLimits keyedLimits() {
        return settings.limits().keyedLimits();
    }

    private static JsonObject read(String json) {
        try (jakarta.json.JsonReader reader = JSON.createReader(new java.io.StringReader(json))) {
            return reader.readObject();
        }
    }
}
