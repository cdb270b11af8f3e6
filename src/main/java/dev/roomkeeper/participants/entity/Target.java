package dev.roomkeeper.participants.entity;

import java.util.Objects;

/**
 * Where a LiveKit room's participants go: a Roomkeeper room and a channel in it.
 *
 * @param roomId  the Roomkeeper room's id
 * @param channel the channel ("" for the room's only, unnamed one)
 */
public record Target(String roomId, String channel) {

    public Target {
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(channel, "channel");
    }
}
