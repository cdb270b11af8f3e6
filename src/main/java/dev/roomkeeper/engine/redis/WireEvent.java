package dev.roomkeeper.engine.redis;

import dev.roomkeeper.stream.entity.RoomEvent;

/**
 * A room event as the Redis engine keeps it in a room's history list and sends it on the events
 * channel: six fields joined by {@code '\n'}, in this order:
 * <pre>room \n epoch \n seq \n time \n type \n data</pre>
 * Room, epoch and type never contain a newline (publish refuses such rooms and types; epochs are
 * hex), seq and time are decimal, and data comes last so it may contain anything, newlines included.
 * The publish script builds the same text in Lua; {@link #encode()} is its Java twin.
 * <p>
 * The epoch travels with every event so that a node notices a restarted stream (Redis flushed or the
 * room expired) instead of taking its new seqs for duplicates.
 *
 * @param epoch the stream's epoch when the event was published
 * @param event the event
 */
record WireEvent(String epoch, RoomEvent event) {

    static final char SEPARATOR = '\n';
    private static final int FIELDS = 6;

    String encode() {
        return event.room() + SEPARATOR + epoch + SEPARATOR + event.seq() + SEPARATOR + event.time() + SEPARATOR
                + event.type() + SEPARATOR + event.data();
    }

    /**
     * @throws IllegalArgumentException when {@code text} is not an encoded event
     */
    static WireEvent decode(String text) {
        String[] fields = new String[FIELDS];
        int start = 0;
        for (int i = 0; i < FIELDS - 1; i++) {
            int end = text.indexOf(SEPARATOR, start);
            if (end < 0) {
                throw new IllegalArgumentException("not a room event: " + abbreviate(text));
            }
            fields[i] = text.substring(start, end);
            start = end + 1;
        }
        fields[FIELDS - 1] = text.substring(start);
        try {
            long seq = Long.parseLong(fields[2]);
            long time = Long.parseLong(fields[3]);
            return new WireEvent(fields[1], new RoomEvent(fields[0], seq, fields[4], fields[5], time, fields[1]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a room event: " + abbreviate(text), e);
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }
}
