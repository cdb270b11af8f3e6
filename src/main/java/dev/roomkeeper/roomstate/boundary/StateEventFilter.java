package dev.roomkeeper.roomstate.boundary;

import dev.roomkeeper.stream.entity.RoomEvent;
import jakarta.json.stream.JsonParser;
import jakarta.json.spi.JsonProvider;

import java.io.StringReader;
import java.util.List;
import java.util.function.Predicate;

/**
 * What {@code state.observe} sets on a socket: of a room's {@code state.set} and {@code state.delete} events, only
 * those of keys under the observed prefixes pass; every other event (of other features, and {@code state.cleared},
 * which concerns every key) passes.
 *
 * @param prefixes the observed key prefixes, at least one
 */
record StateEventFilter(List<String> prefixes) implements Predicate<RoomEvent> {

    private static final JsonProvider JSON = JsonProvider.provider();

    StateEventFilter {
        prefixes = List.copyOf(prefixes);
    }

    @Override
    public boolean test(RoomEvent event) {
        String type = event.type();
        if (!type.equals("state.set") && !type.equals("state.delete")) {
            return true;
        }
        String key = key(event.data());
        if (key == null) {
            return true;
        }
        for (String prefix : prefixes) {
            if (key.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** The {@code key} member of an event's data, which the keyed-state events put first; null when it is not there. */
    static String key(String data) {
        try (JsonParser parser = JSON.createParser(new StringReader(data))) {
            if (parser.next() != JsonParser.Event.START_OBJECT || parser.next() != JsonParser.Event.KEY_NAME
                    || !parser.getString().equals("key") || parser.next() != JsonParser.Event.VALUE_STRING) {
                return null;
            }
            return parser.getString();
        } catch (RuntimeException unreadable) {
            return null;
        }
    }
}
