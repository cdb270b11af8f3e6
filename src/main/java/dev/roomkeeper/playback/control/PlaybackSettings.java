package dev.roomkeeper.playback.control;

import dev.roomkeeper.keyed.entity.KeyedLimits;
import dev.roomkeeper.platform.control.SettingReader;
import dev.roomkeeper.playback.entity.StreamRequest;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import java.time.Duration;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * The {@code roomkeeper.playback.*} settings, each within its bounds: a value that is not one, or out of bounds, is
 * logged and replaced by its default, so a typo never stops deployment ({@code src/docs/playback.md} lists them).
 */
@ApplicationScoped
public class PlaybackSettings {

    private static final Logger LOG = Logger.getLogger(PlaybackSettings.class.getName());

    /** Bytes one timeline takes at most: its fields, a 2,048-character URL and a 200-character title. */
    static final int MAX_TIMELINE_BYTES = 4_096;

    /** Who takes control when the last host leaves. */
    public enum Handoff {
        /** another host present keeps control; with none, playback pauses */
        HOST,
        /** another host present, else the longest-present member; with nobody, playback pauses */
        MEMBER,
        /** playback pauses; nobody else takes control */
        PAUSE;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    int defaultToleranceMs = 500;
    int maxStreams = 10;
    double commandRate = 5;
    int commandBurst = 10;
    double reportRate = 4;
    int reportBurst = 8;
    Duration flushInterval = Duration.ofSeconds(2);
    Duration bufferMaxWait = Duration.ofSeconds(5);
    Handoff handoff = Handoff.MEMBER;
    Duration eventRetention = Duration.ofDays(7);
    Duration idleReset = Duration.ofHours(24);
    Duration cleanupInterval = Duration.ofMinutes(10);
    int cleanupBatch = 1_000;

    // the fields are package-private so that tests of this package set them directly

    /** For CDI. */
    public PlaybackSettings() {
    }

    @PostConstruct
    void read() {
        Config config = ConfigProvider.getConfig();
        SettingReader read = new SettingReader(config, "roomkeeper.playback.");
        defaultToleranceMs = read.number("default-tolerance-ms", defaultToleranceMs, StreamRequest.MIN_TOLERANCE_MS,
                StreamRequest.MAX_TOLERANCE_MS);
        maxStreams = read.number("max-streams", maxStreams, 1, 100);
        commandRate = read.number("command-rate", (int) commandRate, 1, 1_000);
        commandBurst = read.number("command-burst", commandBurst, 1, 10_000);
        reportRate = read.number("report-rate", (int) reportRate, 1, 1_000);
        reportBurst = read.number("report-burst", reportBurst, 1, 10_000);
        flushInterval = read.duration("flush-interval", flushInterval, Duration.ofMillis(200), Duration.ofMinutes(1));
        bufferMaxWait = read.duration("buffer-max-wait", bufferMaxWait, Duration.ofMillis(500), Duration.ofMinutes(1));
        String policy = config.getOptionalValue("roomkeeper.playback.handoff", String.class).orElse("").strip();
        if (!policy.isEmpty()) {
            try {
                handoff = Handoff.valueOf(policy.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                LOG.warning(() -> "roomkeeper.playback.handoff=" + policy + " is not host, member or pause; using "
                        + handoff.wireName());
            }
        }
        eventRetention = read.duration("event-retention", eventRetention, Duration.ofMinutes(1), Duration.ofDays(365));
        idleReset = read.duration("idle-reset", idleReset, Duration.ofSeconds(10), Duration.ofDays(30));
        cleanupInterval = read.duration("cleanup-interval", cleanupInterval, Duration.ofSeconds(1), Duration.ofHours(24));
        cleanupBatch = read.number("cleanup-batch", cleanupBatch, 10, 100_000);
    }

    public int defaultToleranceMs() {
        return defaultToleranceMs;
    }

    public int maxStreams() {
        return maxStreams;
    }

    /** Commands per second each host may send per room (token refill rate). */
    public double commandRate() {
        return commandRate;
    }

    /** Commands a host may send at once before the rate applies. */
    public int commandBurst() {
        return commandBurst;
    }

    /** Viewer reports (sync requests, positions, buffering) per second each member may send per room. */
    public double reportRate() {
        return reportRate;
    }

    public int reportBurst() {
        return reportBurst;
    }

    public Duration flushInterval() {
        return flushInterval;
    }

    public Duration bufferMaxWait() {
        return bufferMaxWait;
    }

    public Handoff handoff() {
        return handoff;
    }

    public Duration eventRetention() {
        return eventRetention;
    }

    public Duration idleReset() {
        return idleReset;
    }

    public Duration cleanupInterval() {
        return cleanupInterval;
    }

    public int cleanupBatch() {
        return cleanupBatch;
    }

    /** The {@code playback} space of a room: one key per stream, plus the buffering gates. */
    public KeyedLimits limits() {
        int keys = maxStreams * 2;
        return new KeyedLimits(keys, (long) keys * MAX_TIMELINE_BYTES * 4, MAX_TIMELINE_BYTES * 4);
    }
}
