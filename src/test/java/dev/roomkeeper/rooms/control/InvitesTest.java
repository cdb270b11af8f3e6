package dev.roomkeeper.rooms.control;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.platform.entity.Problem;
import dev.roomkeeper.rooms.entity.AddMemberRequest;
import dev.roomkeeper.rooms.entity.CreateInviteRequest;
import dev.roomkeeper.rooms.entity.CreateRoomRequest;
import dev.roomkeeper.rooms.entity.CreatedInviteResponse;
import dev.roomkeeper.rooms.entity.InvitePreviewResponse;
import dev.roomkeeper.rooms.entity.InviteResponse;
import dev.roomkeeper.platform.entity.Page;
import dev.roomkeeper.platform.entity.PageRequest;
import dev.roomkeeper.rooms.entity.RedemptionResponse;
import dev.roomkeeper.auth.entity.Role;
import dev.roomkeeper.rooms.entity.RoomChange;
import dev.roomkeeper.rooms.entity.RoomResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InvitesTest {

    private static final Caller ROOT = caller("root", true, Map.of());
    private static final Caller HANA = caller("hana", false, Map.of());
    private static final Caller PETE = caller("pete", false, Map.of());
    private static final Caller NORA = caller("nora", false, Map.of());
    private static final Caller OLGA = caller("olga", false, Map.of());

    private final Rooms rooms = new Rooms();
    private RoomResponse room;

    @BeforeEach
    void room() {
        room = rooms.tx(() -> rooms.directory.create(new CreateRoomRequest("lobby", "The Lobby", null), "root"));
        member("hana", "host");
        member("pete", "participant");
        rooms.changes.fired.clear();
    }

    @AfterEach
    void close() {
        rooms.close();
    }

    private static Caller caller(String userId, boolean admin, Map<String, Role> grants) {
        return new Caller(userId, null, null, admin, grants, Instant.MAX);
    }

    private void member(String userId, String role) {
        rooms.tx(() -> rooms.memberships.add("lobby", new AddMemberRequest(userId, role)));
    }

    private CreatedInviteResponse create(Caller caller, String role, Integer maxUses, String expiresAt) {
        return rooms.tx(() -> rooms.invites.create("lobby", new CreateInviteRequest(role, maxUses, expiresAt),
                caller, caller.admin()));
    }

    private CreatedInviteResponse invite() {
        return create(HANA, null, null, null);
    }

    private RedemptionResponse redeem(String token, Caller caller) {
        return rooms.tx(() -> rooms.invites.redeem(token, caller));
    }

    private InviteResponse stored(String inviteId) {
        return rooms.invites.get("lobby", inviteId, ROOT, true);
    }

    private static ProblemException problem(Executable call) {
        return assertThrows(ProblemException.class, call);
    }

    private static void assertRefused(String type, String message, Executable call) {
        ProblemException refused = problem(call);
        assertEquals(410, refused.status());
        assertEquals(type, refused.type());
        assertEquals(message, refused.getMessage());
    }

    @Test
    void aHostCreatesAParticipantInviteByDefaultAndOnlyItsHashIsStored() {
        CreatedInviteResponse created = rooms.tx(() -> rooms.invites.create("lobby", null, HANA, false));

        assertEquals("participant", created.role());
        assertNull(created.maxUses());
        assertNull(created.expiresAt());
        assertEquals(0, created.uses());
        assertEquals("hana", created.createdBy());
        assertEquals(room.id(), created.roomId());
        assertEquals("lobby", created.roomSlug());
        assertTrue(InviteTokens.isWellFormed(created.token()));
        assertFalse(created.toString().contains(created.token()));
        String column = rooms.session.createNativeQuery("select token_hash from invite", String.class).getSingleResult();
        assertEquals(InviteTokens.hash(created.token()), column);
    }

    @Test
    void createKeepsTheLimitsAskedFor() {
        Instant expiry = rooms.now().plus(Duration.ofDays(2));

        CreatedInviteResponse created = create(HANA, " Observer ", 3, expiry.toString());

        assertEquals("observer", created.role());
        assertEquals(3, created.maxUses());
        assertEquals(expiry, created.expiresAt());
        assertEquals(created.expiresAt(), stored(created.id()).expiresAt());
    }

    @Test
    void onlyHostsAndAdminsManageInvites() {
        String id = invite().id();

        assertEquals(403, problem(() -> create(PETE, null, null, null)).status());
        assertEquals(403, problem(() -> rooms.invites.list("lobby", null, PETE, false)).status());
        assertEquals(403, problem(() -> rooms.invites.get("lobby", id, PETE, false)).status());
        assertEquals(403, problem(() -> rooms.run(() -> rooms.invites.revoke("lobby", id, PETE, false))).status());
        assertEquals(403, problem(() -> create(NORA, null, null, null)).status());
        assertEquals(401, problem(() -> rooms.invites.list("lobby", null, null, false)).status());

        assertEquals("root", create(ROOT, null, null, null).createdBy());
        Caller grantedHost = caller("gina", false, Map.of("lobby", Role.HOST));
        assertEquals("gina", create(grantedHost, null, null, null).createdBy());
    }

    @Test
    void onlyAdminsCreateInvitesThatMakeHosts() {
        ProblemException refused = problem(() -> create(HANA, "host", null, null));

        assertEquals(403, refused.status());
        assertEquals("Only admins can create invites that make people hosts.", refused.getMessage());
        assertEquals("host", create(ROOT, "host", null, null).role());
        assertEquals("presenter", create(HANA, "presenter", null, null).role());
    }

    @Test
    void theExpiryMustBeInTheFutureAndWithinTheLongestLifetime() {
        Instant now = rooms.now();

        assertEquals(List.of(new Problem.FieldError("expiresAt", "must be in the future")),
                problem(() -> create(HANA, null, null, now.toString())).errors());
        assertEquals(List.of(new Problem.FieldError("expiresAt", "must be at most 30 days from now")),
                problem(() -> create(HANA, null, null, now.plus(Duration.ofDays(30)).plusSeconds(1).toString())).errors());
        assertNotNull(create(HANA, null, null, now.plus(Duration.ofDays(30)).toString()));

        rooms.invites.maxTtl = Duration.ofHours(12);
        assertEquals(List.of(new Problem.FieldError("expiresAt", "must be at most 12 hours from now")),
                problem(() -> create(HANA, null, null, now.plus(Duration.ofDays(1)).toString())).errors());
    }

    @Test
    void createReportsEveryInvalidField() {
        ProblemException invalid = problem(() -> create(HANA, "owner", 0, "tomorrow"));

        assertEquals(400, invalid.status());
        assertEquals(List.of("role", "maxUses", "expiresAt"),
                invalid.errors().stream().map(Problem.FieldError::field).toList());
    }

    @Test
    void noInvitesAreCreatedForAClosedOrUnknownRoom() {
        rooms.tx(() -> rooms.directory.close("lobby", null, "admin-1"));

        assertEquals("room-closed", problem(() -> create(ROOT, null, null, null)).type());
        assertEquals("room-closed", problem(() -> create(HANA, null, null, null)).type());
        assertEquals(404, problem(() -> rooms.tx(() -> rooms.invites.create("nowhere", null, ROOT, true))).status());
    }

    @Test
    void listAnswersNewestFirstOnePageAtATime() {
        String first = invite().id();
        rooms.tick(Duration.ofSeconds(1));
        String second = invite().id();
        rooms.tick(Duration.ofSeconds(1));
        String third = invite().id();

        Page<InviteResponse> page = rooms.invites.list(room.id(), new PageRequest(0, 2), HANA, false);
        Page<InviteResponse> rest = rooms.invites.list("lobby", new PageRequest(2, 2), ROOT, true);

        assertEquals(List.of(third, second), page.items().stream().map(InviteResponse::id).toList());
        assertEquals(List.of(first), rest.items().stream().map(InviteResponse::id).toList());
        assertEquals(3, page.total());
    }

    @Test
    void revokingIsIdempotentAndLimitedToTheRoomsOwnInvites() {
        String id = invite().id();
        Instant revokedAt = rooms.now();

        rooms.run(() -> rooms.invites.revoke("lobby", id, HANA, false));
        rooms.tick(Duration.ofMinutes(1));
        rooms.run(() -> rooms.invites.revoke("lobby", id, HANA, false));

        assertEquals(revokedAt, stored(id).revokedAt());
        RoomResponse other = rooms.tx(() -> rooms.directory.create(new CreateRoomRequest("other", "Other", null), "root"));
        assertEquals(404, problem(() -> rooms.run(() -> rooms.invites.revoke(other.id(), id, ROOT, true))).status());
        assertEquals(404, problem(() -> rooms.run(() -> rooms.invites.revoke("lobby", "no-such-id", ROOT, true))).status());
    }

    @Test
    void adminsStillRevokeInAClosedRoom() {
        String id = invite().id();
        rooms.tx(() -> rooms.directory.close("lobby", null, "admin-1"));

        rooms.run(() -> rooms.invites.revoke("lobby", id, ROOT, true));

        assertNotNull(stored(id).revokedAt());
    }

    @Test
    void redeemingMakesANewcomerAMemberAnnouncesItAndCountsAUse() {
        CreatedInviteResponse invite = create(HANA, "observer", 2, null);

        RedemptionResponse joined = redeem(invite.token(), NORA);

        assertEquals(new RedemptionResponse(room.id(), "lobby", "observer", false), joined);
        assertEquals(Optional.of(Role.OBSERVER), rooms.memberships.roleOf(room.id(), "nora"));
        assertEquals(List.of(new RoomChange.MemberAdded(room.id(), "nora", Role.OBSERVER)), rooms.changes.fired);
        assertEquals(1, stored(invite.id()).uses());
    }

    @Test
    void aMemberInAStrongerOrEqualRoleKeepsItAndCountsNoUse() {
        CreatedInviteResponse invite = create(HANA, "participant", 1, null);

        assertEquals(new RedemptionResponse(room.id(), "lobby", "host", true), redeem(invite.token(), HANA));
        assertEquals(new RedemptionResponse(room.id(), "lobby", "participant", true), redeem(invite.token(), PETE));

        assertEquals(Optional.of(Role.HOST), rooms.memberships.roleOf(room.id(), "hana"));
        assertEquals(0, stored(invite.id()).uses());
        assertEquals(List.of(), rooms.changes.fired);
    }

    @Test
    void aMemberInAWeakerRoleIsRaisedToTheInvitesRoleAndThatCountsAUse() {
        CreatedInviteResponse invite = create(HANA, "presenter", null, null);

        assertEquals(new RedemptionResponse(room.id(), "lobby", "presenter", true), redeem(invite.token(), PETE));

        assertEquals(Optional.of(Role.PRESENTER), rooms.memberships.roleOf(room.id(), "pete"));
        assertEquals(List.of(new RoomChange.MemberRoleChanged(room.id(), "pete", Role.PRESENTER)), rooms.changes.fired);
        assertEquals(1, stored(invite.id()).uses());
    }

    @Test
    void someoneGrantedAStrongerRoleByTheirTokenIsNotDemotedByAMembership() {
        CreatedInviteResponse invite = invite();
        Caller grantedHost = caller("gina", false, Map.of(room.id(), Role.HOST));
        Caller grantedObserver = caller("otto", false, Map.of("lobby", Role.OBSERVER));

        assertEquals(new RedemptionResponse(room.id(), "lobby", "host", true), redeem(invite.token(), grantedHost));
        assertEquals(new RedemptionResponse(room.id(), "lobby", "participant", false),
                redeem(invite.token(), grantedObserver));

        assertEquals(Optional.empty(), rooms.memberships.roleOf(room.id(), "gina"));
        assertEquals(Optional.of(Role.PARTICIPANT), rooms.memberships.roleOf(room.id(), "otto"));
        assertEquals(1, stored(invite.id()).uses());
    }

    @Test
    void unknownAndMalformedTokensAreNotFoundWithoutEchoingThem() {
        String unknown = InviteTokens.generate();

        for (String token : new String[] {unknown, "short", null, unknown + "x"}) {
            ProblemException missing = problem(() -> redeem(token, NORA));
            assertEquals(404, missing.status());
            assertEquals("invite-not-found", missing.type());
            assertFalse(missing.getMessage().contains(unknown));
            assertEquals("invite-not-found", problem(() -> rooms.invites.preview(token, NORA)).type());
        }
    }

    @Test
    void aRevokedInviteIsRefused() {
        CreatedInviteResponse invite = invite();
        rooms.run(() -> rooms.invites.revoke("lobby", invite.id(), HANA, false));

        assertRefused("invite-revoked", "This invitation link was revoked.", () -> redeem(invite.token(), NORA));
        assertEquals(Optional.empty(), rooms.memberships.roleOf(room.id(), "nora"));
    }

    @Test
    void anInviteToAClosedRoomIsRefused() {
        CreatedInviteResponse invite = invite();
        rooms.tx(() -> rooms.directory.close("lobby", "done", "admin-1"));

        assertRefused("room-closed", "This invitation link no longer works: the room is closed.",
                () -> redeem(invite.token(), NORA));
    }

    @Test
    void anInvitePastItsExpiryIsRefused() {
        CreatedInviteResponse invite = create(HANA, null, null, rooms.now().plusSeconds(60).toString());
        rooms.tick(Duration.ofSeconds(30));
        redeem(invite.token(), NORA);

        rooms.tick(Duration.ofSeconds(30));

        assertRefused("invite-expired", "This invitation link has expired.", () -> redeem(invite.token(), OLGA));
    }

    @Test
    void aUsedUpInviteIsRefusedToNewcomersButStillLetsInThoseWhoJoinedWithIt() {
        CreatedInviteResponse invite = create(HANA, null, 1, null);
        redeem(invite.token(), NORA);

        assertRefused("invite-used-up", "This invitation link has been used the maximum number of times.",
                () -> redeem(invite.token(), OLGA));
        assertEquals(new RedemptionResponse(room.id(), "lobby", "participant", true), redeem(invite.token(), NORA));
        assertEquals(1, stored(invite.id()).uses());
    }

    @Test
    void anInviteToARoomIdleForLongerThanTheWindowIsRefusedUntilTheRoomIsActiveAgain() {
        CreatedInviteResponse invite = invite();
        rooms.tick(Duration.ofHours(1));
        assertEquals("participant", redeem(invite.token(), NORA).role());

        rooms.tick(Duration.ofHours(1).plusSeconds(1));

        assertRefused("room-inactive",
                "This invitation link has expired: the room has been inactive for over 1 hour.",
                () -> redeem(invite.token(), OLGA));
        rooms.activity.touch(room.id(), rooms.now());
        assertEquals("participant", redeem(invite.token(), OLGA).role());
    }

    @Test
    void theInactivityRefusalWordsTheConfiguredWindow() {
        CreatedInviteResponse invite = invite();
        rooms.activity.window = Duration.ofMinutes(90);
        rooms.tick(Duration.ofMinutes(91));

        assertRefused("room-inactive",
                "This invitation link has expired: the room has been inactive for over 90 minutes.",
                () -> redeem(invite.token(), NORA));
    }

    @Test
    void creatingAnInviteCountsAsActivitySoANewLinkWorksInAnOldRoom() {
        rooms.tick(Duration.ofDays(2));
        assertTrue(rooms.idle(room.id()));

        CreatedInviteResponse invite = invite();

        assertEquals("participant", redeem(invite.token(), NORA).role());
    }

    @Test
    void thePreviewSaysWhetherTheLinkWorksAndWhyNotWithoutRedeemingAndWhenTheRoomGoesIdle() {
        rooms.tick(Duration.ofMinutes(10));
        CreatedInviteResponse invite = create(HANA, "observer", 5, null);
        Instant created = rooms.now();

        InvitePreviewResponse fine = rooms.invites.preview(invite.token(), NORA);
        assertEquals(new InvitePreviewResponse(true, null, null, "lobby", "The Lobby", "observer", null, 0, 5,
                created, created.plus(Duration.ofHours(1))), fine, "creating the invite was the last activity");
        assertEquals(Optional.empty(), rooms.memberships.roleOf(room.id(), "nora"));

        rooms.tick(Duration.ofHours(2));
        InvitePreviewResponse idle = rooms.invites.preview(invite.token(), NORA);
        assertFalse(idle.valid());
        assertEquals("room-inactive", idle.reason());
        assertEquals("This invitation link has expired: the room has been inactive for over 1 hour.", idle.message());
        assertEquals(created.plus(Duration.ofHours(1)), idle.inactiveAt());
        assertEquals(0, stored(invite.id()).uses());
    }

    @Test
    void aConcurrentRedemptionWaitsForTheFirstAndFindsTheLastUseTaken() throws Exception {
        CreatedInviteResponse invite = create(HANA, null, 1, null);
        try (Rooms second = rooms.another()) {
            rooms.session.getTransaction().begin();
            assertEquals("participant", rooms.invites.redeem(invite.token(), NORA).role());

            CompletableFuture<RedemptionResponse> racing = CompletableFuture.supplyAsync(() -> second.tx(() -> {
                second.session.doWork(connection -> connection.createStatement().execute("SET LOCK_TIMEOUT 20000"));
                return second.invites.redeem(invite.token(), OLGA);
            }));
            assertThrows(TimeoutException.class, () -> racing.get(300, TimeUnit.MILLISECONDS),
                    "the second redemption must wait for the lock on the invite");
            rooms.session.getTransaction().commit();
            rooms.session.clear();

            ExecutionException failed = assertThrows(ExecutionException.class, () -> racing.get(20, TimeUnit.SECONDS));
            ProblemException refused = assertInstanceOf(ProblemException.class, failed.getCause());
            assertEquals("invite-used-up", refused.type());
        }
        assertEquals(1, stored(invite.id()).uses());
        assertEquals(Optional.empty(), rooms.memberships.roleOf(room.id(), "olga"));
    }
}
