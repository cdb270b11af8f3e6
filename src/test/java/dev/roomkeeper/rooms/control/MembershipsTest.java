package dev.roomkeeper.rooms.control;

import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.rooms.entity.AddMemberRequest;
import dev.roomkeeper.rooms.entity.CreateRoomRequest;
import dev.roomkeeper.rooms.entity.MemberResponse;
import dev.roomkeeper.platform.entity.Page;
import dev.roomkeeper.platform.entity.PageRequest;
import dev.roomkeeper.auth.entity.Role;
import dev.roomkeeper.rooms.entity.RoomChange;
import dev.roomkeeper.rooms.entity.RoomResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MembershipsTest {

    private final Rooms rooms = new Rooms();
    private RoomResponse room;

    @BeforeEach
    void room() {
        room = rooms.tx(() -> rooms.directory.create(new CreateRoomRequest("lobby", "Lobby", null), "admin-1"));
        rooms.changes.fired.clear();
    }

    @AfterEach
    void close() {
        rooms.close();
    }

    private MemberResponse add(String roomRef, String userId, String role) {
        rooms.tick(Duration.ofSeconds(1));
        return rooms.tx(() -> rooms.memberships.add(roomRef, new AddMemberRequest(userId, role)));
    }

    private int status(Runnable call) {
        return assertThrows(ProblemException.class, call::run).status();
    }

    @Test
    void addMakesAMemberWithTheRoleAndAnnouncesIt() {
        MemberResponse member = add("lobby", " bob ", "Presenter");

        assertEquals(room.id(), member.roomId());
        assertEquals("bob", member.userId());
        assertEquals("presenter", member.role());
        assertEquals(Optional.of(Role.PRESENTER), rooms.memberships.roleOf(room.id(), "bob"));
        assertEquals(List.of(new RoomChange.MemberAdded(room.id(), "bob", Role.PRESENTER)), rooms.changes.fired);
    }

    @Test
    void rolesInAnswersEveryMembershipOfARoomUpToTheLimit() {
        add("lobby", "bob", "presenter");
        add("lobby", "ann", "observer");

        assertEquals(Optional.of(Map.of("bob", Role.PRESENTER, "ann", Role.OBSERVER)),
                rooms.memberships.rolesIn(room.id(), 2));
        assertEquals(Optional.empty(), rooms.memberships.rolesIn(room.id(), 1));
        assertEquals(Optional.of(Map.of()), rooms.memberships.rolesIn("no-such-room", 2));
    }

    @Test
    void addingAMemberTwiceIsAConflict() {
        add("lobby", "bob", "participant");

        assertEquals(409, status(() -> add(room.id(), "bob", "host")));
        assertEquals(Optional.of(Role.PARTICIPANT), rooms.memberships.roleOf(room.id(), "bob"));
    }

    @Test
    void addAnswers404WithoutTheRoomAnd409WhenItIsClosed() {
        assertEquals(404, status(() -> add("nowhere", "bob", "host")));
        rooms.tx(() -> rooms.directory.close("lobby", null, "admin-1"));

        ProblemException closed = assertThrows(ProblemException.class, () -> add("lobby", "bob", "host"));
        assertEquals(409, closed.status());
        assertEquals("room-closed", closed.type());
    }

    @Test
    void addRejectsAnUnknownRoleOrABlankUser() {
        ProblemException role = assertThrows(ProblemException.class, () -> add("lobby", "bob", "owner"));
        ProblemException user = assertThrows(ProblemException.class, () -> add("lobby", " ", "host"));

        assertEquals("role", role.errors().get(0).field());
        assertEquals("userId", user.errors().get(0).field());
    }

    @Test
    void changeRoleUpdatesTheMemberAndAnnouncesOnlyRealChanges() {
        add("lobby", "bob", "participant");
        rooms.changes.fired.clear();
        rooms.tick(Duration.ofMinutes(1));

        MemberResponse changed = rooms.tx(() -> rooms.memberships.changeRole("lobby", "bob", "host"));
        MemberResponse same = rooms.tx(() -> rooms.memberships.changeRole("lobby", "bob", Role.HOST));

        assertEquals("host", changed.role());
        assertTrue(changed.updatedAt().isAfter(changed.createdAt()));
        assertEquals(changed, same);
        assertEquals(List.of(new RoomChange.MemberRoleChanged(room.id(), "bob", Role.HOST)), rooms.changes.fired);
    }

    @Test
    void changeRoleAnswers404ForANonMemberAnd400ForAnUnknownRole() {
        add("lobby", "bob", "participant");

        assertEquals(404, status(() -> rooms.tx(() -> rooms.memberships.changeRole("lobby", "carol", "host"))));
        assertEquals(400, status(() -> rooms.tx(() -> rooms.memberships.changeRole("lobby", "bob", "king"))));
    }

    @Test
    void removeTakesTheMemberOutAndAnnouncesTheRoleTheyHad() {
        add("lobby", "bob", "observer");
        rooms.changes.fired.clear();

        rooms.tx(() -> rooms.memberships.remove("lobby", "bob"));

        assertTrue(rooms.memberships.roleOf(room.id(), "bob").isEmpty());
        assertEquals(List.of(new RoomChange.MemberRemoved(room.id(), "bob", Role.OBSERVER)), rooms.changes.fired);
        assertEquals(404, status(() -> rooms.tx(() -> rooms.memberships.remove("lobby", "bob"))));
    }

    @Test
    void removeWorksInAClosedRoom() {
        add("lobby", "bob", "observer");
        rooms.tx(() -> rooms.directory.close("lobby", null, "admin-1"));

        rooms.tx(() -> rooms.memberships.remove("lobby", "bob"));

        assertEquals(0, rooms.memberships.list("lobby", PageRequest.first()).total());
    }

    @Test
    void listAnswersMembersOldestFirstOnePageAtATime() {
        add("lobby", "carol", "host");
        add("lobby", "alice", "participant");
        add("lobby", "bob", "observer");

        Page<MemberResponse> page = rooms.memberships.list(room.id(), new PageRequest(1, 1));

        assertEquals(List.of("alice"), page.items().stream().map(MemberResponse::userId).toList());
        assertEquals(3, page.total());
        assertEquals("host", rooms.memberships.get("lobby", "carol").role());
        assertEquals(404, status(() -> rooms.memberships.get("lobby", "dave")));
        assertEquals(404, status(() -> rooms.memberships.list("nowhere", PageRequest.first())));
    }
}
