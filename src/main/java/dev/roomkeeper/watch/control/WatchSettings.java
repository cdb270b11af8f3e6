package dev.roomkeeper.watch.control;

import dev.roomkeeper.keyed.entity.KeyedLimits;
import dev.roomkeeper.watch.entity.WatchRules;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.logging.Logger;

/**
 * The {@code roomkeeper.watch.*} settings, each within its bounds: a value that is not one, or out of bounds, is
 * logged and replaced by its default, so a typo never stops deployment.
 */
@ApplicationScoped
public class WatchSettings {

    private static final Logger LOG = Logger.getLogger(WatchSettings.class.getName());

    /** Bytes one user's record may take: its fields and up to {@code max-tabs} tabs of 64-character ids. */
    static final int MAX_RECORD_BYTES = 4_096;

    private Duration heartbeatInterval = Duration.ofSeconds(30);
    private Duration activeWindow = Duration.ofMinutes(2);
    private Duration flushInterval = Duration.ofSeconds(30);
    private Duration viewersInterval = Duration.ofSeconds(1);
    private int maxViewers = 10_000;
    private int maxTabs = 10;

    /** For CDI. */
    public WatchSettings() {
    }

    /** Settings given directly: for beans built by hand (tests). */
    public WatchSettings(Duration heartbeatInterval, Duration activeWindow, Duration flushInterval,
                         Duration viewersInterval, int maxViewers, int maxTabs) {
        this.heartbeatInterval = heartbeatInterval;
        this.activeWindow = activeWindow;
        this.flushInterval = flushInterval;
        this.viewersInterval = viewersInterval;
        this.maxViewers = maxViewers;
        this.maxTabs = maxTabs;
    }

    @PostConstruct
    void read() {
        Config config = ConfigProvider.getConfig();
        heartbeatInterval = duration(config, "heartbeat-interval", heartbeatInterval, Duration.ofSeconds(1), Duration.ofMinutes(10));
        activeWindow = duration(config, "active-window", activeWindow, Duration.ofSeconds(1), Duration.ofHours(1));
        flushInterval = duration(config, "flush-interval", flushInterval, Duration.ofSeconds(1), Duration.ofMinutes(10));
        viewersInterval = duration(config, "viewers-interval", viewersInterval, Duration.ofMillis(200), Duration.ofMinutes(1));
        maxViewers = number(config, "max-viewers", maxViewers, 1, 1_000_000);
        maxTabs = number(config, "max-tabs", maxTabs, 1, 20);
    }

    /** The interval clients are asked to send heartbeats at. */
    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    public Duration activeWindow() {
        return activeWindow;
    }

    public Duration flushInterval() {
        return flushInterval;
    }

    /** How often each node counts the viewers of the rooms it knows and publishes a change (at most once per room). */
    public Duration viewersInterval() {
        return viewersInterval;
    }

    public WatchRules rules() {
        return new WatchRules(2 * heartbeatInterval.toMillis(), activeWindow.toMillis(), maxTabs);
    }

    /** The {@code watch} space of a room: one key per user. */
    public KeyedLimits limits() {
        return new KeyedLimits(maxViewers, (long) maxViewers * MAX_RECORD_BYTES, MAX_RECORD_BYTES);
    }

    private static Duration duration(Config config, String name, Duration fallback, Duration min, Duration max) {
        String key = "roomkeeper.watch." + name;
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

    private static int number(Config config, String name, int fallback, int min, int max) {
        String key = "roomkeeper.watch." + name;
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
