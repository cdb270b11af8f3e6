package dev.roomkeeper.playback.entity;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import java.io.StringReader;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The "wait for everyone" gate of one stream, as a value: pure, so it can be kept in the engine and changed by
 * compare-and-set from any node, and tested alone.
 * <ul>
 *     <li>The first viewer to start buffering while the stream plays <b>closes</b> the gate: the group pauses once
 *     ({@link Action#PAUSE}). Viewers who start buffering while it is closed join the wait without a new pause.</li>
 *     <li>The gate <b>opens</b> once ({@link Action#RESUME}) when every waiting viewer is ready again (or left), or
 *     when it has been closed for the maximum wait: viewers still buffering then are <b>left behind</b> (and told).</li>
 *     <li>A viewer left behind never closes the gate again until it reports it is ready; and a viewer who closed the
 *     gate does not close it again within the cooldown. So no viewer can make the room pause again and again.</li>
 * </ul>
 *
 * @param holding    whether the gate is closed (the group paused for buffering)
 * @param since      when it closed (server ms); 0 when open
 * @param waiting    viewers buffering while it is closed
 * @param leftBehind viewers left behind by a maximum wait and not ready since
 * @param lastPause  viewer to when it last closed the gate (server ms), within the cooldown
 * @param rev        how many times the gate changed: makes each stored value unique (compare-and-set on it)
 */
public record BufferingGate(boolean holding, long since, Set<String> waiting, Set<String> leftBehind,
                            Map<String, Long> lastPause, long rev) {

    private static final JsonProvider JSON = JsonProvider.provider();

    public enum Action {
        /** nothing changes for the group */
        NONE,
        /** the gate closed: pause the group (once) */
        PAUSE,
        /** the gate opened: resume the group (once) */
        RESUME
    }

    /**
     * A gate's change and what the group must do.
     *
     * @param gate       the gate after it
     * @param action     what to do with the group
     * @param leftBehind viewers this change left behind (a resume after the maximum wait)
     * @param joined     true when the buffering viewer joined a closed gate's wait
     */
    public record Transition(BufferingGate gate, Action action, Set<String> leftBehind, boolean joined) {
    }

    public BufferingGate {
        waiting = Set.copyOf(waiting);
        leftBehind = Set.copyOf(leftBehind);
        lastPause = Map.copyOf(lastPause);
    }

    public static BufferingGate open() {
        return new BufferingGate(false, 0, Set.of(), Set.of(), Map.of(), 0);
    }

    /**
     * {@code viewer} started buffering at {@code now}.
     *
     * @param playing    whether the stream plays (a paused stream has nothing to pause)
     * @param cooldownMs how long a viewer who closed the gate may not close it again
     */
    public Transition bufferStart(String viewer, long now, boolean playing, long cooldownMs) {
        if (leftBehind.contains(viewer)) {
            return unchanged();
        }
        if (holding) {
            if (waiting.contains(viewer)) {
                return unchanged();
            }
            return new Transition(with(true, since, plus(waiting, viewer), leftBehind, lastPause), Action.NONE, Set.of(), true);
        }
        Long last = lastPause.get(viewer);
        if (!playing || last != null && now - last < cooldownMs) {
            return unchanged();
        }
        Map<String, Long> pauses = new TreeMap<>();
        lastPause.forEach((v, at) -> {
            if (now - at < cooldownMs) {
                pauses.put(v, at);
            }
        });
        pauses.put(viewer, now);
        return new Transition(with(true, now, Set.of(viewer), leftBehind, pauses), Action.PAUSE, Set.of(), false);
    }

    /** {@code viewer} is ready again (or left): the gate opens when nobody else is waiting. */
    public Transition bufferEnd(String viewer) {
        boolean wasWaiting = waiting.contains(viewer);
        boolean wasBehind = leftBehind.contains(viewer);
        if (!wasWaiting && !wasBehind) {
            return unchanged();
        }
        Set<String> stillWaiting = minus(waiting, viewer);
        Set<String> behind = minus(leftBehind, viewer);
        if (holding && stillWaiting.isEmpty()) {
            return new Transition(with(false, 0, Set.of(), behind, lastPause), Action.RESUME, Set.of(), false);
        }
        return new Transition(with(holding, since, stillWaiting, behind, lastPause), Action.NONE, Set.of(), false);
    }

    /** Time passed: a gate closed for {@code maxWaitMs} opens, leaving those still buffering behind. */
    public Transition tick(long now, long maxWaitMs) {
        if (!holding || now - since < maxWaitMs) {
            return unchanged();
        }
        Set<String> behind = new TreeSet<>(leftBehind);
        behind.addAll(waiting);
        return new Transition(with(false, 0, Set.of(), behind, lastPause), Action.RESUME, Set.copyOf(waiting), false);
    }

    /** When a closed gate must open at the latest (server ms); 0 when open. */
    public long deadline(long maxWaitMs) {
        return holding ? since + maxWaitMs : 0;
    }

    private Transition unchanged() {
        return new Transition(this, Action.NONE, Set.of(), false);
    }

    private BufferingGate with(boolean nowHolding, long from, Set<String> nowWaiting, Set<String> behind,
                               Map<String, Long> pauses) {
        return new BufferingGate(nowHolding, from, nowWaiting, behind, pauses, rev + 1);
    }

    private static Set<String> plus(Set<String> set, String item) {
        Set<String> copy = new TreeSet<>(set);
        copy.add(item);
        return copy;
    }

    private static Set<String> minus(Set<String> set, String item) {
        Set<String> copy = new TreeSet<>(set);
        copy.remove(item);
        return copy;
    }

    public JsonObject toJson() {
        JsonObjectBuilder pauses = JSON.createObjectBuilder();
        new TreeMap<>(lastPause).forEach(pauses::add);
        return JSON.createObjectBuilder().add("holding", holding).add("since", since)
                .add("waiting", JSON.createArrayBuilder(new TreeSet<>(waiting)))
                .add("leftBehind", JSON.createArrayBuilder(new TreeSet<>(leftBehind)))
                .add("lastPause", pauses).add("rev", rev).build();
    }

    public static BufferingGate fromJson(String text) {
        JsonObject json;
        try (var reader = JSON.createReader(new StringReader(text))) {
            json = reader.readObject();
        }
        Map<String, Long> pauses = new TreeMap<>();
        json.getJsonObject("lastPause").forEach((k, v) -> pauses.put(k, ((jakarta.json.JsonNumber) v).longValue()));
        return new BufferingGate(json.getBoolean("holding"), json.getJsonNumber("since").longValue(),
                strings(json.get("waiting")), strings(json.get("leftBehind")), pauses, json.getJsonNumber("rev").longValue());
    }

    private static Set<String> strings(JsonValue array) {
        Set<String> set = new TreeSet<>();
        array.asJsonArray().forEach(v -> set.add(((JsonString) v).getString()));
        return set;
    }
}
