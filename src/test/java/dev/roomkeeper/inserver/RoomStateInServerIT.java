package dev.roomkeeper.inserver;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.keyed.control.KeyedState;
import dev.roomkeeper.keyed.entity.Condition;
import dev.roomkeeper.platform.control.Jobs;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.platform.entity.JobStatus;
import dev.roomkeeper.rooms.control.Memberships;
import dev.roomkeeper.rooms.control.RoomDirectory;
import dev.roomkeeper.rooms.entity.Access;
import dev.roomkeeper.rooms.entity.AddMemberRequest;
import dev.roomkeeper.rooms.entity.CreateRoomRequest;
import dev.roomkeeper.rooms.entity.RoomResponse;
import dev.roomkeeper.roomstate.control.RoomStateKeeper;
import dev.roomkeeper.roomstate.entity.StateKey;
import dev.roomkeeper.stream.control.Hub;
import dev.roomkeeper.stream.entity.RoomEvent;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonValue;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.StringReader;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Room state inside the server: its lifetime follows the room's close, and its usage job feeds the gauges. */
@ExtendWith(ArquillianExtension.class)
class RoomStateInServerIT {

    @Deployment(name = InServer.NAME)
    static WebArchive deployment() {
        return InServer.war();
    }

    @Inject
    RoomDirectory rooms;

    @Inject
    Memberships members;

    @Inject
    RoomStateKeeper keeper;

    @Inject
    KeyedState keyed;

    @Inject
    Hub hub;

    @Inject
    Jobs jobs;

    @Inject
    Meters metrics;

    @Test
    void closingARoomClearsItsWholeStateKeptNamespacesTooWithOneEvent() {
        RoomResponse room = room();
        members.add(room.slug(), new AddMemberRequest("hal", "host"));
        Caller hal = new Caller("hal", "Hal", null, false, Map.of(), null);
        Access access = keeper.access(room.slug(), hal);
        keeper.set(access, hal, new StateKey(StateKey.KEPT), json("[\"ui/\"]"), Condition.always(), 0, null);
        keeper.set(access, hal, new StateKey(StateKey.PINNED), json("\"m1\""), Condition.always(), 0, null);
        keeper.set(access, hal, new StateKey("score"), json("1"), Condition.always(), 60_000, null);
        try (StreamRecorder events = new StreamRecorder(hub, room.id())) {
            rooms.close(room.slug(), "done", "admin-1");

            Eventually.await("the state cleared", events::types, types -> types.contains("state.cleared"));
            List<RoomEvent> cleared = events.events.stream().filter(e -> e.type().equals("state.cleared")).toList();
            assertEquals(1, cleared.size());
            assertEquals("{\"reason\":\"closed\",\"kept\":[]}", cleared.get(0).data());
            assertTrue(events.types().indexOf("room.closed") < events.types().indexOf("state.cleared"),
                    "after room.closed: " + events.types());
        }
        assertEquals(0, keyed.snapshot(room.id(), RoomStateKeeper.SPACE, "").keys());
    }

    @Test
    void theUsageJobReadsTheRoomsWrittenAndFeedsTheGauges() {
        RoomResponse room = room();
        members.add(room.slug(), new AddMemberRequest("ada", "participant"));
        Caller ada = new Caller("ada", "Ada", null, false, Map.of(), null);
        Access access = keeper.access(room.slug(), ada);
        for (int i = 0; i < 7; i++) {
            keeper.increment(access, ada, new StateKey("user/ada/k" + i), 1, 0, null);
        }
        assertTrue(keeper.sampleUsage() >= 1, "the room written is read");
        RoomStateKeeper.Usage usage = keeper.usage();
        assertTrue(usage.keysMax() >= 7, usage::toString);
        assertTrue(usage.keysTotal() >= 7, usage::toString);
        assertTrue(usage.bytesMax() >= 7 * "user/ada/k0".length() + 7, usage::toString);
        assertTrue(metrics.counter("roomkeeper.state.writes", "op", "increment").count() >= 7);
        JobStatus job = jobs.statuses().stream().filter(s -> s.name().equals("room-state-usage")).findFirst().orElseThrow();
        assertEquals(java.time.Duration.ofSeconds(10), job.period(), "registered, so liveness watches it");
    }

    private RoomResponse room() {
        String slug = "state-" + UUID.randomUUID().toString().substring(0, 8);
        return rooms.create(new CreateRoomRequest(slug, "State " + slug, null), "admin-1");
    }

    private static JsonValue json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readValue();
        }
    }
}
