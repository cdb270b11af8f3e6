package dev.roomkeeper.presence.control;

import dev.roomkeeper.engine.entity.EngineSettings;
import dev.roomkeeper.engine.memory.MemoryPresenceStore;
import dev.roomkeeper.engine.memory.MemoryStreamBroker;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.presence.entity.AttendanceChange.Key;
import dev.roomkeeper.stream.control.RoomEvents;
import dev.roomkeeper.testing.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LostSessionsTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T10:00:00Z"));
    private final FakeOpenAttendance rows = new FakeOpenAttendance();
    private final LostSessions lost = new LostSessions();
    private MemoryPresenceStore store;

    @BeforeEach
    void setUp() {
        MemoryStreamBroker stream = new MemoryStreamBroker(new EngineSettings(100, Duration.ofMinutes(5), Duration.ofHours(1), clock));
        store = new MemoryPresenceStore(stream, clock);
        lost.open = rows;
        lost.store = store;
        lost.events = new RoomEvents();
        lost.metrics = Meters.inMemory();
        lost.clock = clock;
        lost.init();
    }

    @Test
    void aSessionMissingFromTheStoreOnTwoSweepsInARowHasItsRowClosed() {
        Key live = join("room-1", "ann", "tab-live-1");
        Key gone = new Key("room-1", "tab-gone-1", clock.instant()); // its row is open, the store lost it
        rows.open.put(gone, "open");
        clock.advance(Duration.ofMinutes(2));

        assertEquals(0, lost.sweep(Duration.ofMinutes(1)), "one sweep only suspects it");
        clock.advance(Duration.ofMinutes(1));
        assertEquals(1, lost.sweep(Duration.ofMinutes(1)));

        assertEquals("closed at " + clock.instant(), rows.open.get(gone));
        assertEquals("open", rows.open.get(live), "a live session's row stays open");
    }

    @Test
    void anEndWrittenBetweenTwoSweepsStandsAndYoungSessionsAreNotLookedAt() {
        Key ended = new Key("room-1", "tab-ended-1", clock.instant());
        rows.open.put(ended, "open");
        clock.advance(Duration.ofMinutes(2));
        Key young = new Key("room-1", "tab-young-1", clock.instant()); // its join may still be on its way
        rows.open.put(young, "open");

        assertEquals(0, lost.sweep(Duration.ofMinutes(1)));
        rows.open.put(ended, "closed by its node"); // the queued end was written
        clock.advance(Duration.ofSeconds(30));
        assertEquals(0, lost.sweep(Duration.ofMinutes(1)));

        assertEquals("closed by its node", rows.open.get(ended));
        assertEquals("open", rows.open.get(young));
    }

    private Key join(String room, String user, String session) {
        store.join(room, user, session, "{}", clock.millis() + 3_600_000).orElseThrow();
        Key key = new Key(room, session, Instant.ofEpochMilli(clock.millis()));
        rows.open.put(key, "open");
        return key;
    }

    /** The attendance table, as far as the sweep sees it: a row is "open" or says how it was closed. */
    static final class FakeOpenAttendance extends OpenAttendance {
        final Map<Key, String> open = new ConcurrentHashMap<>();

        @Override
        public List<Key> startedBefore(Instant joinedBefore, int max) {
            List<Key> found = new ArrayList<>();
            open.forEach((key, state) -> {
                if (state.equals("open") && key.joinedAt().isBefore(joinedBefore)) {
                    found.add(key);
                }
            });
            return found;
        }

        @Override
        public int close(List<Key> sessions, Instant at) {
            int n = 0;
            for (Key key : sessions) {
                if (open.replace(key, "open", "closed at " + at)) {
                    n++;
                }
            }
            return n;
        }
    }
}
