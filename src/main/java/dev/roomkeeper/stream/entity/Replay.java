package dev.roomkeeper.stream.entity;

import java.util.List;

/**
 * The answer to "what did I miss since seq N?".
 *
 * @param recovered true when {@code events} are exactly the events after the asked seq; false when
 *                  the gap is older than the bounded history or the stream's epoch changed, in which
 *                  case the client must take a fresh snapshot
 * @param epoch     identifies this incarnation of the room's stream; a new epoch means seqs restarted
 * @param seq       the room's latest seq when the replay was taken (0: nothing published yet)
 * @param events    the missed events in seq order (empty when not recovered)
 */
public record Replay(boolean recovered, String epoch, long seq, List<RoomEvent> events) {

    public Replay {
        events = events == null ? List.of() : List.copyOf(events);
    }

    /**
     * Decides a replay from a room's retained history; the one rule both engines apply.
     *
     * @param epoch       the stream's current epoch
     * @param seq         the stream's latest seq
     * @param history     retained events, ascending by seq
     * @param since       the last seq the client saw
     * @param clientEpoch the epoch the client saw, or null when it does not know one
     * @param oldestTime  events published before this time (epoch ms) are no longer replayable
     */
    public static Replay decide(String epoch, long seq, List<RoomEvent> history, long since, String clientEpoch,
                                long oldestTime) {
        if (since < 0 || since > seq || (clientEpoch != null && !clientEpoch.equals(epoch))) {
            return new Replay(false, epoch, seq, List.of());
        }
        if (since == seq) {
            return new Replay(true, epoch, seq, List.of());
        }
        List<RoomEvent> missed = history.stream()
                .filter(e -> e.seq() > since && e.time() >= oldestTime)
                .toList();
        boolean complete = !missed.isEmpty()
                && missed.get(0).seq() == since + 1
                && missed.get(missed.size() - 1).seq() == seq
                && missed.size() == seq - since;
        return complete ? new Replay(true, epoch, seq, missed) : new Replay(false, epoch, seq, List.of());
    }
}
