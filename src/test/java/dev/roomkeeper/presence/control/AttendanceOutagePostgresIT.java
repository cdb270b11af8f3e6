package dev.roomkeeper.presence.control;

import dev.roomkeeper.platform.control.Backlogs;
import dev.roomkeeper.platform.control.DatabaseAvailability;
import dev.roomkeeper.platform.control.DatabaseProbe;
import dev.roomkeeper.platform.control.Jobs;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.platform.control.UrlDataSource;
import dev.roomkeeper.presence.entity.AttendanceRecord;
import dev.roomkeeper.presence.entity.ChangeKind;
import dev.roomkeeper.presence.entity.LeaveReason;
import dev.roomkeeper.presence.entity.PresenceChange;
import dev.roomkeeper.presence.entity.PresenceSession;
import dev.roomkeeper.presence.entity.SessionState;
import dev.roomkeeper.rooms.PostgresDatabase;
import dev.roomkeeper.rooms.TestDatabase;
import dev.roomkeeper.rooms.entity.Membership;
import dev.roomkeeper.rooms.entity.Room;
import dev.roomkeeper.stream.entity.RoomEvent;
import dev.roomkeeper.testing.MutableClock;
import dev.roomkeeper.testing.TcpProxy;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import org.awaitility.Awaitility;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;

import static dev.roomkeeper.presence.control.AttendanceBatchTest.ROOM;
import static dev.roomkeeper.presence.control.AttendanceBatchTest.T;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Attendance through a PostgreSQL outage, on a real PostgreSQL behind a TCP proxy the test cuts or freezes: the
 * recorder, the writer in its own transactions, the availability gate and its probe as the server runs them (the
 * server's pool is a new connection per batch here, with the same timeouts). A session that ends while the database
 * is away gets its real end time once it is back; nothing is counted as failed.
 */
class AttendanceOutagePostgresIT {

    private final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T12:00:00Z"));
    private final Meters meters = Meters.inMemory();
    private final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);
    private final AttendanceRecorder recorder = new AttendanceRecorder();
    private SessionFactory direct;
    private TcpProxy proxy;

    @BeforeEach
    void start() throws Exception {
        String url = PostgresDatabase.migrated();
        int port = URI.create(url.substring("jdbc:".length())).getPort();
        proxy = new TcpProxy("localhost", port);
        String proxied = url.replace("localhost:" + port + "/", "localhost:" + proxy.port() + "/");
        direct = TestDatabase.sessionFactory(url, Room.class, Membership.class, AttendanceRecord.class);
        direct.inTransaction(session -> session.persist(new Room(ROOM, "daily", "Daily", "huddle", "ann", T)));

        UrlDataSource throughProxy = new UrlDataSource();
        throughProxy.setUrl(proxied);
        DatabaseAvailability database = new DatabaseAvailability(meters, new DatabaseProbe(throughProxy, threads()),
                Duration.ofMillis(100), System::nanoTime);
        recorder.writer = new AttendanceWriter() {
            @Override
            public void write(AttendanceBatch batch) {
                database.run(() -> {
                    try (Connection connection = throughProxy.getConnection();
                         Session session = direct.withOptions().connection(connection).openSession()) {
                        em = session;
                        session.getTransaction().begin();
                        super.write(batch);
                        session.getTransaction().commit();
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
        };
        recorder.scheduler = AttendanceRecorderTest.managed(executor);
        recorder.metrics = meters;
        recorder.jobs = new Jobs(meters, Clock.systemUTC());
        recorder.backlogs = new Backlogs(meters, clock);
        recorder.capacity = 1000;
        recorder.flushEvery = Duration.ofHours(1); // each flush is the test's
        recorder.millis = clock::millis;
        recorder.start();
    }

    @AfterEach
    void stop() {
        executor.shutdownNow();
        proxy.close();
        direct.close();
    }

    private static ManagedThreadFactory threads() {
        return (ManagedThreadFactory) Proxy.newProxyInstance(AttendanceOutagePostgresIT.class.getClassLoader(),
                new Class<?>[]{ManagedThreadFactory.class}, (p, method, args) -> {
                    if (method.getName().equals("newThread") && args[0] instanceof Runnable task) {
                        Thread thread = new Thread(task, "database-probe");
                        thread.setDaemon(true);
                        return thread;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static PresenceChange change(String session, ChangeKind kind, int joinedSecond, int atSecond) {
        long joined = T.plusSeconds(joinedSecond).toEpochMilli();
        PresenceSession presence = new PresenceSession(session, "bob", "{}", SessionState.ONLINE, joined, joined + 30_000);
        return new PresenceChange(ROOM, "bob", presence, kind, kind.sessionEnded() ? LeaveReason.LEFT : null,
                new RoomEvent(ROOM, 1, kind.eventType(), "{}", T.plusSeconds(atSecond).toEpochMilli()));
    }

    /** Every row, as "session joinedSecond..leftSecond reason", read past the proxy. */
    private List<String> rows() {
        return direct.fromSession(session -> session.createQuery(
                        "select a from AttendanceRecord a order by a.joinedAt", AttendanceRecord.class).getResultList()).stream()
                .map(a -> a.getSessionId() + " " + (a.getJoinedAt().getEpochSecond() - T.getEpochSecond()) + ".."
                        + (a.getLeftAt() == null ? "" : a.getLeftAt().getEpochSecond() - T.getEpochSecond() + " "
                        + a.getLeaveReason().wireName()))
                .toList();
    }

    private long count(String name) {
        return meters.counter("roomkeeper.presence.attendance." + name).count();
    }

    /** Sessions that start before and end during the outage, and one that starts and ends during it. */
    private void endSessionsDuringTheOutage(Runnable outage) {
        recorder.record(change("a", ChangeKind.USER_JOINED, 0, 0));
        recorder.flushIfIdle();
        assertEquals(List.of("a 0.."), rows());

        outage.run();
        recorder.record(change("a", ChangeKind.USER_LEFT, 0, 60));
        recorder.record(change("b", ChangeKind.SESSION_ADDED, 10, 10));
        recorder.record(change("b", ChangeKind.SESSION_REMOVED, 10, 20));
        recorder.flushIfIdle();
        clock.advance(Duration.ofSeconds(10));
        recorder.flushIfIdle();

        assertEquals(3, recorder.queued(), "kept through the outage");
        assertEquals(List.of("a 0.."), rows(), "the session is open while the database cannot be written");
        assertEquals(0, count("failed"));
    }

    private void awaitEverythingWritten() {
        Awaitility.await("the kept attendance written").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100)).until(() -> {
                    clock.advance(AttendanceRecorder.MAX_RETRY_BACKOFF);
                    recorder.flushIfIdle();
                    return recorder.queued() == 0;
                });
        assertEquals(List.of("a 0..60 left", "b 10..20 left"), rows());
        assertEquals(4, count("written"));
        assertEquals(0, count("failed"));
        assertEquals(0, count("dropped"));
    }

    @Test
    void sessionsEndedWhileTheDatabaseWasStoppedGetTheirRealEndOnceItIsBack() {
        endSessionsDuringTheOutage(proxy::cut);

        proxy.restore();

        awaitEverythingWritten();
    }

    @Test
    void sessionsEndedWhileTheDatabaseWasFrozenGetTheirRealEndOnceItAnswers() {
        endSessionsDuringTheOutage(proxy::freeze);

        proxy.thaw();

        awaitEverythingWritten();
    }
}
