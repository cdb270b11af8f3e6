package dev.roomkeeper.rooms.control;

import dev.roomkeeper.platform.control.DatabaseCall;
import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.platform.entity.Problem;
import dev.roomkeeper.rooms.control.InviteRules.Outcome;
import dev.roomkeeper.rooms.entity.Access;
import dev.roomkeeper.rooms.entity.AddMemberRequest;
import dev.roomkeeper.rooms.entity.CreateInviteRequest;
import dev.roomkeeper.rooms.entity.CreatedInviteResponse;
import dev.roomkeeper.rooms.entity.Invite;
import dev.roomkeeper.rooms.entity.InvitePreviewResponse;
import dev.roomkeeper.rooms.entity.InviteRefusal;
import dev.roomkeeper.rooms.entity.InviteResponse;
import dev.roomkeeper.platform.entity.Page;
import dev.roomkeeper.platform.entity.PageRequest;
import dev.roomkeeper.rooms.entity.RedemptionResponse;
import dev.roomkeeper.auth.entity.Role;
import dev.roomkeeper.rooms.entity.Room;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Invite links: hosts of a room (and admins) create, list and revoke them; any authenticated user
 * redeems one to become a member. Rooms are named by id or slug ({@code roomRef}).
 * <p>
 * Only admins may create invites that make people hosts: a host invite is a link anyone can forward,
 * and hosts cannot make hosts any other way (changing roles is for admins).
 * <p>
 * Tokens are never logged, stored, or put in messages; only their SHA-256 is kept.
 */
// every method in a transaction, reads too: called from WebSocket threads, where the container-managed
// EntityManager is only safe inside one
@Transactional
@DatabaseCall
@ApplicationScoped
public class Invites {

    public static final String MAX_TTL_KEY = "roomkeeper.rooms.invite-max-ttl";
    static final Duration DEFAULT_MAX_TTL = Duration.ofDays(30);
    static final Duration MIN_MAX_TTL = Duration.ofMinutes(1);
    static final Duration MAX_MAX_TTL = Duration.ofDays(365);

    private static final Logger LOG = Logger.getLogger(Invites.class.getName());

    @PersistenceContext(unitName = "roomkeeper")
    EntityManager em;

    @Inject
    RoomDirectory rooms;

    @Inject
    RoomAccess access;

    @Inject
    Memberships memberships;

    @Inject
    RoomActivity activity;

    @Inject
    @ConfigProperty(name = MAX_TTL_KEY, defaultValue = "P30D")
    String maxTtlSetting;

    Clock clock = Clock.systemUTC();

    Duration maxTtl = DEFAULT_MAX_TTL;

    @PostConstruct
    void init() {
        maxTtl = DurationSetting.read(MAX_TTL_KEY, maxTtlSetting, DEFAULT_MAX_TTL, MIN_MAX_TTL, MAX_MAX_TTL,
                LOG::warning);
    }

    /** Reads the setting during deployment, so a bad value shows in the startup log. */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        LOG.fine(() -> "invites may last up to " + maxTtl);
    }

    /**
     * Creates an invite to an open room and answers it with its token, the one time the token is shown.
     * Counts as activity in the room, written with the invite, so a new link works for at least one
     * inactivity window on every node.
     *
     * @param admin whether the caller is an admin (any room, any role); otherwise they must be a host of the room
     * @throws ProblemException 400 for invalid fields, an expiry in the past or beyond the longest lifetime;
     *                          403 for non-hosts and for hosts asking for a host invite; 404 without the room;
     *                          409 {@code room-closed}
     */
    @Transactional
    public CreatedInviteResponse create(String roomRef, CreateInviteRequest request, Caller caller, boolean admin) {
        CreateInviteRequest asked = request == null ? new CreateInviteRequest(null, null, null) : request;
        Room room = manageableRoom(roomRef, caller, admin);
        Instant now = now();
        List<Problem.FieldError> errors = check(asked, now, maxTtl);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        Role role = asked.roleOrDefault();
        if (role == Role.HOST && !admin) {
            throw ProblemException.forbidden("Only admins can create invites that make people hosts.");
        }
        if (!room.isOpen()) {
            throw RoomProblems.closed(room.getSlug());
        }
        String token = InviteTokens.generate();
        Instant expiresAt = asked.expiry().map(Invites::truncate).orElse(null);
        Invite invite = new Invite(UUID.randomUUID().toString(), room.getId(), InviteTokens.hash(token), role,
                asked.maxUses(), expiresAt, caller.userId(), now);
        em.persist(invite);
        activity.persist(room.getId(), now);
        LOG.fine(() -> "invite " + invite.getId() + " to room " + room.getId() + " as " + role.wireName()
                + " created by " + caller.userId());
        return new CreatedInviteResponse(invite.getId(), token, room.getId(), room.getSlug(), role.wireName(),
                invite.getMaxUses(), invite.getUses(), invite.getExpiresAt(), invite.getCreatedBy(),
                invite.getCreatedAt());
    }

    /** A room's invites, newest first (ties by id), never with their tokens. Hosts and admins. */
    public Page<InviteResponse> list(String roomRef, PageRequest page, Caller caller, boolean admin) {
        PageRequest request = page == null ? PageRequest.first() : page;
        Room room = manageableRoom(roomRef, caller, admin);
        long total = em.createQuery("select count(i) from Invite i where i.roomId = :room", Long.class)
                .setParameter("room", room.getId())
                .getSingleResult();
        List<InviteResponse> items = em.createQuery(
                        "select i from Invite i where i.roomId = :room order by i.createdAt desc, i.id", Invite.class)
                .setParameter("room", room.getId())
                .setFirstResult(request.offset())
                .setMaxResults(request.limit())
                .getResultStream()
                .map(Invite::toResponse)
                .toList();
        return new Page<>(items, request.offset(), request.limit(), total);
    }

    /** One invite of a room, without its token; 404 when the room has no such invite. Hosts and admins. */
    public InviteResponse get(String roomRef, String inviteId, Caller caller, boolean admin) {
        Room room = manageableRoom(roomRef, caller, admin);
        return inviteOf(room, inviteId, LockModeType.NONE).toResponse();
    }

    /**
     * Revokes an invite for good. Idempotent: revoking a revoked invite changes nothing. Admins may revoke in
     * closed rooms too. Hosts and admins.
     */
    @Transactional
    public void revoke(String roomRef, String inviteId, Caller caller, boolean admin) {
        Room room = manageableRoom(roomRef, caller, admin);
        Invite invite = inviteOf(room, inviteId, LockModeType.PESSIMISTIC_WRITE);
        if (invite.revoke(now())) {
            LOG.fine(() -> "invite " + invite.getId() + " of room " + room.getId() + " revoked by " + caller.userId());
        }
    }

    /**
     * Redeems an invite for the caller, in one transaction holding a row lock on the invite, so concurrent
     * redemptions are counted one after the other and never pass {@code maxUses}. A newcomer becomes a
     * member in the invite's role; a member in a weaker role is raised to it; a member in the same or a
     * stronger role keeps it (so does a user granted such a role by their token). Only the first two count
     * a use. Memberships are changed through {@link Memberships}, which announces them on the room's stream.
     * Counts as activity in the room.
     *
     * @throws ProblemException 401 without a caller; 404 {@code invite-not-found}; 410 for every
     *                          {@link InviteRefusal}, checked in the order of {@link InviteRules#refusal}
     */
    @Transactional
    public RedemptionResponse redeem(String token, Caller caller) {
        requireCaller(caller);
        Invite invite = byToken(token, LockModeType.PESSIMISTIC_WRITE).orElseThrow(RoomProblems::inviteNotFound);
        Room room = rooms.lookup(invite.getRoomId()).orElseThrow(RoomProblems::inviteNotFound);
        Role member = memberships.roleOf(room.getId(), caller.userId()).orElse(null);
        Role held = member != null ? member : granted(caller, room);
        Instant now = now();
        Optional<InviteRefusal> refusal = refusal(invite, room, held, now);
        if (refusal.isPresent()) {
            throw RoomProblems.inviteRefused(refusal.get(), activity.window());
        }
        Outcome outcome = InviteRules.outcome(held, invite.getRole());
        if (outcome.countsAsUse()) {
            if (member == null) {
                memberships.add(room.getId(), new AddMemberRequest(caller.userId(), invite.getRole().wireName()));
            } else {
                memberships.changeRole(room.getId(), caller.userId(), invite.getRole());
            }
            invite.countUse();
        }
        activity.persist(room.getId(), now);
        LOG.fine(() -> caller.userId() + " redeemed invite " + invite.getId() + " of room " + room.getId()
                + ": " + outcome);
        Role role = outcome == Outcome.ALREADY_MEMBER ? held : invite.getRole();
        return new RedemptionResponse(room.getId(), room.getSlug(), role.wireName(),
                member != null || outcome == Outcome.ALREADY_MEMBER);
    }

    /**
     * Whether redeeming the invite would work for the caller now, and if not, why, in the words redeeming
     * would answer with. Changes nothing.
     *
     * @throws ProblemException 401 without a caller; 404 {@code invite-not-found}
     */
    public InvitePreviewResponse preview(String token, Caller caller) {
        requireCaller(caller);
        Invite invite = byToken(token, LockModeType.NONE).orElseThrow(RoomProblems::inviteNotFound);
        Room room = rooms.lookup(invite.getRoomId()).orElseThrow(RoomProblems::inviteNotFound);
        Role held = memberships.roleOf(room.getId(), caller.userId()).orElse(granted(caller, room));
        RoomActivity.Reading reading = activity.read(room);
        Optional<InviteRefusal> refusal = InviteRules.refusal(invite, room.isOpen(), held, now(),
                () -> activity.idle(reading));
        return new InvitePreviewResponse(refusal.isEmpty(), refusal.map(InviteRefusal::type).orElse(null),
                refusal.map(r -> r.message(activity.window())).orElse(null), room.getSlug(), room.getTitle(),
                invite.getRole().wireName(), invite.getExpiresAt(), invite.getUses(), invite.getMaxUses(),
                reading.lastActivity(), activity.inactiveAt(reading.lastActivity()));
    }

    /** What is wrong with a request, its clock- and configuration-dependent rules included. */
    static List<Problem.FieldError> check(CreateInviteRequest request, Instant now, Duration maxTtl) {
        List<Problem.FieldError> errors = new ArrayList<>(request.fieldErrors());
        if (errors.stream().noneMatch(e -> e.field().equals("expiresAt"))) {
            request.expiry().ifPresent(expiry -> {
                if (!expiry.isAfter(now)) {
                    errors.add(new Problem.FieldError("expiresAt", "must be in the future"));
                } else if (expiry.isAfter(now.plus(maxTtl))) {
                    errors.add(new Problem.FieldError("expiresAt",
                            "must be at most " + InviteRefusal.inWords(maxTtl) + " from now"));
                }
            });
        }
        return errors;
    }

    private Optional<InviteRefusal> refusal(Invite invite, Room room, Role held, Instant now) {
        return InviteRules.refusal(invite, room.isOpen(), held, now, () -> activity.idle(room));
    }

    /**
     * The role the caller's token grants in the room (by id, else by slug), or null. A user who holds a
     * role only by their token is not demoted by redeeming a weaker invite: a membership would override
     * the grant (see {@link RoomAccess#decide}).
     */
    static Role granted(Caller caller, Room room) {
        Role role = caller.roomGrants().get(room.getId());
        return role != null ? role : caller.roomGrants().get(room.getSlug());
    }

    /** The room, when the caller may manage its invites: admins any room, others as its hosts. */
    private Room manageableRoom(String roomRef, Caller caller, boolean admin) {
        requireCaller(caller);
        if (admin) {
            return rooms.lookup(roomRef).orElseThrow(() -> RoomProblems.noRoom(roomRef));
        }
        Access granted = access.resolve(roomRef, caller);
        if (granted.role() != Role.HOST) {
            throw ProblemException.forbidden("Only the room's hosts can manage its invites.");
        }
        return rooms.lookup(granted.roomId()).orElseThrow(() -> RoomProblems.noRoom(roomRef));
    }

    private Invite inviteOf(Room room, String inviteId, LockModeType lock) {
        Invite invite = inviteId == null || inviteId.isBlank() || inviteId.length() > 36 ? null
                : em.find(Invite.class, inviteId.strip(), lock);
        if (invite == null || !invite.getRoomId().equals(room.getId())) {
            throw RoomProblems.noInvite(room.getSlug());
        }
        return invite;
    }

    private Optional<Invite> byToken(String token, LockModeType lock) {
        if (!InviteTokens.isWellFormed(token)) {
            return Optional.empty();
        }
        return em.createQuery("select i from Invite i where i.tokenHash = :hash", Invite.class)
                .setParameter("hash", InviteTokens.hash(token))
                .setLockMode(lock)
                .getResultStream()
                .findFirst();
    }

    private static void requireCaller(Caller caller) {
        if (caller == null) {
            throw ProblemException.unauthorized("This call needs a bearer token.");
        }
    }

    private Instant now() {
        return truncate(clock.instant());
    }

    private static Instant truncate(Instant instant) {
        // the database keeps microseconds; answer with what will be read back
        return instant.truncatedTo(ChronoUnit.MICROS);
    }
}
