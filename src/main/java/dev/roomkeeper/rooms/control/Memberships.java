package dev.roomkeeper.rooms.control;

import dev.roomkeeper.platform.control.DatabaseCall;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.rooms.entity.AddMemberRequest;
import dev.roomkeeper.rooms.entity.MemberResponse;
import dev.roomkeeper.rooms.entity.Membership;
import dev.roomkeeper.platform.entity.Page;
import dev.roomkeeper.platform.entity.PageRequest;
import dev.roomkeeper.auth.entity.Role;
import dev.roomkeeper.rooms.entity.Room;
import dev.roomkeeper.rooms.entity.RoomChange;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Who belongs to which room, and in which role. Rooms are named by id or slug ({@code roomRef}).
 * Every change fires a {@link RoomChange}, published on the room's stream after commit.
 */
// every method in a transaction, reads too: called from WebSocket threads, where the container-managed
// EntityManager is only safe inside one
@Transactional
@DatabaseCall
@ApplicationScoped
public class Memberships {

    private static final Logger LOG = Logger.getLogger(Memberships.class.getName());

    @PersistenceContext(unitName = "roomkeeper")
    EntityManager em;

    @Inject
    RoomDirectory rooms;

    @Inject
    Event<RoomChange> changes;

    Clock clock = Clock.systemUTC();

    /** Makes a user a member of an open room: 404 without the room, 409 when closed or already a member. */
    @Transactional
    public MemberResponse add(String roomRef, AddMemberRequest request) {
        Objects.requireNonNull(request, "request");
        String userId = userId(request.userId());
        Role role = role(request.role());
        Room room = rooms.lookup(roomRef).orElseThrow(() -> RoomProblems.noRoom(roomRef));
        if (!room.isOpen()) {
            throw RoomProblems.closed(room.getSlug());
        }
        if (em.find(Membership.class, new Membership.Key(room.getId(), userId)) != null) {
            throw alreadyMember(userId, room);
        }
        Membership membership = new Membership(room.getId(), userId, role, now());
        em.persist(membership);
        try {
            em.flush();
        } catch (PersistenceException e) {
            if (RoomProblems.isConstraintViolation(e)) {
                // added by a concurrent request since our check
                throw alreadyMember(userId, room);
            }
            throw e;
        }
        LOG.fine(() -> userId + " joined room " + room.getId() + " as " + role.wireName());
        changes.fire(new RoomChange.MemberAdded(room.getId(), userId, role));
        return membership.toResponse();
    }

    /** Gives a member of an open room another role: 404 without the room or the member, 409 when closed. */
    @Transactional
    public MemberResponse changeRole(String roomRef, String userId, Role role) {
        Objects.requireNonNull(role, "role");
        Room room = rooms.lookup(roomRef).orElseThrow(() -> RoomProblems.noRoom(roomRef));
        if (!room.isOpen()) {
            throw RoomProblems.closed(room.getSlug());
        }
        Membership membership = lockedMembership(room, userId);
        if (membership.changeRole(role, now())) {
            changes.fire(new RoomChange.MemberRoleChanged(room.getId(), membership.getUserId(), role));
        }
        return membership.toResponse();
    }

    /** Same as {@link #changeRole(String, String, Role)}, with the role as sent on the wire (400 when unknown). */
    @Transactional
    public MemberResponse changeRole(String roomRef, String userId, String role) {
        return changeRole(roomRef, userId, role(role));
    }

    /** Takes a user out of a room, open or closed: 404 without the room or the member. */
    @Transactional
    public MemberResponse remove(String roomRef, String userId) {
        Room room = rooms.lookup(roomRef).orElseThrow(() -> RoomProblems.noRoom(roomRef));
        Membership membership = lockedMembership(room, userId);
        em.remove(membership);
        changes.fire(new RoomChange.MemberRemoved(room.getId(), membership.getUserId(), membership.getRole()));
        return membership.toResponse();
    }

    /** One member of a room; 404 without the room or the member. */
    public MemberResponse get(String roomRef, String userId) {
        Room room = rooms.lookup(roomRef).orElseThrow(() -> RoomProblems.noRoom(roomRef));
        Membership membership = userId == null ? null
                : em.find(Membership.class, new Membership.Key(room.getId(), userId));
        if (membership == null) {
            throw RoomProblems.noMember(userId, room.getSlug());
        }
        return membership.toResponse();
    }

    /** The members of a room, oldest first (ties by user id); 404 without the room. */
    public Page<MemberResponse> list(String roomRef, PageRequest page) {
        PageRequest request = page == null ? PageRequest.first() : page;
        Room room = rooms.lookup(roomRef).orElseThrow(() -> RoomProblems.noRoom(roomRef));
        long total = em.createQuery("select count(m) from Membership m where m.roomId = :room", Long.class)
                .setParameter("room", room.getId())
                .getSingleResult();
        List<MemberResponse> items = em.createQuery(
                        "select m from Membership m where m.roomId = :room order by m.createdAt, m.userId",
                        Membership.class)
                .setParameter("room", room.getId())
                .setFirstResult(request.offset())
                .setMaxResults(request.limit())
                .getResultStream()
                .map(Membership::toResponse)
                .toList();
        return new Page<>(items, request.offset(), request.limit(), total);
    }

    /** The role a user holds in a room by membership, looked up by the room's id; no checks on the room. */
    public Optional<Role> roleOf(String roomId, String userId) {
        if (roomId == null || userId == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(em.find(Membership.class, new Membership.Key(roomId, userId)))
                .map(Membership::getRole);
    }

    /**
     * Every membership of a room, user id to role, looked up by the room's id; empty when the room has
     * more than {@code limit} members (the caller then asks per user with {@link #roleOf}).
     */
    public Optional<Map<String, Role>> rolesIn(String roomId, int limit) {
        if (roomId == null) {
            return Optional.of(Map.of());
        }
        List<Object[]> rows = em.createQuery("select m.userId, m.role from Membership m where m.roomId = :room",
                        Object[].class)
                .setParameter("room", roomId)
                .setMaxResults(limit + 1)
                .getResultList();
        if (rows.size() > limit) {
            return Optional.empty();
        }
        Map<String, Role> roles = new HashMap<>();
        rows.forEach(row -> roles.put((String) row[0], (Role) row[1]));
        return Optional.of(Map.copyOf(roles));
    }

    private Membership lockedMembership(Room room, String userId) {
        Membership membership = userId == null ? null
                : em.find(Membership.class, new Membership.Key(room.getId(), userId), LockModeType.PESSIMISTIC_WRITE);
        if (membership == null) {
            throw RoomProblems.noMember(userId, room.getSlug());
        }
        return membership;
    }

    static String userId(String userId) {
        String id = userId == null ? "" : userId.strip();
        if (id.isEmpty()) {
            throw RoomProblems.invalid("userId", "must not be blank");
        }
        if (id.length() > Membership.MAX_USER_ID_LENGTH) {
            throw RoomProblems.invalid("userId", "size must be between 0 and " + Membership.MAX_USER_ID_LENGTH);
        }
        return id;
    }

    static Role role(String role) {
        return Role.fromWire(role).orElseThrow(() -> RoomProblems.invalid("role", Role.RULE));
    }

    private static RuntimeException alreadyMember(String userId, Room room) {
        return ProblemException.conflict(
                "User " + userId + " is already a member of room " + room.getSlug() + ".");
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
