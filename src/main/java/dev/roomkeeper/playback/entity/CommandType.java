package dev.roomkeeper.playback.entity;

import java.util.Locale;
import java.util.Optional;

/** What a host's command does to a stream's timeline; its wire name is also the event log's {@code event_type}. */
public enum CommandType {
    PLAY, PAUSE, SEEK, RATE, MEDIA;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<CommandType> fromWire(String value) {
        for (CommandType type : values()) {
            if (type.wireName().equals(value)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
