package dev.roomkeeper.engine.entity;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * What bounds a room's history, shared by both engines.
 *
 * @param historySize    how many recent events each room keeps for replay
 * @param historyTtl     how long an event stays replayable
 * @param streamIdleTtl  how long an untouched room's counter and history are kept before the engine
 *                       may forget them (a later publish then starts a new epoch)
 * @param clock          the time source (tests move it)
 */
public record EngineSettings(int historySize, Duration historyTtl, Duration streamIdleTtl, Clock clock) {

    public EngineSettings {
        if (historySize < 1) {
            throw new IllegalArgumentException("historySize must be at least 1");
        }
        Objects.requireNonNull(historyTtl, "historyTtl");
        Objects.requireNonNull(streamIdleTtl, "streamIdleTtl");
        Objects.requireNonNull(clock, "clock");
        if (historyTtl.isNegative() || historyTtl.isZero()) {
            throw new IllegalArgumentException("historyTtl must be positive");
        }
        if (streamIdleTtl.compareTo(historyTtl) < 0) {
            throw new IllegalArgumentException("streamIdleTtl must be at least historyTtl");
        }
    }

    public static EngineSettings defaults() {
        return new EngineSettings(1000, Duration.ofMinutes(15), Duration.ofHours(24), Clock.systemUTC());
    }
}
