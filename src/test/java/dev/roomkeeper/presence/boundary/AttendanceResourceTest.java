package dev.roomkeeper.presence.boundary;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.platform.entity.Problem;
import dev.roomkeeper.presence.control.AttendanceHistory;
import dev.roomkeeper.presence.entity.AttendanceFilter;
import dev.roomkeeper.presence.entity.AttendanceResponse;
import dev.roomkeeper.presence.entity.AttendanceTotalResponse;
import dev.roomkeeper.rooms.control.RoomAccess;
import dev.roomkeeper.rooms.control.RoomDirectory;
import dev.roomkeeper.rooms.entity.Access;
import dev.roomkeeper.platform.entity.Page;
import dev.roomkeeper.platform.entity.PageRequest;
import dev.roomkeeper.auth.entity.Role;
import dev.roomkeeper.rooms.entity.RoomResponse;
import jakarta.ws.rs.core.SecurityContext;
import org.junit.jupiter.api.Test;

import java.security.Principal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AttendanceResourceTest {

    private static final String ID = "6f1c2a9e-0b7d-4c1e-9a55-3f2d8c7b1e40";
    private static final Instant T = Instant.parse("2025-03-01T10:00:00Z");

    private final List<String> calls = new ArrayList<>();
    private final AttendanceResource resource = new AttendanceResource();

    AttendanceResourceTest() {
        resource.history = new AttendanceHistory() {
            @Override
            public Page<AttendanceResponse> list(String roomId, AttendanceFilter filter, PageRequest page) {
                calls.add("list " + roomId + " " + filter + " " + page);
                return new Page<>(List.of(), page.offset(), page.limit(), 0);
            }

            @Override
            public Page<AttendanceTotalResponse> totals(String roomId, PageRequest page) {
                calls.add("totals " + roomId + " " + page);
                return new Page<>(List.of(), page.offset(), page.limit(), 0);
            }
        };
        resource.directory = new RoomDirectory() {
            @Override
            public RoomResponse get(String ref) {
                calls.add("get " + ref);
                if (!ref.equals("daily")) {
                    throw ProblemException.notFound("No room named \"" + ref + "\".");
                }
                // closed: admins still read its attendance
                return new RoomResponse(ID, "daily", "Daily", "huddle", "closed", "ann", T, T, T, null, "ann");
            }
        };
        resource.access = new RoomAccess() {
            @Override
            public Access resolve(String roomRef, Caller caller) {
                calls.add("resolve " + roomRef + " " + caller.userId());
                Role role = caller.roomGrants().get(roomRef);
                if (role == null) {
                    throw ProblemException.forbidden("You are not a member of this room.");
                }
                return new Access(ID, roomRef, role);
            }
        };
    }

    private static SecurityContext as(Caller caller) {
        return new SecurityContext() {
            @Override
            public Principal getUserPrincipal() {
                return caller;
            }

            @Override
            public boolean isUserInRole(String role) {
                return caller != null && caller.admin() && "admin".equals(role);
            }

            @Override
            public boolean isSecure() {
                return true;
            }

            @Override
            public String getAuthenticationScheme() {
                return "Bearer";
            }
        };
    }

    private static SecurityContext admin() {
        return as(new Caller("root", null, null, true, Map.of(), Instant.MAX));
    }

    private static SecurityContext user(Role role) {
        return as(new Caller("bob", null, null, false, role == null ? Map.of() : Map.of("daily", role), Instant.MAX));
    }

    private ProblemException problem(Runnable call) {
        return assertThrows(ProblemException.class, call::run);
    }

    @Test
    void adminsReadAnyRoomClosedOnesIncluded() {
        resource.security = admin();

        resource.list("daily", null, null, null, null, null);
        resource.totals("daily", "10", "5");

        assertEquals(List.of("get daily", "list " + ID + " " + AttendanceFilter.ALL + " " + PageRequest.first(),
                "get daily", "totals " + ID + " " + new PageRequest(10, 5)), calls);
    }

    @Test
    void hostsReadTheirOwnRoom() {
        resource.security = user(Role.HOST);

        resource.list("daily", "0", "20", "carol", null, null);

        assertEquals(List.of("resolve daily bob",
                "list " + ID + " " + new AttendanceFilter("carol", null, null) + " " + new PageRequest(0, 20)), calls);
    }

    @Test
    void otherMembersAndStrangersAreForbidden() {
        for (Role role : new Role[]{Role.PRESENTER, Role.PARTICIPANT, Role.OBSERVER, null}) {
            resource.security = user(role);
            assertEquals(403, problem(() -> resource.list("daily", null, null, null, null, null)).status());
            assertEquals(403, problem(() -> resource.totals("daily", null, null)).status());
        }
        assertEquals(List.of(), calls.stream().filter(call -> !call.startsWith("resolve")).toList());
    }

    @Test
    void noCallerIsUnauthorized() {
        resource.security = as(null);

        assertEquals(401, problem(() -> resource.totals("daily", null, null)).status());
        assertEquals(List.of(), calls);
    }

    @Test
    void anUnknownRoomIsNotFound() {
        resource.security = admin();

        assertEquals(404, problem(() -> resource.list("nope", null, null, null, null, null)).status());
    }

    @Test
    void invalidParametersAreOneProblemNamingEachField() {
        resource.security = admin();

        ProblemException problem = problem(() -> resource.list("daily", "-1", "500", "u".repeat(200), "today", "x"));

        assertEquals(400, problem.status());
        assertEquals(List.of("offset", "limit", "userId", "from", "to"),
                problem.errors().stream().map(Problem.FieldError::field).toList());
        assertEquals(List.of("limit"), problem(() -> resource.totals("daily", null, "0")).errors().stream()
                .map(Problem.FieldError::field).toList());
        assertEquals(List.of("get daily", "get daily"), calls);
    }
}
