package dev.roomkeeper.participants.control;

import dev.roomkeeper.participants.entity.Channel;
import dev.roomkeeper.participants.entity.LiveKitEvent;
import dev.roomkeeper.participants.entity.Outcome;
import dev.roomkeeper.participants.entity.Participant;
import dev.roomkeeper.participants.entity.Track;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ordering and idempotency rules alone: whatever the order and the repeats, the final state is the true one. */
class ParticipantRulesTest {

    private static final String CHANNEL = "General Lounge";

    @Test
    void anyOrderWithDuplicatesEndsInTheTrueState() {
        for (int seed = 0; seed < 500; seed++) {
            Random random = new Random(seed);
            SessionHistory history = SessionHistory.random(random, "lounge-" + CHANNEL, "RM_1", 1 + random.nextInt(6),
                    1_700_000_000L);
            Map<String, Participant> cache = new HashMap<>();
            for (LiveKitEvent event : history.deliveries(random, 0.3)) {
                String sid = event.participant().sid();
                ParticipantRules.Decision decision = ParticipantRules.decide(cache.get(sid), null, event, CHANNEL);
                if (decision.next() != null) {
                    cache.put(sid, decision.next());
                }
            }
            assertEquals(expected(history.present()), actual(cache), "seed " + seed);
        }
    }

    @Test
    void aLateJoinedAfterItsLeftResurrectsNobody() {
        LiveKitEvent joined = event(LiveKitEvent.Kind.PARTICIPANT_JOINED, "EV_1", "PA_1", 1, 100);
        LiveKitEvent left = event(LiveKitEvent.Kind.PARTICIPANT_LEFT, "EV_2", "PA_1", 1, 101);

        ParticipantRules.Decision first = ParticipantRules.decide(null, null, left, CHANNEL);
        assertEquals(Outcome.RECORDED, first.outcome());
        assertNull(first.change(), "a session nobody saw leaves silently");
        assertTrue(first.next().left());

        ParticipantRules.Decision late = ParticipantRules.decide(first.next(), null, joined, CHANNEL);
        assertEquals(Outcome.OUT_OF_ORDER, late.outcome());
        assertNull(late.next());
    }

    @Test
    void aRejoinWithANewSidIsANewSession() {
        Participant gone = ParticipantRules.decide(null, null,
                event(LiveKitEvent.Kind.PARTICIPANT_LEFT, "EV_2", "PA_1", 1, 101), CHANNEL).next();

        ParticipantRules.Decision again = ParticipantRules.decide(null, null,
                event(LiveKitEvent.Kind.PARTICIPANT_JOINED, "EV_3", "PA_2", 1, 102), CHANNEL);

        assertTrue(gone.left());
        assertEquals(ParticipantRules.JOINED, again.change());
    }

    @Test
    void aRedeliveryIsADuplicateAndALaterEventWithTheSameStampIsOutOfOrder() {
        LiveKitEvent joined = event(LiveKitEvent.Kind.PARTICIPANT_JOINED, "EV_1", "PA_1", 1, 100);
        Participant cached = ParticipantRules.decide(null, null, joined, CHANNEL).next();

        assertEquals(Outcome.DUPLICATE, ParticipantRules.decide(cached, null, joined, CHANNEL).outcome());
        assertEquals(Outcome.OUT_OF_ORDER, ParticipantRules.decide(cached, null,
                event(LiveKitEvent.Kind.PARTICIPANT_JOINED, "EV_9", "PA_1", 1, 100), CHANNEL).outcome());
    }

    @Test
    void anEventOfAFinishedRoomSessionAppliesToNobody() {
        Channel finished = Channel.empty(CHANNEL, "lounge-" + CHANNEL).finishing("RM_1", 200_000, "EV_f");

        assertEquals(Outcome.OUT_OF_ORDER, ParticipantRules.decide(null, finished,
                event(LiveKitEvent.Kind.PARTICIPANT_JOINED, "EV_1", "PA_1", 1, 100), CHANNEL).outcome());
    }

    private static LiveKitEvent event(LiveKitEvent.Kind kind, String id, String sid, int version, long atSeconds) {
        Participant info = new Participant("", sid, "ada", "Ada", "", 0, List.of(), "", version, 0, false, null, List.of(),
                null);
        return new LiveKitEvent(id, kind, kind.name().toLowerCase(), atSeconds * 1000, "lounge-" + CHANNEL, "RM_1", info,
                null);
    }

    /** sid to its tracks, for the present sessions. */
    static Map<String, List<Track>> expected(List<Participant> present) {
        Map<String, List<Track>> sessions = new TreeMap<>();
        present.forEach(p -> sessions.put(p.sid(), sorted(p.tracks())));
        return sessions;
    }

    static Map<String, List<Track>> actual(Map<String, Participant> cache) {
        Map<String, List<Track>> sessions = new TreeMap<>();
        cache.values().stream().filter(Participant::present).forEach(p -> sessions.put(p.sid(), sorted(p.tracks())));
        return sessions;
    }

    static List<Track> sorted(List<Track> tracks) {
        return tracks.stream().sorted(java.util.Comparator.comparing(Track::sid)).toList();
    }
}
