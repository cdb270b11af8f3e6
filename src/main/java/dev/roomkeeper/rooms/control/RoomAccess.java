package dev.roomkeeper.rooms.control;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.platform.control.DatabaseAvailability;
import dev.roomkeeper.platform.control.DatabaseFailure;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.rooms.entity.Access;
import dev.roomkeeper.rooms.entity.AccessChange;
import dev.roomkeeper.auth.entity.Role;
import dev.roomkeeper.rooms.entity.RoomChange;
import dev.roomkeeper.rooms.entity.RoomResponse;
import dev.roomkeeper.rooms.entity.RoomState;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Decides whether a caller may be in a room and in which role. WebSocket and SSE ask on every
 * subscribe, so rooms and memberships are cached for {@code roomkeeper.rooms.access-cache-ttl}
 * (default 5 s; zero turns the cache off). Changes made on this node drop their entries once committed;
 * every node, this one included, drops them again when the change reaches it as an {@link AccessChange}
 * (fired when the room event announcing it arrives, before the event reaches any client). The TTL bounds staleness only when such an event is lost.
 * <p>
 * A room's memberships are read in one query and cached together while the room has at most
 * {@value #ROOM_MEMBERS_CACHED} members, so that a room's users cost one lookup per TTL rather than one
 * each (a user who publishes every few seconds would otherwise miss the cache every time). Larger rooms
 * are looked up per member.
 * <p>
 * <b>Without the database.</b> Publishing, presence and subscribing ask here on every frame, so they must not stop
 * when the database does: while it is unavailable ({@link DatabaseAvailability}: down, or so slow that no call has
 * finished for a second), or when a lookup fails because it is, an expired entry is still answered
 * (stale-if-error) for up to {@code roomkeeper.rooms.access-stale-while-unavailable} after its TTL (default
 * {@code PT10M}; zero turns it off). Such lookups never wait on the database: while it is down they are refused or
 * answered from memory at once, and only the availability gate's background probe asks it. What is not cached
 * (a room or member this node has not seen within that time) is the 503 {@code database-unavailable}. An entry
 * due for a refresh is refreshed on the managed executor and waited for {@link #REFRESH_WAIT} at most, so even the
 * first lookups after the database froze, before anything has failed, hold a frame for a quarter of a second per
 * entry, not for the connection's timeouts (within a transaction the refresh is made on the caller, which must see
 * its own writes). Access changes still drop entries as they arrive ({@link AccessChange}), outage or not, so a
 * member removed is refused rather than answered from a stale entry.
 * <p>
 * Metrics: {@code roomkeeper.rooms.access.cache{result=hit|miss|stale}} ({@code stale}: answered from an expired
 * entry because the database was unavailable), {@code roomkeeper.rooms.access.cache.invalidations}, and the gauge
 * {@code roomkeeper.rooms.access.cache.size} (entries: rooms, rooms' member lists and single memberships, stale
 * ones included).
 */
@ApplicationScoped
public class RoomAccess {

    /** Beyond this many entries, expired ones are swept, and everything is dropped if that is not enough. */
    static final int MAX_ENTRIES = 10_000;
    /** Rooms with more members are looked up per member. */
    static final int ROOM_MEMBERS_CACHED = 100;
    /** Rooms whose memberships are cached at once (so at most 100,000 memberships). */
    static final int MAX_ROOMS = 1_000;
    public static final String STALE_KEY = "roomkeeper.rooms.access-stale-while-unavailable";
    /** The longest a lookup waits for the database to refresh an entry it could answer from memory. */
    static final Duration REFRESH_WAIT = Duration.ofMillis(250);

    private static final Logger LOG = Logger.getLogger(RoomAccess.class.getName());

    @Inject
    RoomDirectory rooms;

    @Inject
    Memberships memberships;

    @Inject
    Meters metrics;

    @Inject
    DatabaseAvailability database;

    @Resource
    ManagedExecutorService managedExecutor;

    /**
     * Refreshes entries this node could still answer from memory, so that the lookup can stop waiting for a slow
     * or frozen database after {@link #REFRESH_WAIT}; the server's managed executor (null: refresh on the caller).
     */
    Executor refresher;

    @Inject
    @ConfigProperty(name = "roomkeeper.rooms.access-cache-ttl", defaultValue = "PT5S")
    Duration ttl;

    @Inject
    @ConfigProperty(name = STALE_KEY, defaultValue = "PT10M")
    Duration staleWhileUnavailable;

    Clock clock = Clock.systemUTC();

    private final Map<String, Loaded<Optional<RoomResponse>>> roomsByRef = new ConcurrentHashMap<>();
    private final Map<String, Loaded<Optional<Map<String, Role>>>> rolesByRoom = new ConcurrentHashMap<>();
    private final Map<MemberKey, Loaded<Optional<Role>>> rolesByMember = new ConcurrentHashMap<>();
    /**
     * The refreshes going on, per cache and key: lookups of an entry that is being refreshed wait for that refresh
     * instead of submitting their own (each submission to the managed executor captures the caller's context, a
     * scan of the application's class loader: under load, every frame that found the entry expired did).
     */
    private final Map<Map<?, ?>, Map<Object, CompletableFuture<?>>> refreshing = new IdentityHashMap<>();

    {
        // by identity: the caches are equal while empty; filled here, only read afterwards
        for (Map<?, ?> cache : List.of(roomsByRef, rolesByRoom, rolesByMember)) {
            refreshing.put(cache, new ConcurrentHashMap<>());
        }
    }
    /** Counts invalidations, so that a lookup that raced one does not cache what it read before it. */
    private final AtomicLong invalidations = new AtomicLong();
    private Meters.Counter hits;
    private Meters.Counter misses;
    private Meters.Counter stale;
    private Meters.Counter invalidated;

    @PostConstruct
    void init() {
        if (staleWhileUnavailable == null || staleWhileUnavailable.isNegative()) {
            Duration given = staleWhileUnavailable;
            staleWhileUnavailable = Duration.ZERO;
            LOG.warning(() -> STALE_KEY + " must be zero or positive, not " + given + ": expired entries are not used");
        }
        if (refresher == null) {
            refresher = managedExecutor;
        }
        countCache();
    }

    void countCache() {
        hits = metrics.counter("roomkeeper.rooms.access.cache", "result", "hit");
        misses = metrics.counter("roomkeeper.rooms.access.cache", "result", "miss");
        stale = metrics.counter("roomkeeper.rooms.access.cache", "result", "stale");
        invalidated = metrics.counter("roomkeeper.rooms.access.cache.invalidations");
        metrics.gauge("roomkeeper.rooms.access.cache.size", this, access -> access.roomsByRef.size() + access.rolesByRoom.size() + access.rolesByMember.size());
    }

    /**
     * The caller's access to the room named {@code roomRef} (id or slug).
     *
     * @throws ProblemException 401 without a caller, 404 when there is no such room, 409 ({@code room-closed})
     *                          when it is closed, 403 when the caller is neither an admin, a member, nor
     *                          granted the room by their token, 503 ({@code database-unavailable}) when the room or
     *                          membership is not cached and the database is unavailable
     */
    public Access resolve(String roomRef, Caller caller) {
        if (caller == null) {
            throw ProblemException.unauthorized("This call needs a bearer token.");
        }
        RoomResponse room = cachedRoom(roomRef).orElse(null);
        Role memberRole = null;
        if (room != null && isOpen(room) && !caller.admin()) {
            memberRole = cachedRole(room.id(), caller.userId()).orElse(null);
        }
        return decide(roomRef, room, memberRole, caller);
    }

    /**
     * The rules, without lookups: the room must exist and be open; admins are hosts; a membership in the
     * database wins over a grant in the token, which may name the room by id or by slug.
     *
     * @param room       the room, or null when there is none
     * @param memberRole the caller's role by membership, or null when not a member
     */
    static Access decide(String roomRef, RoomResponse room, Role memberRole, Caller caller) {
        if (room == null) {
            throw RoomProblems.noRoom(roomRef);
        }
        if (!isOpen(room)) {
            throw RoomProblems.closed(room.slug());
        }
        Role role;
        if (caller.admin()) {
            role = Role.HOST;
        } else if (memberRole != null) {
            role = memberRole;
        } else {
            role = caller.roomGrants().get(room.id());
            if (role == null) {
                role = caller.roomGrants().get(room.slug());
            }
        }
        if (role == null) {
            throw RoomProblems.notMember();
        }
        return new Access(room.id(), room.slug(), role, !caller.admin() && memberRole != null);
    }

    /**
     * True while a user keeps access to a room without presenting a token again: the room is open and, when
     * {@code byMembership}, the user is still a member (what a capability such as a presence room token needs; access
     * granted by a token ends with that token). Answered from the same caches as {@link #resolve}.
     */
    public boolean keeps(String roomId, String userId, boolean byMembership) {
        RoomResponse room = cachedRoom(roomId).orElse(null);
        if (room == null || !isOpen(room) || !room.id().equals(roomId)) {
            return false;
        }
        return !byMembership || cachedRole(room.id(), userId).isPresent();
    }

    /** Drops what this node cached about a room or a membership once a change to it has committed. */
    void onChange(@Observes(during = TransactionPhase.AFTER_SUCCESS) @Priority(RoomChange.FORGET)
                  RoomChange change) {
        if (change instanceof RoomChange.Created created) {
            forgetRoom(created.roomId(), created.slug());
        } else if (change instanceof RoomChange.Closed closed) {
            forgetRoom(closed.roomId(), closed.slug());
        } else if (change instanceof RoomChange.MemberAdded added) {
            forgetMember(added.roomId(), added.userId());
        } else if (change instanceof RoomChange.MemberRoleChanged changed) {
            forgetMember(changed.roomId(), changed.userId());
        } else if (change instanceof RoomChange.MemberRemoved removed) {
            forgetMember(removed.roomId(), removed.userId());
        }
    }

    /**
     * Drops what this node cached about a membership or a room when the change reaches this node (whichever node
     * made it), before the event announcing it is delivered to anyone here.
     */
    void onAccessChange(@Observes AccessChange change) {
        if (change.kind() == AccessChange.Kind.ROOM_CLOSED) {
            forgetRoom(change.roomId(), null); // the entries under its slug hold the same id
        } else {
            forgetMember(change.roomId(), change.userId());
        }
    }

    private void forgetMember(String roomId, String userId) {
        invalidations.incrementAndGet();
        rolesByRoom.remove(roomId);
        invalidated.inc();
        rolesByMember.remove(new MemberKey(roomId, userId));
    }

    private void forgetRoom(String id, String slug) {
        invalidations.incrementAndGet();
        invalidated.inc();
        roomsByRef.remove(id);
        rolesByRoom.remove(id);
        if (slug != null) {
            roomsByRef.remove(slug);
        } else {
            roomsByRef.values().removeIf(entry -> entry.value().map(room -> room.id().equals(id)).orElse(false));
        }
    }

    private Optional<RoomResponse> cachedRoom(String roomRef) {
        if (roomRef == null || roomRef.isBlank()) {
            return Optional.empty();
        }
        String key = roomRef.trim().toLowerCase(Locale.ROOT);
        return cached(roomsByRef, key, () -> rooms.find(key));
    }

    private Optional<Role> cachedRole(String roomId, String userId) {
        Optional<Map<String, Role>> members = cached(rolesByRoom, MAX_ROOMS, roomId,
                () -> memberships.rolesIn(roomId, ROOM_MEMBERS_CACHED));
        if (members.isPresent()) {
            return Optional.ofNullable(members.get().get(userId));
        }
        return cached(rolesByMember, new MemberKey(roomId, userId), () -> memberships.roleOf(roomId, userId));
    }

    private <K, V> V cached(Map<K, Loaded<V>> cache, K key, Supplier<V> load) {
        return cached(cache, MAX_ENTRIES, key, load);
    }

    private <K, V> V cached(Map<K, Loaded<V>> cache, int maxEntries, K key, Supplier<V> load) {
        if (ttl == null || ttl.isZero() || ttl.isNegative()) {
            return database.call(load);
        }
        Instant now = clock.instant();
        Loaded<V> entry = cache.get(key);
        if (entry != null && now.isBefore(entry.at().plus(ttl))) {
            hits.inc();
            return entry.value();
        }
        boolean fallback = entry != null && now.isBefore(entry.at().plus(ttl).plus(staleWhileUnavailable));
        if (fallback && (!database.available() || database.slow())) {
            // without waiting on a database that is down, or not answering anybody; still, find it when it is back
            database.probeIfDue();
            stale.inc();
            return entry.value();
        }
        misses.inc();
        long generation = invalidations.get();
        Supplier<V> loadAndStore = () -> {
            V value = database.call(load);
            store(cache, maxEntries, key, value, now, generation);
            return value;
        };
        if (!fallback || refresher == null || database.inCall()) {
            // nothing to answer instead (or within a transaction, which must see its own writes): wait for it
            try {
                return loadAndStore.get();
            } catch (RuntimeException e) {
                if (fallback && DatabaseFailure.of(e).isPresent()) {
                    stale.inc();
                    return entry.value();
                }
                throw e;
            }
        }
        return refresh(refreshing.get(cache), key, entry, loadAndStore);
    }

    /**
     * Refreshes an expired entry on the refresher, waiting at most {@link #REFRESH_WAIT}: past that, or when the
     * database is unavailable, the entry is answered as it is, and a refresh still going on stores what it reads.
     */
    @SuppressWarnings("unchecked")
    private <V> V refresh(Map<Object, CompletableFuture<?>> pending, Object key, Loaded<V> entry,
                          Supplier<V> loadAndStore) {
        CompletableFuture<V> refresh = (CompletableFuture<V>) pending.get(key);
        if (refresh == null) {
            CompletableFuture<V> mine = new CompletableFuture<>();
            refresh = (CompletableFuture<V>) pending.putIfAbsent(key, mine);
            if (refresh == null) {
                refresh = mine;
                try {
                    refresher.execute(() -> {
                        try {
                            mine.complete(loadAndStore.get());
                        } catch (Throwable e) {
                            mine.completeExceptionally(e);
                        } finally {
                            pending.remove(key, mine);
                        }
                    });
                } catch (RejectedExecutionException e) {
                    pending.remove(key, mine);
                    stale.inc();
                    return entry.value();
                }
            }
        }
        try {
            return refresh.get(REFRESH_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            stale.inc(); // the database is slow or frozen: never hold a frame for it
            return entry.value();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stale.inc();
            return entry.value();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (DatabaseFailure.of(cause).isPresent()) {
                stale.inc();
                return entry.value();
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        }
    }

    /** Caches what was read at {@code readAt}, unless a change was announced since {@code generation}. */
    private <K, V> void store(Map<K, Loaded<V>> cache, int maxEntries, K key, V value, Instant readAt, long generation) {
        if (cache.size() >= maxEntries) {
            evict(cache, maxEntries, readAt);
        }
        Loaded<V> loaded = new Loaded<>(value, readAt);
        cache.put(key, loaded);
        if (invalidations.get() != generation) {
            // a change was announced while this was read: what was read may predate it
            cache.remove(key, loaded);
        }
    }

    /** Makes room: entries too old to serve even stale first, then expired ones, then everything. */
    private <K, V> void evict(Map<K, Loaded<V>> cache, int maxEntries, Instant now) {
        Duration useless = ttl.plus(staleWhileUnavailable);
        cache.values().removeIf(old -> !now.isBefore(old.at().plus(useless)));
        if (cache.size() >= maxEntries) {
            cache.values().removeIf(old -> !now.isBefore(old.at().plus(ttl)));
        }
        if (cache.size() >= maxEntries) {
            cache.clear();
        }
    }

    private static boolean isOpen(RoomResponse room) {
        return RoomState.OPEN.wireName().equals(room.state());
    }

    /** What was read, and when: fresh for the TTL, then usable while the database is unavailable. */
    private record Loaded<V>(V value, Instant at) {
    }

    private record MemberKey(String roomId, String userId) {
    }
}
