package dev.roomkeeper.rooms.control;

import dev.roomkeeper.rooms.entity.InviteRefusal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.function.Consumer;

/**
 * Reads an ISO-8601 duration setting within bounds. A value that is not one, or out of bounds, is
 * reported through {@code warn} and replaced by the default, so a typo never stops deployment.
 */
final class DurationSetting {

    private DurationSetting() {
    }

    static Duration read(String key, String value, Duration fallback, Duration min, Duration max,
                         Consumer<String> warn) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        Duration parsed;
        try {
            parsed = Duration.parse(value.strip());
        } catch (DateTimeParseException e) {
            warn.accept(key + "=" + value.strip() + " is not an ISO-8601 duration such as " + fallback
                    + "; using " + fallback);
            return fallback;
        }
        if (parsed.compareTo(min) < 0 || parsed.compareTo(max) > 0) {
            warn.accept(key + "=" + value.strip() + " is outside " + InviteRefusal.inWords(min) + " to "
                    + InviteRefusal.inWords(max) + "; using " + fallback);
            return fallback;
        }
        return parsed;
    }
}
