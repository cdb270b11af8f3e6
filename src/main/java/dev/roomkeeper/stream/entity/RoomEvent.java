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
 */
public record RoomEvent(String room, long seq, String type, String data, long time) {

    public RoomEvent {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(type, "type");
        data = data == null || data.isBlank() ? "{}" : data;
    }
}
