package dev.roomkeeper.presence.control;

import dev.roomkeeper.presence.entity.AttendanceChange;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A batch of attendance changes, in the order they were queued, turned into the database steps that
 * record them. Pure: no database, no clock.
 * <p>
 * A start and its end in the same batch become one closed insert. An end whose start is not in the
 * batch becomes a {@link Close} of the stored record. Async events may arrive out of order, so a start
 * whose end came earlier in the batch is already recorded by that end and is left out, as are repeats.
 *
 * @param changes the changes, as queued
 * @param steps   what to do, in order
 */
public record AttendanceBatch(List<AttendanceChange> changes, List<Step> steps) {

    public AttendanceBatch {
        changes = List.copyOf(changes);
        steps = List.copyOf(steps);
    }

    public static AttendanceBatch of(List<AttendanceChange> changes) {
        List<Step> steps = new ArrayList<>();
        Map<AttendanceChange.Key, Integer> openHere = new HashMap<>();
        Set<AttendanceChange.Key> endedHere = new HashSet<>();
        for (AttendanceChange change : changes) {
            AttendanceChange.Key key = change.key();
            if (!change.ended()) {
                if (!endedHere.contains(key) && !openHere.containsKey(key)) {
                    openHere.put(key, steps.size());
                    steps.add(new Insert(change));
                }
                continue;
            }
            Integer start = openHere.remove(key);
            if (start != null) {
                Insert open = (Insert) steps.get(start);
                steps.set(start, new Insert(open.record().endedBy(change)));
            } else if (!endedHere.contains(key)) {
                steps.add(new Close(change));
            }
            endedHere.add(key);
        }
        return new AttendanceBatch(changes, steps);
    }

    public int size() {
        return changes.size();
    }

    /** One database step. */
    public sealed interface Step permits Insert, Close {
    }

    /**
     * Insert {@code record} (open when it has no {@code leftAt}), unless the session is already recorded:
     * its end may have been written first, by another node.
     */
    public record Insert(AttendanceChange record) implements Step {
    }

    /**
     * Close the stored open record of {@code end}'s session; when there is none, insert it closed (its
     * start was written by nobody yet: still queued on another node, or dropped) so no attendance is lost.
     */
    public record Close(AttendanceChange end) implements Step {
    }
}
