package dev.roomkeeper.polls.entity;

import dev.roomkeeper.keyed.entity.KeyedEntry;
import jakarta.json.Json;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class TallyTest {

    private static final Poll SINGLE = new Poll("p000000000000001", "room", "Q", List.of(new PollOption("a", "Yes"),
            new PollOption("b", "No")), false, "host", 1, 0, false, 0, null, null);
    private static final Poll MULTIPLE = new Poll("p000000000000002", "room", "Q", List.of(new PollOption("a", "Mon"),
            new PollOption("b", "Tue"), new PollOption("c", "Wed")), true, "host", 1, 0, false, 0, null, null);

    private static KeyedEntry ballot(Poll poll, String user, long version, Ballot ballot) {
        return new KeyedEntry(Tally.ballotPrefix(poll.id()) + user, ballot.toValue(), version, 0);
    }

    private static Ballot first(String... options) {
        return Ballot.replacing(List.of(options), 100, null, 0);
    }

    @Test
    void eachVoterCountsOnceForEachOptionChosenAndEveryOptionIsListed() {
        Tally tally = Tally.live(MULTIPLE, List.of(
                ballot(MULTIPLE, "ann", 3, first("a", "c")),
                ballot(MULTIPLE, "bob", 4, first("c")),
                ballot(MULTIPLE, "cy", 5, first("a")),
                new KeyedEntry("poll/" + MULTIPLE.id(), MULTIPLE.toValue(), 1, 0), // not a ballot
                ballot(SINGLE, "dan", 6, first("b")))); // another poll's
        assertEquals(Map.of("a", 2L, "b", 0L, "c", 2L), tally.counts());
        assertEquals(List.of("a", "b", "c"), List.copyOf(tally.counts().keySet()), "in the poll's order");
        assertEquals(3, tally.totalVoters());
        assertEquals(List.of("ann", "bob", "cy"), tally.votes().stream().map(Tally.Vote::userId).toList());
    }

    @Test
    void aChangedVoteCountsOnceAsItIsNow() {
        Ballot changed = Ballot.replacing(List.of("b"), 200, first("a"), 3);
        Tally tally = Tally.live(SINGLE, List.of(ballot(SINGLE, "ann", 7, changed)));
        assertEquals(Map.of("a", 0L, "b", 1L), tally.counts());
        assertEquals(1, tally.totalVoters());
    }

    @Test
    void atTheCloseAChangeWrittenAfterItCountsTheVoteItReplacedAndAFirstVoteAfterItNothing() {
        long close = 10;
        Tally tally = Tally.atClose(SINGLE, List.of(
                ballot(SINGLE, "ann", 8, first("a")),                                       // before: counts
                ballot(SINGLE, "bob", 12, Ballot.replacing(List.of("b"), 300, first("a"), 9)), // change after: a
                ballot(SINGLE, "cy", 11, first("b")),                                       // first after: nothing
                ballot(SINGLE, "dan", 13, Ballot.replacing(List.of("a"), 300, first("b"), 11))), // both after
                close);
        assertEquals(Map.of("a", 2L, "b", 0L), tally.counts());
        assertEquals(List.of(new Tally.Vote("ann", List.of("a"), 100, 8), new Tally.Vote("bob", List.of("a"), 100, 9)),
                tally.votes());
    }

    @Test
    void theTallyEventCarriesCountsVotersAndTime() {
        Tally tally = Tally.live(SINGLE, List.of(ballot(SINGLE, "ann", 3, first("b"))));
        assertEquals(Json.createReader(new StringReader("{\"pollId\":\"p000000000000001\",\"counts\":{\"a\":0,\"b\":1},"
                + "\"totalVoters\":1,\"at\":42}")).readObject(), tally.toEvent(42));
    }

    @Test
    void aVoteMustFitThePoll() {
        VoteRequest two = VoteRequest.parse(Json.createObjectBuilder().add("options",
                Json.createArrayBuilder().add("b").add("a")).build(), Set.of()).request();
        assertEquals("This poll takes exactly one option.", two.invalidFor(SINGLE));
        assertNull(two.invalidFor(MULTIPLE));
        assertEquals(List.of("a", "b"), two.inPollOrder(MULTIPLE));
        VoteRequest unknown = new VoteRequest(List.of("z"));
        assertEquals("The poll has no option \"z\"; its options are [a, b].", unknown.invalidFor(SINGLE));
        assertEquals(List.of("options"), VoteRequest.parse(Json.createObjectBuilder().add("options",
                Json.createArrayBuilder().add("a").add("a")).build(), Set.of()).errors().stream()
                .map(e -> e.field()).toList());
        assertEquals(List.of("options", "extra"), VoteRequest.parse(Json.createObjectBuilder().add("extra", 1).build(),
                Set.of()).errors().stream().map(e -> e.field()).sorted((x, y) -> y.compareTo(x)).toList());
    }

    @Test
    void aPollAndABallotReadBackAsWritten() {
        Poll closed = MULTIPLE.closedAt(500, CloseReason.ROOM_CLOSED, null);
        assertEquals(closed, Poll.fromValue(closed.toValue()));
        Ballot changed = Ballot.replacing(List.of("b"), 200, first("a"), 3);
        assertEquals(changed, Ballot.fromValue(changed.toValue()));
    }
}
