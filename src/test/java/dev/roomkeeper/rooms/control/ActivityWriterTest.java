package dev.roomkeeper.rooms.control;

import dev.roomkeeper.rooms.TestDatabase;
import dev.roomkeeper.rooms.entity.CreateRoomRequest;
import dev.roomkeeper.rooms.entity.Room;
import dev.roomkeeper.rooms.entity.RoomResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The monotonic batch UPDATE over a migrated database (H2 here, PostgreSQL in the *PostgresIT). */
class ActivityWriterTest {

    Rooms rooms;
    RoomResponse lobby;
    RoomResponse attic;
    Instant t0;

    /** The migrated database the test runs on. */
    String databaseUrl() {
        return TestDatabase.migrated();
    }

    @BeforeEach
    void rooms() {
        rooms = new Rooms(databaseUrl());
        t0 = rooms.now();
        lobby = rooms.tx(() -> rooms.directory.create(new CreateRoomRequest("lobby", "Lobby", null), "root"));
        attic = rooms.tx(() -> rooms.directory.create(new CreateRoomRequest("attic", "Attic", null), "root"));
    }

    @AfterEach
    void close() {
        rooms.close();
    }

    private int write(ActivityWriter.Touch... touches) {
        return rooms.tx(() -> rooms.writer.write(List.of(touches)));
    }

    private Instant stored(RoomResponse room) {
        return rooms.tx(() -> rooms.directory.lookup(room.id()).orElseThrow().getLastActivityAt());
    }

    private static ActivityWriter.Touch touch(RoomResponse room, Instant at) {
        return new ActivityWriter.Touch(room.id(), at);
    }

    @Test
    void aNewRoomsLastActivityIsItsCreation() {
        assertEquals(t0, stored(lobby));
        assertEquals(lobby.createdAt(), stored(lobby));
    }

    @Test
    void theStoredActivityOnlyEverMovesForward() {
        Instant later = t0.plusSeconds(90).plusMillis(123);

        assertEquals(1, write(touch(lobby, later)));
        assertEquals(0, write(touch(lobby, t0.plusSeconds(30))), "an older touch, as a slower node would flush it");
        assertEquals(0, write(touch(lobby, later)), "the same touch again");

        assertEquals(later, stored(lobby));
    }

    @Test
    void oneBatchWritesManyRoomsInAnyOrderAndSkipsUnknownOnes() {
        assertEquals(2, write(touch(lobby, t0.plusSeconds(5)), new ActivityWriter.Touch("no-such-room", t0.plusSeconds(5)),
                touch(attic, t0.plusSeconds(7)), touch(lobby, t0.minusSeconds(60))));

        assertEquals(t0.plusSeconds(5), stored(lobby));
        assertEquals(t0.plusSeconds(7), stored(attic));
        assertEquals(0, write());
    }

    @Test
    void aRoomReadBeforeAWriteAndSavedAfterItKeepsTheWrittenActivity() {
        Instant written = t0.plus(Duration.ofMinutes(3));
        try (Rooms otherNode = rooms.another()) {
            rooms.session.getTransaction().begin();
            Room loaded = rooms.directory.lookup(lobby.id()).orElseThrow();
            assertEquals(t0, loaded.getLastActivityAt());

            assertEquals(1, otherNode.tx(() -> otherNode.writer.write(List.of(touch(lobby, written)))));

            loaded.close("done", "root", t0.plus(Duration.ofMinutes(4)));
            rooms.session.getTransaction().commit();
            rooms.session.clear();
        }
        assertEquals(written, stored(lobby), "closing the stale entity did not write its old activity back");
        assertEquals("closed", rooms.directory.get(lobby.id()).state());
    }
}
