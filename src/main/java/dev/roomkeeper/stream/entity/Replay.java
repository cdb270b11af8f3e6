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
}
