package dev.roomkeeper.presence.control;

import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.presence.entity.AttendanceChange;
import dev.roomkeeper.presence.entity.PresenceSession;
import dev.roomkeeper.stream.control.RoomEvents;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Closes the attendance of sessions the engine lost: their data went with Redis (restarted empty), or with an
 * in-process node that died, so no leave was ever recorded and their rows would stay open for good. A row is
 * closed (as expired, at the time it is found) when its session has been missing from the presence store on two
 * sweeps in a row: an end that was only waiting in a node's attendance queue is written before the second, and
 * then the real end stands. Every node may sweep; closing a row twice changes nothing.
 */
@ApplicationScoped
public class LostSessions {

    private static final Logger LOG = Logger.getLogger(LostSessions.class.getName());
    static final int BATCH = 1000;

    @Inject
    OpenAttendance open;

    @Inject
    PresenceStore store;

    @Inject
    RoomEvents events;

    @Inject
    Meters metrics;

    Clock clock = Clock.systemUTC();

    /** Sessions found missing on the last sweep; only this node's sweeps touch it. */
    private Set<AttendanceChange.Key> suspects = Set.of();
    private Meters.Counter closed;

    @PostConstruct
    void init() {
        closed = metrics.counter("roomkeeper.attendance.lost.closed");
    }

    /**
     * One sweep: checks the open rows of sessions that started more than {@code minAge} ago against the store.
     *
     * @return how many rows it closed
     */
    public synchronized int sweep(Duration minAge) {
        Instant now = clock.instant();
        Map<String, List<AttendanceChange.Key>> byRoom = new LinkedHashMap<>();
        for (AttendanceChange.Key key : open.startedBefore(now.minus(minAge), BATCH)) {
            byRoom.computeIfAbsent(key.roomId(), r -> new ArrayList<>()).add(key);
        }
        Set<AttendanceChange.Key> missing = new HashSet<>();
        for (Map.Entry<String, List<AttendanceChange.Key>> room : byRoom.entrySet()) {
            Set<String> live = new HashSet<>();
            for (PresenceSession session : events.reach("read presence of room " + room.getKey(),
                    () -> store.snapshot(room.getKey())).sessions()) {
                live.add(session.sessionId() + "\n" + session.joinedAt());
            }
            for (AttendanceChange.Key key : room.getValue()) {
                if (!live.contains(key.sessionId() + "\n" + key.joinedAt().toEpochMilli())) {
                    missing.add(key);
                }
            }
        }
        List<AttendanceChange.Key> lost = missing.stream().filter(suspects::contains).toList();
        suspects = missing;
        if (lost.isEmpty()) {
            return 0;
        }
        int n = open.close(lost, now);
        closed.inc(n);
        LOG.info(() -> "closed the attendance of " + n + " sessions the presence store no longer holds (lost with"
                + " the engine's data or a dead node), as expired");
        return n;
    }
}
