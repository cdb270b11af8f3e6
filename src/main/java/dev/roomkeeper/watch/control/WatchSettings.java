package dev.roomkeeper.watch.control;

import dev.roomkeeper.keyed.entity.KeyedLimits;
import dev.roomkeeper.watch.entity.WatchRules;
import dev.roomkeeper.platform.control.SettingReader;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import java.time.Duration;

/**
 * The {@code roomkeeper.watch.*} settings, each within its bounds: a value that is not one, or out of bounds, is
 * logged and replaced by its default, so a typo never stops deployment.
 */
@ApplicationScoped
public class WatchSettings {

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
        SettingReader read = new SettingReader(config, "roomkeeper.watch.");
        heartbeatInterval = read.duration("heartbeat-interval", heartbeatInterval, Duration.ofSeconds(1), Duration.ofMinutes(10));
        activeWindow = read.duration("active-window", activeWindow, Duration.ofSeconds(1), Duration.ofHours(1));
        flushInterval = read.duration("flush-interval", flushInterval, Duration.ofSeconds(1), Duration.ofMinutes(10));
        viewersInterval = read.duration("viewers-interval", viewersInterval, Duration.ofMillis(200), Duration.ofMinutes(1));
        maxViewers = read.number("max-viewers", maxViewers, 1, 1_000_000);
        maxTabs = read.number("max-tabs", maxTabs, 1, 20);
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
}
