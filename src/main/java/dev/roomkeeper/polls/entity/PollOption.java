package dev.roomkeeper.polls.entity;

import java.util.Objects;

/**
 * One answer a poll offers.
 *
 * @param id   given by the server in order: {@code a}, {@code b}, ... {@code j}
 * @param text what the host wrote
 */
public record PollOption(String id, String text) {

    public PollOption {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(text, "text");
    }

    /** The id of the option at {@code index} (0-based): {@code a} for the first. */
    public static String idAt(int index) {
        return String.valueOf((char) ('a' + index));
    }
}
