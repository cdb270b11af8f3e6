package dev.roomkeeper.rooms.control;

import dev.roomkeeper.rooms.entity.Role;
import dev.roomkeeper.rooms.entity.RoomChange;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoomActivityTest {

    private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");
    private static final Duration HOUR = Duration.ofHours(1);

    private final TouchedRooms touched = new TouchedRooms();

    private RoomActivity activity(ActivitySource... sources) {
        RoomActivity activity = new RoomActivity();
        activity.sources = new Beans<>(sources);
        activity.touched = touched;
        activity.clock = Clock.fixed(NOW, ZoneOffset.UTC);
        return activity;
    }

    private static ActivitySource fixed(Map<String, Instant> lastActivity) {
        return roomId -> Optional.ofNullable(lastActivity.get(roomId));
    }

    private static Duration window(String setting, List<String> warnings) {
        return DurationSetting.read(RoomActivity.WINDOW_KEY, setting, RoomActivity.DEFAULT_WINDOW,
                RoomActivity.MIN_WINDOW, RoomActivity.MAX_WINDOW, warnings::add);
    }

    @Test
    void theLastActivityIsTheLatestAnySourceKnows() {
        RoomActivity activity = activity(
                fixed(Map.of("r-1", NOW.minusSeconds(300), "r-2", NOW.minusSeconds(10))),
                touched,
                fixed(Map.of("r-1", NOW.minusSeconds(600))));
        touched.touch("r-1", NOW.minusSeconds(120));

        assertEquals(Optional.of(NOW.minusSeconds(120)), activity.lastActivity("r-1"));
        assertEquals(Optional.of(NOW.minusSeconds(10)), activity.lastActivity("r-2"));
        assertEquals(Optional.empty(), activity.lastActivity("r-3"));
    }

    @Test
    void aRoomIsIdleOnlyOnceMoreThanTheWholeWindowHasPassed() {
        assertFalse(RoomActivity.idle(Optional.of(NOW.minus(HOUR)), NOW, HOUR));
        assertTrue(RoomActivity.idle(Optional.of(NOW.minus(HOUR).minusMillis(1)), NOW, HOUR));
        assertFalse(RoomActivity.idle(Optional.of(NOW.plusSeconds(5)), NOW, HOUR));
    }

    @Test
    void aRoomNoSourceKnowsIsIdle() {
        assertTrue(activity(touched).idle("unknown"));
    }

    @Test
    void aTouchKeepsTheRoomActiveForOneWindow() {
        RoomActivity activity = activity(fixed(Map.of("r-1", NOW.minus(Duration.ofHours(5)))), touched);
        assertTrue(activity.idle("r-1"));

        activity.touch("r-1", NOW.minusSeconds(30));

        assertFalse(activity.idle("r-1"));
    }

    @Test
    void anEarlierTouchNeverMovesTheLastActivityBack() {
        touched.touch("r-1", NOW);
        touched.touch("r-1", NOW.minusSeconds(60));

        assertEquals(Optional.of(NOW), touched.lastActivity("r-1"));
    }

    @Test
    void closingARoomForgetsItsTouches() {
        touched.touch("r-1", NOW);
        touched.touch("r-2", NOW);

        touched.onChange(new RoomChange.Closed("r-1", "daily", null, NOW));
        touched.onChange(new RoomChange.MemberAdded("r-2", "bob", Role.OBSERVER));

        assertEquals(Optional.empty(), touched.lastActivity("r-1"));
        assertEquals(Optional.of(NOW), touched.lastActivity("r-2"));
    }

    @Test
    void tooManyTouchedRoomsDropTouchesOlderThanTheLongestWindow() {
        touched.clock = Clock.fixed(NOW, ZoneOffset.UTC);
        Instant ancient = NOW.minus(RoomActivity.MAX_WINDOW).minusSeconds(1);
        for (int i = 0; i < TouchedRooms.MAX_ENTRIES; i++) {
            touched.touch("old-" + i, ancient);
        }

        touched.touch("new", NOW);

        assertEquals(1, touched.size());
        assertEquals(Optional.of(NOW), touched.lastActivity("new"));
    }

    @Test
    void theWindowDefaultsToOneHourAndAcceptsOneMinuteToSevenDays() {
        List<String> warnings = new ArrayList<>();

        assertEquals(HOUR, window(null, warnings));
        assertEquals(HOUR, window(" ", warnings));
        assertEquals(Duration.ofMinutes(1), window("PT1M", warnings));
        assertEquals(Duration.ofDays(7), window(" P7D ", warnings));
        assertEquals(Duration.ofMinutes(90), window("PT90M", warnings));
        assertEquals(List.of(), warnings);
    }

    @Test
    void anInvalidOrOutOfBoundsWindowIsLoggedAndReplacedByTheDefault() {
        List<String> warnings = new ArrayList<>();

        assertEquals(HOUR, window("1h", warnings));
        assertEquals(HOUR, window("PT59S", warnings));
        assertEquals(HOUR, window("P8D", warnings));
        assertEquals(HOUR, window("-PT1H", warnings));

        assertEquals(4, warnings.size());
        assertTrue(warnings.get(0).startsWith("roomkeeper.rooms.inactivity-window=1h is not an ISO-8601 duration"),
                warnings.get(0));
        assertTrue(warnings.get(2).contains("outside 1 minute to 7 days; using PT1H"), warnings.get(2));
    }

    @Test
    void theBeanReadsItsWindowSetting() {
        RoomActivity activity = activity(touched);
        activity.windowSetting = "PT15M";

        activity.init();

        assertEquals(Duration.ofMinutes(15), activity.window());
    }
}
