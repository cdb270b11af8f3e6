package dev.roomkeeper.rooms.control;

import dev.roomkeeper.auth.entity.Role;
import dev.roomkeeper.rooms.entity.RoomChange;
import dev.roomkeeper.stream.control.RoomEvents;
import dev.roomkeeper.stream.entity.RoomEvent;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoomChangePublisherTest {

    private static final String ID = "6f1c2a9e-0b7d-4c1e-9a55-3f2d8c7b1e40";

    private static String published(RoomChange change) {
        RoomChangePublisher.StreamEvent event = RoomChangePublisher.eventFor(change).orElseThrow();
        return event.type() + " " + event.data();
    }

    @Test
    void aClosedRoomIsAnnouncedWithItsReasonTimeAndWhetherAnAdminOrTheIdleSweepClosedIt() {
        Instant at = Instant.parse("2025-03-01T10:00:00.123456Z");

        assertEquals("room.closed {\"reason\":\"done\",\"closedAt\":\"2025-03-01T10:00:00.123456Z\",\"closedBy\":\"admin\"}",
                published(new RoomChange.Closed(ID, "daily", "done", "ops-anna", at)), "never which admin");
        assertEquals("room.closed {\"reason\":null,\"closedAt\":\"2025-03-01T10:00:00.123456Z\",\"closedBy\":\"admin\"}",
                published(new RoomChange.Closed(ID, "daily", null, "ops-anna", at)));
        assertEquals("room.closed {\"reason\":\"idle: no activity for over 1 hour\",\"closedAt\":"
                        + "\"2025-03-01T10:00:00.123456Z\",\"closedBy\":\"system:idle-sweep\"}",
                published(new RoomChange.Closed(ID, "daily", "idle: no activity for over 1 hour", "system:idle-sweep", at)));
    }

    @Test
    void memberChangesAreAnnouncedWithUserAndWireRole() {
        assertEquals("member.added {\"userId\":\"bob\",\"role\":\"presenter\"}",
                published(new RoomChange.MemberAdded(ID, "bob", Role.PRESENTER)));
        assertEquals("member.role-changed {\"userId\":\"bob\",\"role\":\"host\"}",
                published(new RoomChange.MemberRoleChanged(ID, "bob", Role.HOST)));
        assertEquals("member.removed {\"userId\":\"bob\",\"role\":\"observer\"}",
                published(new RoomChange.MemberRemoved(ID, "bob", Role.OBSERVER)));
    }

    @Test
    void aNewRoomIsNotAnnounced() {
        assertTrue(RoomChangePublisher.eventFor(new RoomChange.Created(ID, "daily")).isEmpty());
    }

    @Test
    void changesArePublishedOnTheRoomsStreamByIdAndFailuresAreOnlyLogged() {
        List<String> sent = new ArrayList<>();
        RoomChangePublisher publisher = new RoomChangePublisher();
        publisher.events = new RoomEvents() {
            @Override
            public RoomEvent publish(String roomId, String type, JsonObject data) {
                sent.add(roomId + " " + type);
                if (sent.size() > 1) {
                    throw new IllegalStateException("engine down");
                }
                return new RoomEvent(roomId, sent.size(), type, data.toString(), 0);
            }
        };

        publisher.onChange(new RoomChange.MemberAdded(ID, "bob", Role.HOST));
        publisher.onChange(new RoomChange.MemberRemoved(ID, "bob", Role.HOST));

        assertEquals(List.of(ID + " member.added", ID + " member.removed"), sent);
    }
}
