package dev.roomkeeper.rooms.control;

/**
 * Whether anyone is present in a room, on any node: the room lifecycle's port ({@link RoomActivity} counts a
 * room in use while it is occupied). Presence answers it: its store extends this port, so each engine's presence
 * store implements it, and rooms never depends on presence.
 */
public interface Occupancy {

    /**
     * How many users are present in the room (reconnecting sessions count): 0 means unoccupied. Cheap (one
     * {@code HLEN} on Redis, a field read in memory) and creates nothing for rooms nobody is in.
     */
    int usersPresent(String roomId);
}
