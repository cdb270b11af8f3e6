package dev.roomkeeper.rooms.control;

import dev.roomkeeper.rooms.entity.Invite;
import dev.roomkeeper.rooms.entity.InviteRefusal;
import dev.roomkeeper.auth.entity.Role;

import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Whether an invite works now, and what redeeming it does: the decisions of {@link Invites}, without the
 * database, so they are tested on their own.
 */
final class InviteRules {

    private InviteRules() {
    }

    /** What redeeming an invite does for a user. */
    enum Outcome {
        /** Not a member: becomes one in the invite's role. Counts a use. */
        JOIN,
        /** A member in a weaker role: gets the invite's role. Counts a use. */
        UPGRADE,
        /** A member in the invite's role or a stronger one: nothing changes (nobody is demoted). No use. */
        ALREADY_MEMBER;

        boolean countsAsUse() {
            return this != ALREADY_MEMBER;
        }
    }

    /**
     * @param current the role the user holds in the room by membership, or null when not a member
     * @param offered the invite's role
     */
    static Outcome outcome(Role current, Role offered) {
        if (current == null) {
            return Outcome.JOIN;
        }
        return current.atLeast(offered) ? Outcome.ALREADY_MEMBER : Outcome.UPGRADE;
    }

    /**
     * Why the invite cannot be redeemed now by a user holding {@code current} (null: not a member), checked
     * in this order, the first that applies winning:
     * <ol>
     *     <li>revoked: a host's deliberate decision, final;</li>
     *     <li>room closed: final, and says more than anything about the link itself;</li>
     *     <li>expired: the link's own end, final;</li>
     *     <li>used up: final for newcomers, but skipped for a redemption that would count no use (the user
     *     already holds the role or a stronger one), so following your own link again still works;</li>
     *     <li>room inactive: last, the only reason that can go away (when the room becomes active again),
     *     and the costliest to check, so {@code roomIdle} is only asked when nothing else applies.</li>
     * </ol>
     * An unknown token is a 404 before any of these.
     */
    static Optional<InviteRefusal> refusal(Invite invite, boolean roomOpen, Role current, Instant now,
                                           BooleanSupplier roomIdle) {
        if (invite.isRevoked()) {
            return Optional.of(InviteRefusal.REVOKED);
        }
        if (!roomOpen) {
            return Optional.of(InviteRefusal.ROOM_CLOSED);
        }
        if (invite.isExpired(now)) {
            return Optional.of(InviteRefusal.EXPIRED);
        }
        if (invite.isUsedUp() && outcome(current, invite.getRole()).countsAsUse()) {
            return Optional.of(InviteRefusal.USED_UP);
        }
        if (roomIdle.getAsBoolean()) {
            return Optional.of(InviteRefusal.ROOM_INACTIVE);
        }
        return Optional.empty();
    }
}
