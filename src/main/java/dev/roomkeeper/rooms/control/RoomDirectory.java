package dev.roomkeeper.rooms.control;

import dev.roomkeeper.platform.control.DatabaseCall;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.platform.entity.Problem;
import dev.roomkeeper.rooms.entity.CreateRoomRequest;
import dev.roomkeeper.rooms.entity.IdleCandidate;
import dev.roomkeeper.rooms.entity.Kind;
import dev.roomkeeper.platform.entity.Page;
import dev.roomkeeper.platform.entity.PageRequest;
import dev.roomkeeper.rooms.entity.Room;
import dev.roomkeeper.rooms.entity.RoomChange;
import dev.roomkeeper.rooms.entity.RoomFilter;
import dev.roomkeeper.rooms.entity.RoomResponse;
import dev.roomkeeper.rooms.entity.RoomState;
import dev.roomkeeper.rooms.entity.Slug;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import jakarta.persistence.TypedQuery;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * The rooms that exist: creating, finding, listing and closing them. A room is named either by its id
 * or by its slug wherever this class takes a {@code ref}.
 * <p>
 * Changes fire {@link RoomChange} events; observers that publish or invalidate caches listen after
 * commit, so nothing is announced that was rolled back.
 */
// every method in a transaction, reads too: called from WebSocket threads, where the container-managed
// EntityManager is only safe inside one
@Transactional
@DatabaseCall
@ApplicationScoped
public class RoomDirectory {

    private static final Logger LOG = Logger.getLogger(RoomDirectory.class.getName());

    @PersistenceContext(unitName = "roomkeeper")
    EntityManager em;

    @Inject
    Event<RoomChange> changes;

    Clock clock = Clock.systemUTC();

    /**
     * Creates an open room. Without a slug, one is made from the title, with {@code -2}, {@code -3}...
     * appended while taken; a slug that was asked for and is taken is a 409.
     */
    @Transactional
    public RoomResponse create(CreateRoomRequest request, String createdBy) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(createdBy, "createdBy");
        List<Problem.FieldError> errors = check(request);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        String title = request.title().strip();
        String slug;
        if (request.slug() == null) {
            slug = freeSlugFor(title);
        } else if (slugTaken(request.slug())) {
            throw slugConflict(request.slug());
        } else {
            slug = request.slug();
        }
        Room room = new Room(UUID.randomUUID().toString(), slug, title, Kind.orDefault(request.kind()), createdBy, now());
        em.persist(room);
        try {
            em.flush();
        } catch (PersistenceException e) {
            if (RoomProblems.isConstraintViolation(e)) {
                // another request took the slug between our check and our insert
                throw slugConflict(slug);
            }
            throw e;
        }
        LOG.fine(() -> "room " + room.getId() + " (" + slug + ") created by " + createdBy);
        changes.fire(new RoomChange.Created(room.getId(), slug));
        return room.toResponse();
    }

    /** The room named {@code ref} (id or slug), if it exists. */
    public Optional<RoomResponse> find(String ref) {
        return lookup(ref).map(Room::toResponse);
    }

    /** The room named {@code ref} (id or slug); 404 when there is none. */
    public RoomResponse get(String ref) {
        return find(ref).orElseThrow(() -> RoomProblems.noRoom(ref));
    }

    /** Rooms, newest first (ties by id), optionally narrowed by state and kind. */
    public Page<RoomResponse> list(PageRequest page, RoomFilter filter) {
        return page(page, filter, "", Map.of());
    }

    /**
     * The rooms a user belongs to: where they hold a membership, and those named (by id or slug) in
     * {@code grantedRefs}, such as the rooms of their token. Newest first, optionally narrowed.
     */
    public Page<RoomResponse> listForMember(String userId, Collection<String> grantedRefs, PageRequest page,
                                            RoomFilter filter) {
        Objects.requireNonNull(userId, "userId");
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("user", userId);
        StringBuilder where = new StringBuilder(
                " and (r.id in (select m.roomId from Membership m where m.userId = :user)");
        Set<String> granted = new HashSet<>();
        if (grantedRefs != null) {
            grantedRefs.stream().filter(Objects::nonNull).map(ref -> ref.trim().toLowerCase(Locale.ROOT))
                    .forEach(granted::add);
        }
        if (!granted.isEmpty()) {
            where.append(" or r.id in :granted or r.slug in :granted");
            parameters.put("granted", granted);
        }
        where.append(")");
        return page(page, filter, where.toString(), parameters);
    }

    /**
     * Closes the room for good and announces {@code room.closed}. Closing a closed room changes nothing
     * and answers the room as it is.
     *
     * @param closedBy the admin's user id (or {@link Room#CLOSED_BY_IDLE_SWEEP})
     */
    @Transactional
    public RoomResponse close(String ref, String reason, String closedBy) {
        String why = reason == null || reason.isBlank() ? null : reason.strip();
        if (why != null && why.length() > Room.MAX_CLOSE_REASON_LENGTH) {
            throw RoomProblems.invalid("reason", "size must be between 0 and " + Room.MAX_CLOSE_REASON_LENGTH);
        }
        Room room = lookup(ref).orElseThrow(() -> RoomProblems.noRoom(ref));
        // re-read under a row lock so two concurrent closes do not both announce
        em.refresh(room, LockModeType.PESSIMISTIC_WRITE);
        closeLocked(room, why, closedBy);
        return room.toResponse();
    }

    /**
     * Closes the open room with id {@code roomId} if {@code stillToClose} says so once the room's row is
     * locked ({@code SELECT ... FOR UPDATE SKIP LOCKED}) and read afresh: of several nodes sweeping at once,
     * exactly one closes and announces a room, and a room that became active since it was picked is left
     * open. A row another transaction holds is skipped rather than waited for: that is another node's sweep
     * (which decides for it), or activity being written, or an admin closing it; so sweeping nodes share a
     * backlog instead of queueing behind each other on the same rooms.
     *
     * @return the closed room, or empty when there is no such open room, its row is locked, or the check said no
     */
    @Transactional
    public Optional<RoomResponse> closeIf(String roomId, String reason, String closedBy, Predicate<Room> stillToClose) {
        // native, because Hibernate's H2 dialect drops SKIP LOCKED (PostgreSQL and H2 both support it)
        boolean locked = !em.createNativeQuery("select id from room where id = ?1 and state = 'open' for update skip locked")
                .setParameter(1, roomId)
                .getResultList().isEmpty();
        Room room = locked ? em.find(Room.class, roomId) : null; // read under the lock: this transaction's first read
        if (room == null || !room.isOpen() || !stillToClose.test(room)) {
            return Optional.empty();
        }
        closeLocked(room, reason, closedBy);
        return Optional.of(room.toResponse());
    }

    /**
     * Open rooms whose persisted last activity is before {@code cutoff}, oldest first (ties by id), after
     * {@code after} (null for the first page). Served by the index {@code ix_room_state_activity}
     * ({@code state, last_activity_at, id}): a range scan that stops after {@code limit} rows.
     */
    public List<IdleCandidate> idleCandidates(Instant cutoff, IdleCandidate after, int limit) {
        // "at >= :at and (at > :at or id > :id)" rather than only the OR, so the index range starts at the cursor
        String page = after == null ? ""
                : " and r.lastActivityAt >= :afterAt and (r.lastActivityAt > :afterAt or r.id > :afterId)";
        TypedQuery<Object[]> query = em.createQuery("select r.id, r.lastActivityAt from Room r"
                        + " where r.state = :open and r.lastActivityAt < :cutoff" + page
                        + " order by r.lastActivityAt, r.id", Object[].class)
                .setParameter("open", RoomState.OPEN)
                .setParameter("cutoff", cutoff)
                .setMaxResults(limit);
        if (after != null) {
            query.setParameter("afterAt", after.lastActivityAt()).setParameter("afterId", after.id());
        }
        return query.getResultStream().map(row -> new IdleCandidate((String) row[0], (Instant) row[1])).toList();
    }

    private void closeLocked(Room room, String reason, String closedBy) {
        if (room.close(reason, closedBy, now())) {
            LOG.fine(() -> "room " + room.getId() + " closed by " + closedBy);
            changes.fire(new RoomChange.Closed(room.getId(), room.getSlug(), reason, closedBy, room.getClosedAt()));
        }
    }

    /**
     * The room entity named {@code ref}: an id is looked up by id, anything else by slug. Managed when
     * called inside a transaction. For control beans only; never hand the entity to JSON.
     * Public so the call works through any CDI client proxy.
     */
    public Optional<Room> lookup(String ref) {
        if (ref == null || ref.isBlank()) {
            return Optional.empty();
        }
        String key = ref.trim().toLowerCase(Locale.ROOT);
        if (Slug.looksLikeId(key)) {
            // slugs never have the form of an id, so there is nothing else to try
            return Optional.ofNullable(em.find(Room.class, key));
        }
        if (!Slug.isValid(key)) {
            return Optional.empty();
        }
        return em.createQuery("select r from Room r where r.slug = :slug", Room.class)
                .setParameter("slug", key)
                .getResultStream()
                .findFirst();
    }

    /** What is wrong with a request, for callers that did not check {@link CreateRoomRequest#fieldErrors()}. */
    static List<Problem.FieldError> check(CreateRoomRequest request) {
        List<Problem.FieldError> errors = new ArrayList<>();
        if (request.slug() != null && !Slug.isValid(request.slug())) {
            errors.add(new Problem.FieldError("slug", Slug.RULE));
        }
        if (request.title() == null || request.title().isBlank()) {
            errors.add(new Problem.FieldError("title", "must not be blank"));
        } else if (request.title().strip().length() > Room.MAX_TITLE_LENGTH) {
            errors.add(new Problem.FieldError("title", "size must be between 0 and " + Room.MAX_TITLE_LENGTH));
        }
        if (request.kind() != null && !Kind.isValid(request.kind())) {
            errors.add(new Problem.FieldError("kind", Kind.RULE));
        }
        return errors;
    }

    private String freeSlugFor(String title) {
        String base = Slug.fromTitle(title);
        Set<String> taken = new HashSet<>(em.createQuery(
                        "select r.slug from Room r where r.slug = :base or r.slug like :prefix", String.class)
                .setParameter("base", base)
                .setParameter("prefix", base + "-%")
                .getResultList());
        for (int n = 1; ; n++) {
            String candidate = Slug.candidate(base, n);
            if (!taken.contains(candidate)) {
                return candidate;
            }
        }
    }

    private boolean slugTaken(String slug) {
        return em.createQuery("select count(r) from Room r where r.slug = :slug", Long.class)
                .setParameter("slug", slug)
                .getSingleResult() > 0;
    }

    private static RuntimeException slugConflict(String slug) {
        return ProblemException.conflict("The slug " + slug + " is taken.");
    }

    private Page<RoomResponse> page(PageRequest page, RoomFilter filter, String extraWhere,
                                    Map<String, Object> extraParameters) {
        PageRequest request = page == null ? PageRequest.first() : page;
        RoomFilter narrowing = filter == null ? RoomFilter.ALL : filter;
        StringBuilder where = new StringBuilder(" where 1 = 1");
        Map<String, Object> parameters = new HashMap<>(extraParameters);
        if (narrowing.state() != null) {
            where.append(" and r.state = :state");
            parameters.put("state", narrowing.state());
        }
        if (narrowing.kind() != null) {
            where.append(" and r.kind = :kind");
            parameters.put("kind", narrowing.kind());
        }
        where.append(extraWhere);
        TypedQuery<Long> count = em.createQuery("select count(r) from Room r" + where, Long.class);
        TypedQuery<Room> rows = em.createQuery(
                        "select r from Room r" + where + " order by r.createdAt desc, r.id", Room.class)
                .setFirstResult(request.offset())
                .setMaxResults(request.limit());
        parameters.forEach((name, value) -> {
            count.setParameter(name, value);
            rows.setParameter(name, value);
        });
        List<RoomResponse> items = rows.getResultList().stream().map(Room::toResponse).toList();
        return new Page<>(items, request.offset(), request.limit(), count.getSingleResult());
    }

    private Instant now() {
        // the database keeps microseconds; answer with what will be read back
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
