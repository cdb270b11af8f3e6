package dev.roomkeeper.platform.control;

import org.eclipse.microprofile.config.Config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.logging.Logger;

/**
 * Reads a feature's bounded settings ({@code <prefix><name>}) from MicroProfile Config. A value that does not parse,
 * or lies outside its bounds, is logged and replaced by the default, so a typo in one key never stops deployment.
 */
public final class SettingReader {

    private static final Logger LOG = Logger.getLogger(SettingReader.class.getName());

    private final Config config;
    private final String prefix;

    /** @param prefix the feature's key prefix, such as {@code roomkeeper.watch.} */
    public SettingReader(Config config, String prefix) {
        this.config = config;
        this.prefix = prefix;
    }

    /** An ISO-8601 duration within {@code [min, max]}, else {@code fallback}. */
    public Duration duration(String name, Duration fallback, Duration min, Duration max) {
        String key = prefix + name;
        String value = config.getOptionalValue(key, String.class).orElse(null);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            Duration parsed = Duration.parse(value.strip());
            if (parsed.compareTo(min) >= 0 && parsed.compareTo(max) <= 0) {
                return parsed;
            }
            LOG.warning(() -> key + "=" + value + " is outside " + min + " to " + max + "; using " + fallback);
        } catch (DateTimeParseException e) {
            LOG.warning(() -> key + "=" + value + " is not an ISO-8601 duration; using " + fallback);
        }
        return fallback;
    }

    /** A whole number within {@code [min, max]}, else {@code fallback}. */
    public int number(String name, int fallback, int min, int max) {
        String key = prefix + name;
        String value = config.getOptionalValue(key, String.class).orElse(null);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.strip());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        LOG.warning(() -> key + "=" + value + " is not a whole number from " + min + " to " + max + "; using " + fallback);
        return fallback;
    }
}
