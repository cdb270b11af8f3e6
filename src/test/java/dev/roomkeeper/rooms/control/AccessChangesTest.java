package dev.roomkeeper.rooms.control;

import dev.roomkeeper.auth.entity.Role;
import dev.roomkeeper.rooms.entity.AccessChange;
import dev.roomkeeper.rooms.entity.AccessChange.Kind;
import dev.roomkeeper.rooms.entity.RoomChange;
import dev.roomkeeper.stream.entity.RoomEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The room events that announce access changes become typed AccessChanges; nothing else does. */
class AccessChangesTest {

    @Test
    void everyAnnouncementThePublisherMakesBecomesItsChange() {
        assertEquals(Optional.of(new AccessChange("r1", "bob", Kind.GRANTED, Role.OBSERVER, 7)),
                announced(new RoomChange.MemberAdded("r1", "bob", Role.OBSERVER), 7));
        assertEquals(Optional.of(new AccessChange("r1", "bob", Kind.ROLE_CHANGED, Role.HOST, 8)),
                announced(new RoomChange.MemberRoleChanged("r1", "bob", Role.HOST), 8));
        assertEquals(Optional.of(new AccessChange("r1", "bob", Kind.REVOKED, null, 9)),
                announced(new RoomChange.MemberRemoved("r1", "bob", Role.PARTICIPANT), 9));
        assertEquals(Optional.of(new AccessChange("r1", null, Kind.ROOM_CLOSED, null, 10)),
                announced(new RoomChange.Closed("r1", "daily", "done", "admin-1", Instant.parse("2026-01-01T00:00:00Z")), 10));
    }

    @Test
    void otherEventsAndUnreadableAnnouncementsChangeNoAccess() {
        assertEquals(Optional.empty(), AccessChanges.changeOf(new RoomEvent("r1", 1, "presence.join", "{\"userId\":\"bob\"}", 0)));
        assertEquals(Optional.empty(), AccessChanges.changeOf(new RoomEvent("r1", 2, "message", "{}", 0)));
        assertEquals(Optional.empty(), AccessChanges.changeOf(new RoomEvent("r1", 3, "member.removed", "{}", 0)));
        assertEquals(Optional.empty(), AccessChanges.changeOf(new RoomEvent("r1", 4, "member.removed", "[1]", 0)));
    }

    @Test
    void onlyRemovalsAndClosesRevokeAndACloseConcernsEveryone() {
        AccessChange closed = new AccessChange("r1", null, Kind.ROOM_CLOSED, null, 1);
        AccessChange removed = new AccessChange("r1", "bob", Kind.REVOKED, null, 1);
        AccessChange added = new AccessChange("r1", "bob", Kind.GRANTED, Role.HOST, 1);
        assertTrue(closed.revokes() && closed.concerns("anyone"));
        assertTrue(removed.revokes() && removed.concerns("bob") && !removed.concerns("ann"));
        assertFalse(added.revokes());
        assertEquals("removed", removed.kind().reason());
        assertEquals("closed", closed.kind().reason());
        assertThrows(IllegalArgumentException.class, () -> new AccessChange("r1", null, Kind.REVOKED, null, 1));
        assertThrows(IllegalArgumentException.class, () -> new AccessChange("r1", "bob", Kind.ROOM_CLOSED, null, 1));
    }

    /** What a node makes of the event the publisher puts on the stream for {@code change}. */
    private static Optional<AccessChange> announced(RoomChange change, long seq) {
        RoomChangePublisher.StreamEvent event = RoomChangePublisher.eventFor(change).orElseThrow();
        return AccessChanges.changeOf(new RoomEvent(change.roomId(), seq, event.type(), event.data().toString(), 0));
    }
}
