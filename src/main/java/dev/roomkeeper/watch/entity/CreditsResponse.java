package dev.roomkeeper.watch.entity;

import java.util.List;

/**
 * A user's credited watch time, per room (most recently credited first) and in total.
 *
 * @param userId       the user
 * @param totalSeconds the sum over every room, in whole seconds
 * @param rooms        per room
 */
public record CreditsResponse(String userId, long totalSeconds, List<RoomCreditResponse> rooms) {
}
