package dev.roomkeeper.participants.control;

import dev.roomkeeper.participants.entity.Participant;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The difference between a channel's cached sessions and what LiveKit's room service lists, as a pure function:
 * <ul>
 *     <li>a cached present session LiveKit does not list ended (a missed {@code left}), unless the cache heard of it
 *     within {@code slack} before the listing (it may have joined after LiveKit answered);</li>
 *     <li>a listed session the cache does not hold as present, or holds at an older version, is applied as LiveKit
 *     tells it (a missed {@code joined} or update), by the same rules as a webhook (a session that left stays
 *     gone).</li>
 * </ul>
 */
public final class Reconciliation {

    /**
     * What to do.
     *
     * @param toEnd   cached sessions to end
     * @param toApply sessions as LiveKit lists them, to apply
     */
    public record Plan(List<Participant> toEnd, List<Participant> toApply) {

        public boolean empty() {
            return toEnd.isEmpty() && toApply.isEmpty();
        }
    }

    private Reconciliation() {
    }

    /**
     * @param cached   the channel's present sessions in the cache
     * @param listed   the participants LiveKit lists (empty when the LiveKit room does not exist)
     * @param listedAt when the listing was asked for (epoch ms)
     * @param slack    how recent a cached session may be and still be ended when not listed (ms)
     */
    public static Plan diff(List<Participant> cached, List<Participant> listed, long listedAt, long slack) {
        Map<String, Participant> live = new HashMap<>();
        listed.forEach(p -> live.put(p.sid(), p));
        Map<String, Participant> held = new HashMap<>();
        cached.forEach(p -> held.put(p.sid(), p));
        List<Participant> toEnd = new ArrayList<>();
        for (Participant p : cached) {
            if (p.present() && !live.containsKey(p.sid()) && p.at() + slack < listedAt) {
                toEnd.add(p);
            }
        }
        List<Participant> toApply = new ArrayList<>();
        for (Participant p : listed) {
            Participant mine = held.get(p.sid());
            if (mine == null || p.version() > mine.version()) {
                toApply.add(p);
            }
        }
        return new Plan(toEnd, toApply);
    }
}
