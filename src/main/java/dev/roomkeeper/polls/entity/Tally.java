package dev.roomkeeper.polls.entity;

import dev.roomkeeper.keyed.entity.KeyedEntry;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A poll's counts, derived from its ballots (never kept as counters): for each option, how many voters chose it,
 * and how many voters there are.
 *
 * @param pollId      the poll
 * @param counts      option id to voters who chose it, in the poll's order, every option present
 * @param totalVoters voters with a counted vote
 * @param votes       the counted votes, by user id (sorted)
 */
public record Tally(String pollId, Map<String, Long> counts, long totalVoters, List<Vote> votes) {

    private static final JsonProvider JSON = JsonProvider.provider();

    /** The key prefix of a poll's ballots in the space {@code polls}. */
    public static String ballotPrefix(String pollId) {
        return "vote/" + pollId + "/";
    }

    /**
     * One counted vote.
     *
     * @param userId  the voter
     * @param options the options chosen
     * @param at      epoch ms of the vote
     * @param version its key's version: the seq of the room's last event when it was stored (ballots are written
     *                silently)
     */
    public record Vote(String userId, List<String> options, long at, long version) {
        public Vote {
            options = List.copyOf(options);
        }
    }

    public Tally {
        counts = Collections.unmodifiableMap(new LinkedHashMap<>(counts));
        votes = List.copyOf(votes);
    }

    /** The tally of an open poll: every ballot's current vote. */
    public static Tally live(Poll poll, List<KeyedEntry> ballots) {
        return count(poll, ballots, Long.MAX_VALUE);
    }

    /**
     * The final tally of a poll closed by the event of seq {@code closeSeq}: each voter's vote as it stood at the
     * close. A ballot whose version is below {@code closeSeq} counts as it is; one written after the close (a change
     * of vote that raced the close) counts the vote it replaced, when that one is older than the close; a first
     * vote written after the close does not count. A ballot is only ever replaced after its writer read the poll
     * open after reading the ballot, so at most one write of a voter's ballot follows the close, and the vote it
     * replaced is the voter's vote at the close (see {@code src/docs/polls.md}, "Why tallies are exact").
     */
    public static Tally atClose(Poll poll, List<KeyedEntry> ballots, long closeSeq) {
        return count(poll, ballots, closeSeq);
    }

    private static Tally count(Poll poll, List<KeyedEntry> ballots, long before) {
        Map<String, Long> counts = new LinkedHashMap<>();
        poll.options().forEach(o -> counts.put(o.id(), 0L));
        String prefix = ballotPrefix(poll.id());
        List<Vote> votes = new ArrayList<>();
        for (KeyedEntry entry : ballots) {
            if (!entry.key().startsWith(prefix)) {
                continue;
            }
            Ballot ballot = Ballot.fromValue(entry.value());
            Vote vote;
            if (entry.version() < before) {
                vote = new Vote(entry.key().substring(prefix.length()), ballot.options(), ballot.at(), entry.version());
            } else if (ballot.previousVersion() > 0 && ballot.previousVersion() < before) {
                vote = new Vote(entry.key().substring(prefix.length()), ballot.previous(), ballot.previousAt(),
                        ballot.previousVersion());
            } else {
                continue;
            }
            List<String> counted = vote.options().stream().filter(counts::containsKey).distinct().toList();
            if (counted.isEmpty()) {
                continue;
            }
            counted.forEach(id -> counts.merge(id, 1L, Long::sum));
            votes.add(new Vote(vote.userId(), counted, vote.at(), vote.version()));
        }
        votes.sort((a, b) -> a.userId().compareTo(b.userId()));
        return new Tally(poll.id(), counts, votes.size(), votes);
    }

    /** {@code {"a":3,"b":1}} */
    public JsonObject countsJson() {
        JsonObjectBuilder json = JSON.createObjectBuilder();
        counts.forEach(json::add);
        return json.build();
    }

    /** The data of {@code poll.tally}: {@code {"pollId","counts","totalVoters","at"}}. */
    public JsonObject toEvent(long at) {
        return JSON.createObjectBuilder().add("pollId", pollId).add("counts", countsJson())
                .add("totalVoters", totalVoters).add("at", at).build();
    }

    /** Same counts and voters as {@code other} (the votes themselves aside). */
    public boolean sameCounts(Tally other) {
        return other != null && counts.equals(other.counts) && totalVoters == other.totalVoters;
    }
}
