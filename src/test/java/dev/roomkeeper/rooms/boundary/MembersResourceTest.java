package dev.roomkeeper.rooms.boundary;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.platform.entity.Problem;
import dev.roomkeeper.rooms.control.Memberships;
import dev.roomkeeper.rooms.control.RoomAccess;
import dev.roomkeeper.rooms.entity.Access;
import dev.roomkeeper.rooms.entity.AddMemberRequest;
import dev.roomkeeper.rooms.entity.ChangeRoleRequest;
import dev.roomkeeper.rooms.entity.MemberResponse;
import dev.roomkeeper.platform.entity.Page;
import dev.roomkeeper.platform.entity.PageRequest;
import dev.roomkeeper.auth.entity.Role;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MembersResourceTest {

    private static final String ID = "6f1c2a9e-0b7d-4c1e-9a55-3f2d8c7b1e40";
    private static final Instant T = Instant.parse("2025-03-01T10:00:00Z");
    private static final MemberResponse BOB = new MemberResponse(ID, "bob", "observer", T, T);

    private final List<String> calls = new ArrayList<>();
    private final MembersResource resource = new MembersResource();

    MembersResourceTest() {
        resource.memberships = new Memberships() {
            @Override
            public Page<MemberResponse> list(String roomRef, PageRequest page) {
                calls.add("list " + roomRef + " " + page);
                return new Page<>(List.of(BOB), page.offset(), page.limit(), 1);
            }

            @Override
            public MemberResponse get(String roomRef, String userId) {
                calls.add("get " + roomRef + " " + userId);
                return BOB;
            }

            @Override
            public MemberResponse changeRole(String roomRef, String userId, String role) {
                calls.add("change " + roomRef + " " + userId + " " + role);
                return BOB;
            }

            @Override
            public MemberResponse remove(String roomRef, String userId) {
                calls.add("remove " + roomRef + " " + userId);
                return BOB;
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
    void onlyAdminsAddChangeAndRemoveMembers() {
        resource.security = FakeSecurity.user("bob", Map.of("daily", Role.HOST));

        assertEquals(403, status(() -> resource.add("daily", new AddMemberRequest("carol", "host"))));
        assertEquals(403, status(() -> resource.changeRole("daily", "carol", new ChangeRoleRequest("host"))));
        assertEquals(403, status(() -> resource.remove("daily", "carol")));
        assertTrue(calls.isEmpty());
    }

    @Test
    void adminsChangeAndRemoveMembersOfTheRoomAsNamed() {
        resource.security = FakeSecurity.admin();

        resource.changeRole("daily", "bob", new ChangeRoleRequest("host"));
        resource.remove("daily", "bob");

        assertEquals(List.of("change daily bob host", "remove daily bob"), calls);
    }

    @Test
    void membersListMembersOfTheRoomTheyWereResolvedTo() {
        resource.security = FakeSecurity.user("bob", Map.of("daily", Role.OBSERVER));

        resource.list("daily", "0", "5");
        resource.get("daily", "bob");

        assertEquals(List.of("resolve daily bob", "list " + ID + " " + new PageRequest(0, 5),
                "resolve daily bob", "get " + ID + " bob"), calls);
    }

    @Test
    void adminsListWithoutAnAccessCheckAndOthersAreRefused() {
        resource.security = FakeSecurity.admin();
        resource.list("daily", null, null);
        assertEquals(List.of("list daily " + PageRequest.first()), calls);

        resource.security = FakeSecurity.user("eve", Map.of());
        assertEquals(403, status(() -> resource.list("daily", null, null)));
        assertEquals(401, status(() -> {
            resource.security = FakeSecurity.nobody();
            resource.get("daily", "bob");
        }));
    }

    @Test
    void listRejectsAnInvalidLimitByName() {
        resource.security = FakeSecurity.admin();

        ProblemException invalid = assertThrows(ProblemException.class, () -> resource.list("daily", null, "500"));

        assertEquals("limit", invalid.errors().get(0).field());
    }

    @Test
    void addAndChangeRoleNeedABodyWithValidFields() {
        resource.security = FakeSecurity.admin();
        List<Problem.FieldError> noBody = List.of(new Problem.FieldError("body", "a JSON body is required"));

        assertEquals(noBody, assertThrows(ProblemException.class, () -> resource.add("daily", null)).errors());
        assertEquals(noBody, assertThrows(ProblemException.class, () -> resource.changeRole("daily", "bob", null)).errors());

        ProblemException badAdd = assertThrows(ProblemException.class,
                () -> resource.add("daily", new AddMemberRequest(" ", "owner")));
        assertEquals(400, badAdd.status());
        assertEquals(List.of("userId", "role"), badAdd.errors().stream().map(Problem.FieldError::field).toList());

        ProblemException badRole = assertThrows(ProblemException.class,
                () -> resource.changeRole("daily", "bob", new ChangeRoleRequest("admin")));
        assertEquals(List.of(new Problem.FieldError("role", Role.RULE)), badRole.errors());
        assertTrue(calls.isEmpty());
    }
}
