package dev.roomkeeper.stream.entity;

import java.util.Objects;

/**
 * One change in a room. {@code seq} is per room, gap-free and increasing; {@code data} is a JSON
 * object kept as text so that it is serialised once and sent to every subscriber as is.
 *
 * @param room the room id
 * @param seq  the room's sequence number for this event, starting at 1
 * @param type the event type, such as {@code presence.join} or {@code room.closed}
 * @param data the event's payload: a JSON object, as text
 * @param time when the event was published, in epoch milliseconds (server clock)
 * @param epoch the stream's incarnation the event belongs to (its seq counts within it); null only where it is
 *              not known (an event a store returns to its publisher, a test's), never on the delivery path,
 *              where a subscription compares it so a restarted stream is never taken for duplicates
 */
public record RoomEvent(String room, long seq, String type, String data, long time, String epoch) {

    public RoomEvent {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(type, "type");
        data = data == null || data.isBlank() ? "{}" : data;
    }

    /**
     * Events are equal when room, seq, type, data and time are: the epoch is where the event was delivered from,
     * which a store's answer to its publisher may not know (see {@link #epoch}).
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof RoomEvent e && seq == e.seq && time == e.time && room.equals(e.room)
                && type.equals(e.type) && data.equals(e.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(room, seq, type, data, time);
    }

    /** An event whose epoch is not known here (see {@link #epoch}). */
    public RoomEvent(String room, long seq, String type, String data, long time) {
        this(room, seq, type, data, time, null);
    }
}
