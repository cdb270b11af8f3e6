package dev.roomkeeper.platform.entity;

/**
 * A buffer of writes this node keeps for the database, as it stands now.
 *
 * @param name           kebab-case, the {@code backlog} tag of its metrics: {@code attendance}, {@code room-activity}
 * @param size           entries waiting to be written
 * @param capacity       entries it holds at most; beyond, new ones are dropped (and counted by their feature)
 * @param retryingSince  epoch ms since when its writes have been failing and are retried; 0 while they succeed
 */
public record BacklogStatus(String name, long size, long capacity, long retryingSince) {

    /** Full: what comes next is dropped. */
    public boolean full() {
        return size >= capacity;
    }

    public boolean retrying() {
        return retryingSince != 0;
    }
}
