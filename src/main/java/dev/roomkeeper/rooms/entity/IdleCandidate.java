package dev.roomkeeper.rooms.entity;

import java.time.Instant;

/**
 * An open room whose persisted last activity is older than the inactivity window: the idle sweep checks it
 * against every source of activity before closing it. Also the sweep's paging key (its last activity, then id).
 */
public record IdleCandidate(String id, Instant lastActivityAt) {
}
