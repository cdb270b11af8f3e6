package dev.roomkeeper.rooms.boundary;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.platform.entity.Problem;
import dev.roomkeeper.rooms.control.RoomAccess;
import dev.roomkeeper.rooms.control.RoomDirectory;
import dev.roomkeeper.rooms.entity.Access;
import dev.roomkeeper.rooms.entity.CloseRoomRequest;
import dev.roomkeeper.rooms.entity.CreateRoomRequest;
import dev.roomkeeper.platform.entity.Page;
import dev.roomkeeper.platform.entity.PageRequest;
import dev.roomkeeper.auth.entity.Role;
import dev.roomkeeper.rooms.entity.RoomFilter;
import dev.roomkeeper.rooms.entity.RoomResponse;
import dev.roomkeeper.rooms.entity.RoomState;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoomsResourceTest {

    private static final String ID = "6f1c2a9e-0b7d-4c1e-9a55-3f2d8c7b1e40";
    private static final Instant T = Instant.parse("2025-03-01T10:00:00Z");
    private static final RoomResponse ROOM = new RoomResponse(ID, "daily", "Daily", "huddle", "open", "root", T, T,
            null, null, null);

    private final List<String> calls = new ArrayList<>();
    private final RoomsResource resource = new RoomsResource();

    RoomsResourceTest() {
        resource.directory = new RoomDirectory() {
            @Override
            public RoomResponse get(String ref) {
                calls.add("get " + ref);
                return ROOM;
            }

            @Override
            public Page<RoomResponse> list(PageRequest page, RoomFilter filter) {
                calls.add("list " + page + " " + filter);
                return new Page<>(List.of(ROOM), page.offset(), page.limit(), 1);
            }

            @Override
            public RoomResponse close(String ref, String reason, String closedBy) {
                calls.add("close " + ref + " " + reason + " by " + closedBy);
                return ROOM;
            }
        };
        resource.access = new RoomAccess() {
            @Override
            public Access resolve(String roomRef, Caller caller) {
                calls.add("resolve " + roomRef + " " + caller.userId());
                if (caller.roomGrants().isEmpty()) {
                    throw ProblemException.forbidden("You are not a member of this room.");
                }
                return new Access(ID, "daily", Role.OBSERVER);
            }
        };
    }

    private int status(Runnable call) {
        return assertThrows(ProblemException.class, call::run).status();
    }

    @Test
    void onlyAdminsCreateListAndCloseRooms() {
        resource.security = FakeSecurity.user("bob", Map.of("daily", Role.HOST));

        assertEquals(403, status(() -> resource.create(new CreateRoomRequest(null, "Daily", null))));
        assertEquals(403, status(() -> resource.list(null, null, null, null)));
        assertEquals(403, status(() -> resource.close("daily", null)));
        assertTrue(calls.isEmpty());
    }

    @Test
    void callsWithoutACallerAreUnauthorized() {
        resource.security = FakeSecurity.nobody();

        assertEquals(401, status(() -> resource.list(null, null, null, null)));
        assertEquals(401, status(() -> resource.get("daily")));
    }

    @Test
    void listPassesPagingAndFilters() {
        resource.security = FakeSecurity.admin();

        Page<RoomResponse> page = resource.list("10", "20", "closed", "talk");

        assertEquals(List.of("list " + new PageRequest(10, 20) + " " + new RoomFilter(RoomState.CLOSED, "talk")), calls);
        assertEquals(10, page.offset());
    }

    @Test
    void listRejectsInvalidQueryParametersNamingEachOne() {
        resource.security = FakeSecurity.admin();

        ProblemException invalid = assertThrows(ProblemException.class, () -> resource.list("x", "0", "gone", "A B"));

        assertEquals(400, invalid.status());
        assertEquals(List.of("offset", "limit", "state", "kind"),
                invalid.errors().stream().map(Problem.FieldError::field).toList());
        assertTrue(calls.isEmpty());
    }

    @Test
    void adminsGetAnyRoomWithoutAnAccessCheck() {
        resource.security = FakeSecurity.admin();

        assertEquals(ROOM, resource.get("daily"));
        assertEquals(List.of("get daily"), calls);
    }

    @Test
    void othersGetARoomOnlyThroughRoomAccess() {
        resource.security = FakeSecurity.user("bob", Map.of("daily", Role.OBSERVER));
        assertEquals(ROOM, resource.get("daily"));
        assertEquals(List.of("resolve daily bob", "get " + ID), calls);

        resource.security = FakeSecurity.user("eve", Map.of());
        assertEquals(403, status(() -> resource.get("daily")));
    }

    @Test
    void closeTakesTheReasonFromAnOptionalBody() {
        resource.security = FakeSecurity.admin();

        resource.close("daily", null);
        resource.close("daily", new CloseRoomRequest("done"));

        assertEquals(List.of("close daily null by root", "close daily done by root"), calls);
    }

    @Test
    void createNeedsABodyWithValidFields() {
        resource.security = FakeSecurity.admin();

        ProblemException missing = assertThrows(ProblemException.class, () -> resource.create(null));
        assertEquals(400, missing.status());
        assertEquals(List.of(new Problem.FieldError("body", "a JSON body is required")), missing.errors());

        ProblemException invalid = assertThrows(ProblemException.class,
                () -> resource.create(new CreateRoomRequest("Not A Slug!", "", null)));
        assertEquals(400, invalid.status());
        assertEquals(List.of("slug", "title"), invalid.errors().stream().map(Problem.FieldError::field).toList());
        assertTrue(calls.isEmpty());
    }

    @Test
    void closeRejectsAnOverlongReason() {
        resource.security = FakeSecurity.admin();

        ProblemException invalid = assertThrows(ProblemException.class,
                () -> resource.close("daily", new CloseRoomRequest("r".repeat(201))));

        assertEquals(400, invalid.status());
        assertEquals(List.of("reason"), invalid.errors().stream().map(Problem.FieldError::field).toList());
        assertTrue(calls.isEmpty());
    }
}
