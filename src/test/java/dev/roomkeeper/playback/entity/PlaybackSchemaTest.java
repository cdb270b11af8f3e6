package dev.roomkeeper.playback.entity;

import dev.roomkeeper.playback.control.StreamRecordsAccess;
import dev.roomkeeper.rooms.TestDatabase;
import dev.roomkeeper.rooms.entity.Membership;
import dev.roomkeeper.rooms.entity.Room;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The playback entities validate against the migration on H2 (V8; PostgreSQL in {@code PlaybackSchemaPostgresIT}), as hbm2ddl=validate does at deployment; the
 * flush's batched write inserts each (stream, eventId) once and keeps a stream's row at its latest timeline; the
 * event log filters by type and time.
 */
class PlaybackSchemaTest {

    static final String ROOM = "11111111-1111-4111-8111-111111111111";
    static final String STREAM = "22222222-2222-4222-8222-222222222222";
    static final Instant CREATED = Instant.parse("2026-03-01T10:00:00Z");
    static final long T0 = CREATED.toEpochMilli();

    /** The database the test runs on: H2 here, PostgreSQL in {@code PlaybackSchemaPostgresIT}. */
    String databaseUrl() {
        return TestDatabase.migrated();
    }

    SessionFactory database() {
        SessionFactory factory = TestDatabase.sessionFactory(databaseUrl(), Room.class, Membership.class,
                PlaybackStream.class, PlaybackEvent.class);
        factory.inTransaction(session -> session.persist(new Room(ROOM, "movie", "Movie night", "huddle", "ann", CREATED)));
        return factory;
    }

    static Timeline timeline(long position, boolean playing, long at) {
        return new Timeline(STREAM, "Film", "https://cdn.example/f.mp4", position, 1.0, playing, at, true, 500, true,
                "ann", "create", null, null);
    }

    static LogEntry entry(String type, String eventId, long at) {
        return new LogEntry(STREAM, "ann", type, eventId, at, 1_000, "{\"rate\":1.0}");
    }

    @Test
    void aBatchInsertsEachEventIdOnceAndKeepsTheLatestTimeline() {
        try (SessionFactory factory = database()) {
            StreamRecordsAccess records = new StreamRecordsAccess(factory);
            records.create(ROOM, timeline(0, false, T0));
            records.create(ROOM, timeline(0, false, T0)); // a retried create
            int first = records.write(List.of(entry("play", "e1", T0 + 1), entry("pause", "e2", T0 + 2)),
                    List.of(timeline(5_000, true, T0 + 10)));
            int again = records.write(List.of(entry("play", "e1", T0 + 1), entry("seek", "e3", T0 + 3)),
                    List.of(timeline(1_000, false, T0 + 5)));
            assertEquals(2, first);
            assertEquals(1, again, "e1 is stored already");
            PlaybackStream row = records.stream(STREAM).orElseThrow();
            assertEquals(5_000, row.getPositionMs(), "an older timeline does not overwrite a later one");
            assertEquals(3, records.countEvents(STREAM, new dev.roomkeeper.playback.control.StreamRecords.EventFilter(null, null, null)));
        }
    }

    @Test
    void theLogFiltersByTypeAndTimeOldestFirst() {
        try (SessionFactory factory = database()) {
            StreamRecordsAccess records = new StreamRecordsAccess(factory);
            records.create(ROOM, timeline(0, false, T0));
            records.write(List.of(entry("play", "a", T0 + 30), entry("pause", "b", T0 + 10), entry("play", "c", T0 + 20),
                    entry("buffer_start", "d", T0 + 40)), List.of());
            var all = records.events(STREAM, new dev.roomkeeper.playback.control.StreamRecords.EventFilter(null, null, null), 0, 10);
            assertEquals(List.of("b", "c", "a", "d"), all.stream().map(PlaybackEvent::getEventId).toList());
            var plays = records.events(STREAM, new dev.roomkeeper.playback.control.StreamRecords.EventFilter("play", null, null), 0, 10);
            assertEquals(List.of("c", "a"), plays.stream().map(PlaybackEvent::getEventId).toList());
            var window = records.events(STREAM, new dev.roomkeeper.playback.control.StreamRecords.EventFilter(null, T0 + 20, T0 + 40), 0, 10);
            assertEquals(List.of("c", "a"), window.stream().map(PlaybackEvent::getEventId).toList());
            var page = records.events(STREAM, new dev.roomkeeper.playback.control.StreamRecords.EventFilter(null, null, null), 1, 2);
            assertEquals(List.of("c", "a"), page.stream().map(PlaybackEvent::getEventId).toList());
        }
    }

    @Test
    void theDatabaseRefusesADuplicateEventIdAndDropsAStreamWithItsRoom() {
        try (SessionFactory factory = database()) {
            StreamRecordsAccess records = new StreamRecordsAccess(factory);
            records.create(ROOM, timeline(0, false, T0));
            factory.inTransaction(session -> session.persist(new PlaybackEvent(entry("play", "x", T0), CREATED)));
            assertThrows(RuntimeException.class, () -> factory.inTransaction(session ->
                    session.persist(new PlaybackEvent(entry("pause", "x", T0), CREATED))));
            assertThrows(RuntimeException.class, () -> factory.inTransaction(session -> session.createNativeMutationQuery(
                    "update playback_event set event_type = 'dance'").executeUpdate()));
            factory.inTransaction(session -> session.createNativeMutationQuery("delete from room").executeUpdate());
            long left = factory.fromSession(session -> session.createNativeQuery(
                    "select count(*) from playback_event", Long.class).getSingleResult());
            assertEquals(0, left, "events go with their stream, streams with their room");
        }
    }
}
