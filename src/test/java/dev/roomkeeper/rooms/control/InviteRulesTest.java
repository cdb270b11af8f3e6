package dev.roomkeeper.rooms.control;

import dev.roomkeeper.rooms.control.InviteRules.Outcome;
import dev.roomkeeper.rooms.entity.Invite;
import dev.roomkeeper.rooms.entity.InviteRefusal;
import dev.roomkeeper.auth.entity.Role;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InviteRulesTest {

    private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");
    private static final BooleanSupplier ACTIVE = () -> false;
    private static final BooleanSupplier IDLE = () -> true;

    private static Invite invite(Role role, Integer maxUses, Instant expiresAt) {
        return new Invite("i-1", "r-1", "h".repeat(64), role, maxUses, expiresAt, "ann", NOW.minusSeconds(60));
    }

    private static Invite usedUp() {
        Invite invite = invite(Role.PARTICIPANT, 1, null);
        invite.countUse();
        return invite;
    }

    private static Optional<InviteRefusal> refusal(Invite invite, boolean open, Role current, BooleanSupplier idle) {
        return InviteRules.refusal(invite, open, current, NOW, idle);
    }

    @Test
    void aLiveInviteInAnOpenActiveRoomWorks() {
        assertEquals(Optional.empty(), refusal(invite(Role.PARTICIPANT, 5, NOW.plusSeconds(1)), true, null, ACTIVE));
    }

    @Test
    void eachReasonAloneRefusesTheInvite() {
        Invite revoked = invite(Role.PARTICIPANT, null, null);
        revoked.revoke(NOW);

        assertEquals(Optional.of(InviteRefusal.REVOKED), refusal(revoked, true, null, ACTIVE));
        assertEquals(Optional.of(InviteRefusal.ROOM_CLOSED), refusal(invite(Role.PARTICIPANT, null, null), false, null, ACTIVE));
        assertEquals(Optional.of(InviteRefusal.EXPIRED), refusal(invite(Role.PARTICIPANT, null, NOW), true, null, ACTIVE));
        assertEquals(Optional.of(InviteRefusal.USED_UP), refusal(usedUp(), true, null, ACTIVE));
        assertEquals(Optional.of(InviteRefusal.ROOM_INACTIVE), refusal(invite(Role.PARTICIPANT, null, null), true, null, IDLE));
    }

    @Test
    void reasonsAreCheckedRevokedThenClosedThenExpiredThenUsedUpThenInactive() {
        Invite everything = invite(Role.PARTICIPANT, 1, NOW.minusSeconds(1));
        everything.countUse();
        everything.revoke(NOW);
        assertEquals(Optional.of(InviteRefusal.REVOKED), refusal(everything, false, null, IDLE));

        Invite expiredAndUsedUp = invite(Role.PARTICIPANT, 1, NOW.minusSeconds(1));
        expiredAndUsedUp.countUse();
        assertEquals(Optional.of(InviteRefusal.ROOM_CLOSED), refusal(expiredAndUsedUp, false, null, IDLE));
        assertEquals(Optional.of(InviteRefusal.EXPIRED), refusal(expiredAndUsedUp, true, null, IDLE));
        assertEquals(Optional.of(InviteRefusal.USED_UP), refusal(usedUp(), true, null, IDLE));
    }

    @Test
    void theRoomsActivityIsOnlyAskedWhenNothingElseRefuses() {
        boolean[] asked = {false};
        BooleanSupplier watched = () -> asked[0] = true;

        refusal(usedUp(), true, null, watched);

        assertFalse(asked[0]);
    }

    @Test
    void anInviteExpiresAtItsExpiryInstantNotBefore() {
        assertEquals(Optional.empty(), refusal(invite(Role.PARTICIPANT, null, NOW.plus(Duration.ofNanos(1000))), true, null, ACTIVE));
        assertEquals(Optional.of(InviteRefusal.EXPIRED), refusal(invite(Role.PARTICIPANT, null, NOW), true, null, ACTIVE));
    }

    @Test
    void aUsedUpInviteStillLetsInAMemberWhoseRedemptionWouldCountNoUse() {
        assertEquals(Optional.empty(), refusal(usedUp(), true, Role.PARTICIPANT, ACTIVE));
        assertEquals(Optional.empty(), refusal(usedUp(), true, Role.HOST, ACTIVE));
        assertEquals(Optional.of(InviteRefusal.USED_UP), refusal(usedUp(), true, Role.OBSERVER, ACTIVE));
        assertEquals(Optional.of(InviteRefusal.ROOM_INACTIVE), refusal(usedUp(), true, Role.HOST, IDLE));
    }

    @Test
    void membersAreNeverDemotedAndOnlyJoinsAndUpgradesCountAsUses() {
        assertEquals(Outcome.JOIN, InviteRules.outcome(null, Role.OBSERVER));
        assertEquals(Outcome.UPGRADE, InviteRules.outcome(Role.OBSERVER, Role.PARTICIPANT));
        assertEquals(Outcome.UPGRADE, InviteRules.outcome(Role.PARTICIPANT, Role.HOST));
        assertEquals(Outcome.ALREADY_MEMBER, InviteRules.outcome(Role.PARTICIPANT, Role.PARTICIPANT));
        assertEquals(Outcome.ALREADY_MEMBER, InviteRules.outcome(Role.PRESENTER, Role.OBSERVER));
        assertEquals(Outcome.ALREADY_MEMBER, InviteRules.outcome(Role.HOST, Role.PRESENTER));

        assertTrue(Outcome.JOIN.countsAsUse());
        assertTrue(Outcome.UPGRADE.countsAsUse());
        assertFalse(Outcome.ALREADY_MEMBER.countsAsUse());
    }
}
