package dev.roomkeeper.polls.entity;

import dev.roomkeeper.keyed.entity.KeyedLimits;

/**
 * The bounds of polls (from {@code roomkeeper.polls.*}).
 *
 * @param maxQuestion     characters of a question
 * @param maxOptionText   characters of an option's text
 * @param maxOpen         polls open at once in a room
 * @param maxPolls        polls a room holds live (open and closed) until it is vacated or closed
 * @param maxVoters       voters of one poll
 * @param maxDurationMs   how far ahead a close time may be
 */
public record PollLimits(int maxQuestion, int maxOptionText, int maxOpen, int maxPolls, int maxVoters,
                         long maxDurationMs) {

    public static final int MIN_OPTIONS = 2;
    public static final int MAX_OPTIONS = 10;
    /** A close time is at least this far ahead. */
    public static final long MIN_DURATION_MS = 1_000;
    /** The largest value of a key of the space: a poll with its longest question and options, JSON-escaped. */
    static final int ESCAPE_FACTOR = 6;

    public PollLimits {
        if (maxQuestion < 1 || maxOptionText < 1 || maxOpen < 1 || maxPolls < maxOpen || maxVoters < 1
                || maxDurationMs < MIN_DURATION_MS) {
            throw new IllegalArgumentException("poll limits must be positive, and max polls at least max open");
        }
    }

    /** The largest value a key of the {@code polls} space holds: a poll definition at its longest. */
    public int maxValueBytes() {
        return 1_024 + ESCAPE_FACTOR * (maxQuestion + MAX_OPTIONS * (maxOptionText + 16));
    }

    /**
     * The limits of a room's {@code polls} space: every poll the room may hold with its tally key, a ballot per voter
     * of each, and the two counters of each poll, plus the room's own counters. A ballot is at most ~400 bytes (its
     * key holds a user id of up to 128 characters, its value two lists of up to ten option ids).
     */
    public KeyedLimits keyedLimits() {
        long keys = (long) maxPolls * (maxVoters + 3L) + 4;
        long bytes = (long) maxPolls * (2L * maxValueBytes() + 600L * maxVoters) + 1_024;
        return new KeyedLimits((int) Math.min(Integer.MAX_VALUE, keys), bytes, maxValueBytes());
    }
}
