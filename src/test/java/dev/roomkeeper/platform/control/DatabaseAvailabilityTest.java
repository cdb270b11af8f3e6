package dev.roomkeeper.platform.control;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The availability gate on a hand-moved clock, with probes the test completes. */
class DatabaseAvailabilityTest {

    private static final Logger LOG = Logger.getLogger(DatabaseAvailability.class.getName());

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final Meters meters = Meters.inMemory();
    private final List<CompletableFuture<DatabaseProbe.Result>> probes = new CopyOnWriteArrayList<>();
    private final DatabaseAvailability database = new DatabaseAvailability();
    private final AtomicInteger ran = new AtomicInteger();
    private final Level level = LOG.getLevel();
    private final ExecutorService other = Executors.newSingleThreadExecutor();

    DatabaseAvailabilityTest() {
        LOG.setLevel(Level.OFF);
        database.metrics = meters;
        database.backoff = Duration.ofSeconds(2);
        database.nanos = nanos::get;
        database.probe = new DatabaseProbe() {
            @Override
            public CompletableFuture<Result> start() {
                CompletableFuture<Result> probe = new CompletableFuture<>();
                probes.add(probe);
                return probe;
            }
        };
        database.init();
    }

    @AfterEach
    void restore() {
        other.shutdownNow();
        LOG.setLevel(level);
    }

    private void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }

    private String query() {
        return database.call(() -> {
            ran.incrementAndGet();
            return "row";
        });
    }

    private DatabaseUnavailableException failWith(Exception cause) {
        return assertThrows(DatabaseUnavailableException.class, () -> database.call(() -> {
            ran.incrementAndGet();
            throw new IllegalStateException("wrapped", cause);
        }));
    }

    private long count(String name, String... tags) {
        return meters.counter(name, tags).count();
    }

    @Test
    void callsGoThroughWhileTheDatabaseAnswers() {
        assertEquals("row", query());
        assertTrue(database.available());
        assertEquals(1.0, meters.gauge("roomkeeper.db.available"));
    }

    @Test
    void anUnreachableDatabaseIsA503AndRefusesTheNextCallsWithoutTryingThem() {
        DatabaseUnavailableException first = failWith(new SQLException("Connection refused", "08001"));
        assertEquals(503, first.status());
        assertEquals("database-unavailable", first.type());
        assertEquals(DatabaseFailure.UNREACHABLE, first.failure());
        assertFalse(database.available());

        DatabaseUnavailableException refused = assertThrows(DatabaseUnavailableException.class, this::query);

        assertEquals(1, ran.get(), "the refused call never ran");
        assertEquals(2, refused.retryAfterSeconds(), "the rest of the back-off");
        assertEquals(1, count("roomkeeper.db.refused"));
        assertEquals(1, count("roomkeeper.db.outages"));
        assertEquals(1, count("roomkeeper.db.failures", "kind", "unreachable"));
        assertEquals(0.0, meters.gauge("roomkeeper.db.available"));
        assertTrue(probes.isEmpty(), "no probe during the back-off");
    }

    @Test
    void afterTheBackOffOneProbeRunsInTheBackgroundAndCallsAreStillRefusedMeanwhile() {
        failWith(new SQLException("Connection refused", "08001"));
        advance(Duration.ofSeconds(2));

        assertThrows(DatabaseUnavailableException.class, this::query);
        assertThrows(DatabaseUnavailableException.class, this::query);
        advance(Duration.ofSeconds(3));
        assertThrows(DatabaseUnavailableException.class, this::query);

        assertEquals(1, probes.size(), "one probe in flight at a time");
        assertEquals(1, ran.get());
    }

    @Test
    void aProbeThatGetsAnAnswerLetsCallsThroughAgain() {
        failWith(new SQLException("Connection refused", "08001"));
        advance(Duration.ofSeconds(2));
        assertThrows(DatabaseUnavailableException.class, this::query);

        probes.get(0).complete(DatabaseProbe.Result.up("PostgreSQL"));

        assertTrue(database.available());
        assertEquals("row", query());
    }

    @Test
    void aProbeThatFailsStartsAnotherBackOff() {
        failWith(new SQLException("Connection refused", "08001"));
        advance(Duration.ofSeconds(2));
        assertThrows(DatabaseUnavailableException.class, this::query);
        advance(Duration.ofSeconds(1));

        probes.get(0).complete(DatabaseProbe.Result.down("PSQLException", DatabaseFailure.UNREACHABLE));
        advance(Duration.ofSeconds(1));
        assertThrows(DatabaseUnavailableException.class, this::query);
        assertEquals(1, probes.size(), "the back-off counts from the failed probe");
        advance(Duration.ofSeconds(1));
        assertThrows(DatabaseUnavailableException.class, this::query);

        assertEquals(2, probes.size());
        assertEquals(1, count("roomkeeper.db.outages"), "one outage, however many probes fail");
    }

    @Test
    void aProbeThatCannotWorkNeverKeepsAWorkingDatabaseRefused() {
        CompletableFuture<DatabaseProbe.Result> check = database.check();
        probes.get(0).complete(DatabaseProbe.Result.down("NullPointerException", null));

        assertFalse(check.join().up());
        assertTrue(database.available());
    }

    @Test
    void aProbeThatCannotWorkWhileTheDatabaseIsDownLetsTheCallsFindOut() {
        failWith(new SQLException("Connection refused", "08001"));
        advance(Duration.ofSeconds(2));
        assertThrows(DatabaseUnavailableException.class, this::query);

        probes.get(0).complete(DatabaseProbe.Result.down("NamingException", null));

        assertTrue(database.available());
        assertEquals("row", query());
    }

    @Test
    void aProbeOfAWorkingDatabaseThatFailsToConnectMarksItDown() {
        database.check();
        probes.get(0).complete(DatabaseProbe.Result.down("PSQLException", DatabaseFailure.UNREACHABLE));

        assertFalse(database.available());
        assertThrows(DatabaseUnavailableException.class, this::query);
    }

    @Test
    void aProbeThatNeverEndsIsGivenUpOnAndAnotherStarted() {
        AtomicInteger abandoned = new AtomicInteger();
        database.probe = new DatabaseProbe() {
            @Override
            public CompletableFuture<Result> start() {
                CompletableFuture<Result> probe = new CompletableFuture<>();
                probes.add(probe);
                return probe;
            }

            @Override
            public synchronized void abandon() {
                abandoned.incrementAndGet();
            }
        };
        CompletableFuture<DatabaseProbe.Result> stuck = database.check();
        advance(DatabaseAvailability.PROBE_LIMIT);

        CompletableFuture<DatabaseProbe.Result> next = database.check();

        assertEquals(2, probes.size());
        assertEquals(1, abandoned.get());
        assertFalse(stuck.join().up());
        assertFalse(next.isDone());
    }

    @Test
    void aProbeThatCannotBeMadeAnswersDownWithoutStickingTheNextChecks() {
        database.probe = new DatabaseProbe() {
            @Override
            public CompletableFuture<Result> start() {
                throw new IllegalArgumentException("Can't find a resource named java:app/jdbc/roomkeeper");
            }
        };

        assertFalse(database.check().join().up());
        assertTrue(database.check().isDone(), "a new check, not a stuck one");
    }

    @Test
    void aCheckWhileOneIsGoingOnAnswersThatOne() {
        assertSame(database.check(), database.check());
        assertEquals(1, probes.size());
    }

    @Test
    void aTimeoutFailsThatCallOnlyTheDatabaseStillAnswers() {
        DatabaseUnavailableException timedOut = failWith(new SQLException("canceling statement due to statement timeout", "57014"));

        assertEquals(DatabaseFailure.TIMED_OUT, timedOut.failure());
        assertTrue(database.available());
        assertEquals("row", query());
        assertEquals(1, count("roomkeeper.db.failures", "kind", "timed-out"));
    }

    @Test
    void otherFailuresPassUnchangedAndChangeNothing() {
        IllegalArgumentException bug = new IllegalArgumentException("bug");
        SQLException duplicate = new SQLException("duplicate key", "23505");

        assertSame(bug, assertThrows(IllegalArgumentException.class, () -> database.call(() -> {
            throw bug;
        })));
        assertThrows(IllegalStateException.class, () -> database.call(() -> {
            throw new IllegalStateException(duplicate);
        }));

        assertTrue(database.available());
    }

    @Test
    void callsWithinACallArePartOfIt() {
        String nested = database.call(() -> {
            SQLException refused = new SQLException("Connection refused", "08001");
            // the inner call fails as it is; the outer one decides what it means
            IllegalStateException inner = assertThrows(IllegalStateException.class,
                    () -> database.call(() -> {
                        throw new IllegalStateException(refused);
                    }));
            assertSame(refused, inner.getCause());
            return "outer";
        });

        assertEquals("outer", nested);
        assertTrue(database.available());
    }

    @Test
    void aCallThatBeganBeforeTheOutageWasNoticedAndSucceedsMarksTheDatabaseUp() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<String> slow = other.submit(() -> database.call(() -> {
            started.countDown();
            await(release);
            return "late row";
        }));
        assertTrue(started.await(10, TimeUnit.SECONDS));
        failWith(new SQLException("Connection refused", "08001"));
        assertFalse(database.available());

        release.countDown();

        assertEquals("late row", slow.get(10, TimeUnit.SECONDS));
        assertTrue(database.available());
    }

    @Test
    void aCallGoingOnForASecondWithNothingFinishingMeanwhileIsSlow() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<String> frozen = other.submit(() -> database.call(() -> {
            started.countDown();
            await(release);
            return "row";
        }));
        assertTrue(started.await(10, TimeUnit.SECONDS));
        assertFalse(database.slow());

        advance(Duration.ofMillis(1001));
        assertTrue(database.slow());

        release.countDown();
        frozen.get(10, TimeUnit.SECONDS);
        assertFalse(database.slow());
    }

    @Test
    void retryAfterIsAtLeastASecond() {
        failWith(new SQLException("Connection refused", "08001"));
        advance(Duration.ofMillis(1999));

        assertEquals(1, database.unavailable(DatabaseFailure.UNREACHABLE).retryAfterSeconds());
        assertEquals(2, new DatabaseAvailabilityTest().database.retryAfterSeconds(), "the back-off, while up");
    }

    @Test
    void anOutOfBoundsBackOffFallsBackToTheDefault() {
        DatabaseAvailability odd = new DatabaseAvailability();
        odd.metrics = Meters.inMemory();
        odd.backoff = Duration.ofHours(1);

        odd.init();

        assertEquals(Duration.ofSeconds(2), odd.backoff());
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
