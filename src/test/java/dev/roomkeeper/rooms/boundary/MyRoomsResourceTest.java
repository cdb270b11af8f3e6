package dev.roomkeeper.rooms.boundary;

import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.rooms.control.RoomDirectory;
import dev.roomkeeper.platform.entity.Page;
import dev.roomkeeper.platform.entity.PageRequest;
import dev.roomkeeper.auth.entity.Role;
import dev.roomkeeper.rooms.entity.RoomFilter;
import dev.roomkeeper.rooms.entity.RoomResponse;
import dev.roomkeeper.rooms.entity.RoomState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MyRoomsResourceTest {

    private final List<String> calls = new ArrayList<>();
    private final MyRoomsResource resource = new MyRoomsResource();

    MyRoomsResourceTest() {
        resource.directory = new RoomDirectory() {
            @Override
            public Page<RoomResponse> listForMember(String userId, Collection<String> grantedRefs, PageRequest page,
                                                    RoomFilter filter) {
                calls.add(userId + " " + new TreeSet<>(grantedRefs) + " " + page + " " + filter);
                return new Page<>(List.of(), page.offset(), page.limit(), 0);
            }
        };
    }

    @Test
    void anyCallerListsTheirMembershipsAndTokenGrants() {
        resource.security = FakeSecurity.user("bob", Map.of("daily", Role.HOST, "weekly", Role.OBSERVER));

        resource.list(null, "10", "open", null);

        assertEquals(List.of("bob [daily, weekly] " + new PageRequest(0, 10) + " " + new RoomFilter(RoomState.OPEN, null)),
                calls);
    }

    @Test
    void withoutACallerItIsUnauthorizedAndBadParametersAreRejected() {
        resource.security = FakeSecurity.nobody();
        assertEquals(401, assertThrows(ProblemException.class, () -> resource.list(null, null, null, null)).status());

        resource.security = FakeSecurity.user("bob", Map.of());
        assertEquals(400, assertThrows(ProblemException.class, () -> resource.list("-5", null, null, null)).status());
    }
}
