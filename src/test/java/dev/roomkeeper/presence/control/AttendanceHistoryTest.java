package dev.roomkeeper.presence.control;

import dev.roomkeeper.presence.entity.AttendanceFilter;
import dev.roomkeeper.presence.entity.AttendanceRecord;
import dev.roomkeeper.presence.entity.AttendanceResponse;
import dev.roomkeeper.presence.entity.AttendanceTotalResponse;
import dev.roomkeeper.presence.entity.LeaveReason;
import dev.roomkeeper.rooms.TestDatabase;
import dev.roomkeeper.rooms.entity.Membership;
import dev.roomkeeper.platform.entity.Page;
import dev.roomkeeper.platform.entity.PageRequest;
import dev.roomkeeper.rooms.entity.Room;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static dev.roomkeeper.presence.control.AttendanceBatchTest.ROOM;
import static dev.roomkeeper.presence.control.AttendanceBatchTest.T;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The read queries over a migrated database (H2 here), with a fixed clock one hour after T. */
class AttendanceHistoryTest {

    static final String OTHER_ROOM = "22222222-2222-4222-8222-222222222222";

    SessionFactory factory;
    Session session;
    final AttendanceHistory history = new AttendanceHistory();

    /** The migrated database the test runs on. */
    String databaseUrl() {
        return TestDatabase.migrated();
    }

    @BeforeEach
    void fill() {
        factory = TestDatabase.sessionFactory(databaseUrl(), Room.class, Membership.class, AttendanceRecord.class);
        factory.inTransaction(s -> {
            s.persist(new Room(ROOM, "daily", "Daily", "huddle", "ann", T));
            s.persist(new Room(OTHER_ROOM, "other", "Other", "huddle", "ann", T));
            s.flush();
            // bob: two closed sessions (60 s and 30.5 s) and one open since T+50m (10 min to now)
            s.persist(record(ROOM, "bob", "a", 0, 60_000, LeaveReason.LEFT));
            s.persist(record(ROOM, "bob", "b", 120_000, 150_500, LeaveReason.EXPIRED));
            s.persist(record(ROOM, "bob", "c", 3_000_000, -1, null));
            // carol: one closed session of 10 min
            s.persist(record(ROOM, "carol", "x", 60_000, 660_000, LeaveReason.KICKED));
            s.persist(record(OTHER_ROOM, "dave", "y", 0, 1000, LeaveReason.LEFT));
        });
        session = factory.openSession();
        history.em = session;
        history.clock = Clock.fixed(T.plusSeconds(3600), ZoneOffset.UTC);
    }

    @AfterEach
    void close() {
        session.close();
        factory.close();
    }

    private static AttendanceRecord record(String room, String user, String sessionId, long joinedMs, long leftMs,
                                           LeaveReason reason) {
        return new AttendanceRecord(room, user, sessionId, T.plusMillis(joinedMs),
                leftMs < 0 ? null : T.plusMillis(leftMs), reason);
    }

    private static List<String> sessions(Page<AttendanceResponse> page) {
        return page.items().stream().map(AttendanceResponse::sessionId).toList();
    }

    @Test
    void listsARoomsRecordsNewestFirstWithDurations() {
        Page<AttendanceResponse> page = history.list(ROOM, AttendanceFilter.ALL, PageRequest.first());

        assertEquals(List.of("c", "b", "x", "a"), sessions(page));
        assertEquals(4, page.total());
        AttendanceResponse open = page.items().get(0);
        assertNull(open.leftAt());
        assertNull(open.leaveReason());
        assertEquals(600, open.durationSeconds(), "open: up to now");
        AttendanceResponse expired = page.items().get(1);
        assertEquals("expired", expired.leaveReason());
        assertEquals(30, expired.durationSeconds(), "whole seconds");
        assertEquals(T.plusMillis(150_500), expired.leftAt());
    }

    @Test
    void pagesAndFiltersByUserAndJoinTime() {
        assertEquals(List.of("x", "a"), sessions(history.list(ROOM, AttendanceFilter.ALL, new PageRequest(2, 2))));
        assertEquals(List.of("c", "b", "a"), sessions(history.list(ROOM,
                new AttendanceFilter("bob", null, null), PageRequest.first())));
        Page<AttendanceResponse> window = history.list(ROOM,
                new AttendanceFilter(null, T.plusSeconds(60), T.plusSeconds(3000)), PageRequest.first());
        assertEquals(List.of("b", "x"), sessions(window), "from inclusive, to exclusive");
        assertEquals(2, window.total());
        assertEquals(0, history.list(ROOM, new AttendanceFilter("nobody", null, null), PageRequest.first()).total());
    }

    @Test
    void totalsSumEachUsersSessionsWithOpenOnesUpToNow() {
        Page<AttendanceTotalResponse> page = history.totals(ROOM, PageRequest.first());

        assertEquals(2, page.total());
        AttendanceTotalResponse bob = page.items().get(0);
        assertEquals("bob", bob.userId());
        assertEquals(3, bob.sessions());
        assertEquals(60 + 30 + 600, bob.totalSeconds());
        assertEquals(T, bob.firstJoinedAt());
        assertEquals(T.plusMillis(150_500), bob.lastLeftAt());
        assertTrue(bob.online());
        AttendanceTotalResponse carol = page.items().get(1);
        assertEquals(new AttendanceTotalResponse("carol", 1, 600, T.plusSeconds(60), T.plusSeconds(660), false), carol);
    }

    @Test
    void totalsArePagedByUser() {
        Page<AttendanceTotalResponse> second = history.totals(ROOM, new PageRequest(1, 1));

        assertEquals(List.of("carol"), second.items().stream().map(AttendanceTotalResponse::userId).toList());
        assertEquals(2, second.total());
        assertFalse(history.totals(OTHER_ROOM, PageRequest.first()).items().get(0).online());
        assertEquals(0, history.totals("33333333-3333-4333-8333-333333333333", PageRequest.first()).total());
    }

    @Test
    void aUserWhoseOnlySessionIsOpenHasNoLastLeave() {
        factory.inTransaction(s -> s.persist(record(ROOM, "erin", "e", 3_500_000, -1, null)));

        AttendanceTotalResponse erin = history.totals(ROOM, PageRequest.first()).items().get(2);

        assertEquals(new AttendanceTotalResponse("erin", 1, 100, T.plusSeconds(3500), null, true), erin);
    }
}
