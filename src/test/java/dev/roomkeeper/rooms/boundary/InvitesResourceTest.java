package dev.roomkeeper.rooms.boundary;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.rooms.control.Invites;
import dev.roomkeeper.rooms.entity.CreateInviteRequest;
import dev.roomkeeper.rooms.entity.CreatedInviteResponse;
import dev.roomkeeper.rooms.entity.InvitePreviewResponse;
import dev.roomkeeper.rooms.entity.InviteResponse;
import dev.roomkeeper.platform.entity.Page;
import dev.roomkeeper.platform.entity.PageRequest;
import dev.roomkeeper.rooms.entity.RedemptionResponse;
import dev.roomkeeper.auth.entity.Role;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The invite resources only check who calls and what they sent, then delegate to {@link Invites}. A successful
 * create builds a JAX-RS {@code Response}, which needs a JAX-RS runtime: that path is left to the ITs.
 */
class InvitesResourceTest {

    private static final String ID = "6f1c2a9e-0b7d-4c1e-9a55-3f2d8c7b1e40";
    private static final Instant T = Instant.parse("2025-03-01T10:00:00Z");
    private static final CreatedInviteResponse CREATED =
            new CreatedInviteResponse("inv-1", "t".repeat(43), ID, "daily", "participant", null, 0, null, "hana", T);
    private static final RedemptionResponse REDEEMED = new RedemptionResponse(ID, "daily", "participant", false);
    private static final InvitePreviewResponse PREVIEW =
            new InvitePreviewResponse(true, null, null, "daily", "Daily", "participant", null, 0, null, T,
                    T.plusSeconds(3600));

    private final List<String> calls = new ArrayList<>();
    private final InvitesResource invitesResource = new InvitesResource();
    private final InviteRedemptionsResource redemptions = new InviteRedemptionsResource();

    InvitesResourceTest() {
        Invites invites = new Invites() {
            @Override
            public CreatedInviteResponse create(String roomRef, CreateInviteRequest request, Caller caller, boolean admin) {
                calls.add("create " + roomRef + " " + request + " " + caller.userId() + " " + admin);
                return CREATED;
            }

            @Override
            public Page<InviteResponse> list(String roomRef, PageRequest page, Caller caller, boolean admin) {
                calls.add("list " + roomRef + " " + page + " " + caller.userId() + " " + admin);
                return new Page<>(List.of(), page.offset(), page.limit(), 0);
            }

            @Override
            public void revoke(String roomRef, String inviteId, Caller caller, boolean admin) {
                calls.add("revoke " + roomRef + " " + inviteId + " " + caller.userId() + " " + admin);
            }

            @Override
            public RedemptionResponse redeem(String token, Caller caller) {
                calls.add("redeem " + caller.userId());
                return REDEEMED;
            }

            @Override
            public InvitePreviewResponse preview(String token, Caller caller) {
                calls.add("preview " + caller.userId());
                return PREVIEW;
            }
        };
        invitesResource.invites = invites;
        redemptions.invites = invites;
    }

    private int status(Runnable call) {
        return assertThrows(ProblemException.class, call::run).status();
    }

    @Test
    void invalidFieldsAreRefusedBeforeAnythingIsCreated() {
        invitesResource.security = FakeSecurity.admin();

        ProblemException invalid = assertThrows(ProblemException.class,
                () -> invitesResource.create("daily", new CreateInviteRequest("owner", 0, "soon")));

        assertEquals(List.of("role", "maxUses", "expiresAt"), invalid.errors().stream().map(e -> e.field()).toList());
        assertTrue(calls.isEmpty());
    }

    @Test
    void listAndRevokePassTheCallerAndWhetherTheyAreAnAdmin() {
        invitesResource.security = FakeSecurity.user("hana", Map.of("daily", Role.HOST));
        invitesResource.list("daily", "10", "5");
        invitesResource.security = FakeSecurity.admin();
        invitesResource.revoke("daily", "inv-1");

        assertEquals(List.of("list daily " + new PageRequest(10, 5) + " hana false", "revoke daily inv-1 root true"),
                calls);
        assertEquals(400, status(() -> invitesResource.list("daily", "-1", null)));
    }

    @Test
    void everyInviteCallNeedsAnAuthenticatedCaller() {
        invitesResource.security = FakeSecurity.nobody();
        redemptions.security = FakeSecurity.nobody();

        assertEquals(401, status(() -> invitesResource.create("daily", null)));
        assertEquals(401, status(() -> invitesResource.list("daily", null, null)));
        assertEquals(401, status(() -> invitesResource.get("daily", "inv-1")));
        assertEquals(401, status(() -> invitesResource.revoke("daily", "inv-1")));
        assertEquals(401, status(() -> redemptions.redeem("t".repeat(43))));
        assertEquals(401, status(() -> redemptions.preview("t".repeat(43))));
        assertTrue(calls.isEmpty());
    }

    @Test
    void anyAuthenticatedUserChecksAndRedeemsALink() {
        redemptions.security = FakeSecurity.user("nora", Map.of());

        assertSame(PREVIEW, redemptions.preview("t".repeat(43)));
        assertSame(REDEEMED, redemptions.redeem("t".repeat(43)));

        assertEquals(List.of("preview nora", "redeem nora"), calls);
    }
}
