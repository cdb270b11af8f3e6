package dev.roomkeeper.polls.entity;

import java.security.SecureRandom;

/**
 * The layout of a room's keyed-state space {@code polls} ({@code src/docs/polls.md}): the key of a poll, of a
 * voter's ballot, of the last pushed tally and of a poll's voter counter, and the poll ids that name them.
 */
public final class PollKeys {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";

    private PollKeys() {
    }

    public static String pollKey(String pollId) {
        return "poll/" + pollId;
    }

    public static String ballotKey(String pollId, String userId) {
        return Tally.ballotPrefix(pollId) + userId;
    }

    public static String tallyKey(String pollId) {
        return "tally/" + pollId;
    }

    public static String votersKey(String pollId) {
        return "voters/" + pollId;
    }

    public static String newId() {
        StringBuilder id = new StringBuilder(16);
        for (int i = 0; i < 16; i++) {
            id.append(ID_CHARS.charAt(RANDOM.nextInt(ID_CHARS.length())));
        }
        return id.toString();
    }

    /** A poll id as clients send it: 16 characters of a-z 0-9. */
    public static boolean isPollId(String id) {
        return id != null && id.matches("[a-z0-9]{16}");
    }
}
