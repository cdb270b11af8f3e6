package dev.roomkeeper.rooms.control;

import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.presence.entity.LeaveReason;
import dev.roomkeeper.rooms.entity.CreateRoomRequest;
import dev.roomkeeper.rooms.entity.Room;
import dev.roomkeeper.rooms.entity.RoomActivityResponse;
import dev.roomkeeper.rooms.entity.RoomResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The activity rule over a real database row, a real in-process engine and presence store, and pending touches. */
class RoomActivityTest {

    private static final Duration HOUR = Duration.ofHours(1);

    private final Rooms rooms = new Rooms();
    private RoomResponse room;
    private Instant created;

    @BeforeEach
    void room() {
        room = rooms.tx(() -> rooms.directory.create(new CreateRoomRequest("lobby", "The Lobby", null), "root"));
        created = rooms.now();
    }

    @AfterEach
    void close() {
        rooms.close();
    }

    private Room entity() {
        return rooms.tx(() -> rooms.directory.lookup(room.id()).orElseThrow());
    }

    private static Duration window(String setting, List<String> warnings) {
        return DurationSetting.read(RoomActivity.WINDOW_KEY, setting, RoomActivity.DEFAULT_WINDOW,
                RoomActivity.MIN_WINDOW, RoomActivity.MAX_WINDOW, warnings::add);
    }

    @Test
    void aNewRoomIsActiveForOneWindowFromItsCreation() {
        assertEquals(new RoomActivity.Reading(created, 0), rooms.activity.read(entity()));
        rooms.tick(HOUR);
        assertFalse(rooms.idle(room.id()), "exactly one window later it is still active");
        rooms.tick(Duration.ofMillis(1));
        assertTrue(rooms.idle(room.id()));
    }

    @Test
    void theLastActivityIsTheLatestOfTheRowThePendingTouchesAndTheStreamsLastEvent() {
        rooms.tick(Duration.ofMinutes(10));
        Instant touched = rooms.now();
        rooms.activity.touch(room.id(), touched);
        assertEquals(touched, rooms.activity.read(entity()).lastActivity(), "a pending touch");

        rooms.tick(Duration.ofMinutes(10));
        Instant published = rooms.now();
        rooms.engine.publish(room.id(), "message", "{}");
        assertEquals(published, rooms.activity.read(entity()).lastActivity(), "the stream's last event");

        rooms.tick(Duration.ofMinutes(10));
        rooms.touches.flush();
        assertEquals(0, rooms.touches.size());
        assertEquals(touched, entity().getLastActivityAt(), "the touch is in the row now");
        assertEquals(published, rooms.activity.read(entity()).lastActivity());

        rooms.tick(HOUR.plusMinutes(1));
        assertTrue(rooms.idle(room.id()));
    }

    @Test
    void someonePresentKeepsTheRoomActiveWhateverElseIsOld() {
        rooms.presence.join(room.id(), "ann", "tab-1", "{}", rooms.now().plus(Duration.ofDays(1)).toEpochMilli());
        rooms.tick(Duration.ofHours(5));
        rooms.engine.release(room.id()); // nothing left of the join on the stream either

        RoomActivity.Reading reading = rooms.activity.read(entity());
        assertEquals(new RoomActivity.Reading(rooms.now(), 1), reading, "while occupied, the last activity is now");
        assertFalse(rooms.idle(room.id()));

        rooms.presence.leave(room.id(), "ann", "tab-1", LeaveReason.LEFT);
        rooms.tick(HOUR.plusSeconds(1));
        assertTrue(rooms.idle(room.id()), "idle one window after the last leave");
    }

    @Test
    void idleAsksTheEngineOnlyWhenTheRowAndTheTouchesSayIdle() {
        AtomicInteger asked = new AtomicInteger();
        rooms.activity.stream = new dev.roomkeeper.engine.memory.MemoryStreamBroker(
                new dev.roomkeeper.engine.entity.EngineSettings(10, HOUR, HOUR, rooms.clock)) {
            @Override
            public OptionalLong lastEventAt(String r) {
                asked.incrementAndGet();
                return OptionalLong.empty();
            }
        };
        rooms.tick(Duration.ofMinutes(30));
        assertFalse(rooms.idle(room.id()));
        assertEquals(0, asked.get(), "the row alone says active");

        rooms.tick(Duration.ofMinutes(31));
        assertTrue(rooms.idle(room.id()));
        assertEquals(1, asked.get());
    }

    @Test
    void anEngineThatCannotBeAskedIsA503NeverAnIdleRoom() {
        rooms.activity.stream = new dev.roomkeeper.engine.memory.MemoryStreamBroker(
                new dev.roomkeeper.engine.entity.EngineSettings(10, HOUR, HOUR, rooms.clock)) {
            @Override
            public OptionalLong lastEventAt(String r) {
                throw new IllegalStateException("Redis unreachable");
            }
        };
        rooms.tick(Duration.ofHours(2));
        Room stale = entity();
        ProblemException unavailable = assertThrows(ProblemException.class, () -> rooms.activity.idle(stale));
        assertEquals(503, unavailable.status());
        assertEquals("activity-unavailable", unavailable.type());
    }

    @Test
    void theReportSaysWhenTheRoomWillBeIdleAndAClosedRoomIsNeverActive() {
        rooms.tick(Duration.ofMinutes(20));
        RoomActivityResponse open = rooms.activity.report(entity());
        assertEquals(new RoomActivityResponse(room.id(), "lobby", "open", created, created.plus(HOUR), true, "PT1H", 3600,
                false, 0), open);

        rooms.tx(() -> rooms.directory.close("lobby", null, "root"));
        assertFalse(rooms.activity.report(entity()).active());
        assertEquals("closed", rooms.activity.report(entity()).state());
    }

    @Test
    void aRoomIsIdleOnlyOnceMoreThanTheWholeWindowHasPassed() {
        Instant now = Instant.parse("2025-03-01T10:00:00Z");
        assertFalse(RoomActivity.idle(now.minus(HOUR), now, HOUR));
        assertTrue(RoomActivity.idle(now.minus(HOUR).minusMillis(1), now, HOUR));
        assertFalse(RoomActivity.idle(now.plusSeconds(5), now, HOUR));
    }

    @Test
    void theWindowDefaultsToOneHourAndAcceptsTenSecondsToSevenDays() {
        List<String> warnings = new ArrayList<>();

        assertEquals(HOUR, window(null, warnings));
        assertEquals(HOUR, window(" ", warnings));
        assertEquals(Duration.ofSeconds(10), window("PT10S", warnings));
        assertEquals(Duration.ofDays(7), window(" P7D ", warnings));
        assertEquals(Duration.ofMinutes(90), window("PT90M", warnings));
        assertEquals(List.of(), warnings);
    }

    @Test
    void anInvalidOrOutOfBoundsWindowIsLoggedAndReplacedByTheDefault() {
        List<String> warnings = new ArrayList<>();

        assertEquals(HOUR, window("1h", warnings));
        assertEquals(HOUR, window("PT9S", warnings));
        assertEquals(HOUR, window("P8D", warnings));
        assertEquals(HOUR, window("-PT1H", warnings));

        assertEquals(4, warnings.size());
        assertTrue(warnings.get(0).startsWith("roomkeeper.rooms.inactivity-window=1h is not an ISO-8601 duration"),
                warnings.get(0));
        assertTrue(warnings.get(2).contains("outside 10 seconds to 7 days; using PT1H"), warnings.get(2));
    }

    @Test
    void theBeanReadsItsWindowSetting() {
        rooms.activity.windowSetting = "PT15M";

        rooms.activity.init();

        assertEquals(Duration.ofMinutes(15), rooms.activity.window());
    }
}
