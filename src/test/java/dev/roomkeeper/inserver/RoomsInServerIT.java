package dev.roomkeeper.inserver;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.platform.entity.PageRequest;
import dev.roomkeeper.presence.control.AttendanceHistory;
import dev.roomkeeper.presence.control.PresenceRegistry;
import dev.roomkeeper.presence.entity.AttendanceFilter;
import dev.roomkeeper.presence.entity.AttendanceResponse;
import dev.roomkeeper.rooms.control.IdleSweep;
import dev.roomkeeper.rooms.control.IdleSweepRuns;
import dev.roomkeeper.rooms.control.Invites;
import dev.roomkeeper.rooms.control.Memberships;
import dev.roomkeeper.rooms.control.RoomAccess;
import dev.roomkeeper.rooms.control.RoomDirectory;
import dev.roomkeeper.rooms.entity.AccessChange;
import dev.roomkeeper.rooms.entity.AddMemberRequest;
import dev.roomkeeper.rooms.entity.CreateInviteRequest;
import dev.roomkeeper.rooms.entity.CreateRoomRequest;
import dev.roomkeeper.rooms.entity.CreatedInviteResponse;
import dev.roomkeeper.rooms.entity.IdleSweepRun;
import dev.roomkeeper.rooms.entity.IdleSweepRunResponse;
import dev.roomkeeper.rooms.entity.MemberResponse;
import dev.roomkeeper.rooms.entity.RoomResponse;
import dev.roomkeeper.stream.control.Hub;
import dev.roomkeeper.stream.control.StreamBroker;
import dev.roomkeeper.stream.entity.RoomEvent;
import jakarta.inject.Inject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rooms, members, invites, presence and attendance inside the server: JPA mappings and queries on the server's
 * own data source, the CDI events that carry a change from one feature to the others, and the EJB timers.
 */
@ExtendWith(ArquillianExtension.class)
class RoomsInServerIT {

    @Deployment(name = InServer.NAME)
    static WebArchive deployment() {
        return InServer.war();
    }

    @Inject
    RoomDirectory rooms;

    @Inject
    Memberships members;

    @Inject
    Invites invites;

    @Inject
    RoomAccess access;

    @Inject
    PresenceRegistry presence;

    @Inject
    AttendanceHistory attendance;

    @Inject
    IdleSweep idleSweep;

    @Inject
    IdleSweepRuns idleSweepRuns;

    @Inject
    Hub hub;

    @Inject
    StreamBroker stream;

    @Inject
    AccessChangeRecorder accessChanges;

    @Test
    void membersInvitesAndAttendanceRoundTripThroughTheServersDataSource() {
        RoomResponse room = room();
        members.add(room.slug(), new AddMemberRequest("bob", "presenter"));
        CreatedInviteResponse invite = invites.create(room.slug(), new CreateInviteRequest("observer", 1, null), admin(), true);
        assertEquals(room.id(), invites.redeem(invite.token(), user("carol")).roomId());

        List<MemberResponse> listed = members.list(room.slug(), PageRequest.first()).items();
        assertEquals(List.of("bob:presenter", "carol:observer"),
                listed.stream().map(m -> m.userId() + ":" + m.role()).sorted().toList());

        String session = "tab-" + UUID.randomUUID();
        presence.join(user("bob"), room.slug(), session, 10_000L, null, null);
        presence.leave(room.id(), "bob", session);
        AttendanceResponse record = Eventually.await("the attendance batch written",
                () -> attendance.list(room.id(), AttendanceFilter.ALL, PageRequest.first()).items(),
                items -> items.size() == 1 && items.get(0).leftAt() != null).get(0);
        assertEquals("bob", record.userId());
        assertEquals(session, record.sessionId());
        assertEquals("left", record.leaveReason());
    }

    @Test
    void aRemovedMemberLosesAccessInEveryFeatureRightAfterTheAnnouncement() {
        RoomResponse room = room();
        members.add(room.slug(), new AddMemberRequest("bob", "participant"));
        presence.join(user("bob"), room.slug(), "tab-" + UUID.randomUUID(), 10_000L, null, null);
        try (StreamRecorder events = new StreamRecorder(hub, room.id())) {
            members.remove(room.slug(), "bob");

            Eventually.await("the removal announced and followed", events::types,
                    types -> types.equals(List.of("member.removed", "presence.leave", "room.vacated")));
            RoomEvent removed = events.events.get(0);
            assertEquals(List.of(new AccessChange(room.id(), "bob", AccessChange.Kind.REVOKED, null, removed.seq())),
                    accessChanges.of(room.id()).stream().filter(AccessChange::revokes).toList(),
                    "one typed change, naming the event that announced it");
            assertTrue(events.events.get(1).data().contains("\"reason\":\"kicked\""), events.events.get(1).data());
            assertEquals(403, assertThrows(ProblemException.class, () -> access.resolve(room.id(), user("bob"))).status());
            assertEquals(0, presence.snapshot(room.id()).sessions().size());
        }
    }

    @Test
    void closingARoomEndsItsPresenceThenReleasesItsStream() {
        RoomResponse room = room();
        members.add(room.slug(), new AddMemberRequest("bob", "participant"));
        presence.join(user("bob"), room.slug(), "tab-" + UUID.randomUUID(), 10_000L, null, null);
        try (StreamRecorder events = new StreamRecorder(hub, room.id())) {
            rooms.close(room.slug(), "done", "admin-1");

            Eventually.await("the close announced and followed", events::types,
                    types -> types.equals(List.of("room.closed", "presence.leave", "room.vacated")));
            assertEquals(AccessChange.Kind.ROOM_CLOSED, accessChanges.of(room.id()).get(accessChanges.of(room.id()).size() - 1).kind());
            assertEquals(OptionalLong.empty(), stream.lastEventAt(room.id()), "the stream is released");
            assertEquals(409, assertThrows(ProblemException.class, () -> access.resolve(room.id(), admin())).status());
        }
    }

    @Test
    void thePresenceSweepTimerEndsASessionThatStoppedHeartbeating() {
        RoomResponse room = room();
        members.add(room.slug(), new AddMemberRequest("bob", "participant"));
        try (StreamRecorder events = new StreamRecorder(hub, room.id())) {
            presence.join(user("bob"), room.slug(), "tab-" + UUID.randomUUID(), 1_000L, null, null);

            Eventually.await("the silent session expired", events::types, types -> types.contains("room.vacated"));
            assertEquals(List.of("presence.join", "room.occupied", "presence.leave", "room.vacated"), events.types());
            assertTrue(events.events.get(2).data().contains("\"reason\":\"expired\""), events.events.get(2).data());
        }
    }

    @Test
    void anIdleSweepRunIsRecordedInTheDatabase() {
        IdleSweepRunResponse run = idleSweep.run(IdleSweepRun.Trigger.ADMIN, "admin-1");
        assertEquals("admin", run.trigger());
        assertEquals(run, idleSweepRuns.get(Long.toString(run.id())));
        assertTrue(idleSweepRuns.list(PageRequest.first()).items().contains(run));
    }

    private RoomResponse room() {
        String slug = "in-server-" + UUID.randomUUID().toString().substring(0, 8);
        return rooms.create(new CreateRoomRequest(slug, "In-server " + slug, null), "admin-1");
    }

    private static Caller user(String id) {
        return new Caller(id, id, null, false, Map.of(), null);
    }

    private static Caller admin() {
        return new Caller("admin-1", "Admin", null, true, Map.of(), null);
    }
}
