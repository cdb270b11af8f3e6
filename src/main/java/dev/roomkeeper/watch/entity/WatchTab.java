package dev.roomkeeper.watch.entity;

import java.util.Objects;

/**
 * One tab (one {@code sessionId}) of a user watching a room, as its last heartbeat left it.
 *
 * @param id       the tab's session id
 * @param watching true when its last heartbeat said it is visible (and not paused)
 * @param heardAt  when the server last heard from it (epoch ms, the server's clock)
 */
public record WatchTab(String id, boolean watching, long heardAt) {

    public WatchTab {
        Objects.requireNonNull(id, "id");
    }
}
