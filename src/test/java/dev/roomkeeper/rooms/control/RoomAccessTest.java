package dev.roomkeeper.rooms.control;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.platform.control.DatabaseAvailability;
import dev.roomkeeper.platform.control.DatabaseProbe;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.rooms.entity.Access;
import dev.roomkeeper.auth.entity.Role;
import dev.roomkeeper.rooms.entity.RoomChange;
import dev.roomkeeper.rooms.entity.RoomResponse;
import dev.roomkeeper.stream.entity.RoomEvent;
import jakarta.persistence.PersistenceException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoomAccessTest {

    private static final String ID = "6f1c2a9e-0b7d-4c1e-9a55-3f2d8c7b1e40";
    private static final RoomResponse OPEN = room("open");
    private static final RoomResponse CLOSED = room("closed");

    private static RoomResponse room(String state) {
        Instant t = Instant.parse("2025-03-01T10:00:00Z");
        return new RoomResponse(ID, "daily", "Daily", "huddle", state, "admin-1", t, t, null, null, null);
    }

    private static Caller user(Map<String, Role> grants) {
        return new Caller("bob", "Bob", null, false, grants, Instant.MAX);
    }

    private static Caller admin() {
        return new Caller("root", "Root", null, true, Map.of(), Instant.MAX);
    }

    private static ProblemException refused(RoomResponse room, Role memberRole, Caller caller) {
        return assertThrows(ProblemException.class, () -> RoomAccess.decide("daily", room, memberRole, caller));
    }

    @Nested
    class Rules {

        @Test
        void anUnknownRoomIsNotFound() {
            ProblemException problem = refused(null, null, admin());

            assertEquals(404, problem.status());
            assertEquals("No room named \"daily\".", problem.getMessage());
        }

        @Test
        void aClosedRoomIsAConflictEvenForAdminsAndMembers() {
            assertEquals("room-closed", refused(CLOSED, Role.HOST, admin()).type());
            assertEquals(409, refused(CLOSED, Role.HOST, user(Map.of())).status());
        }

        @Test
        void adminsAreHostsWithoutBeingMembers() {
            assertEquals(new Access(ID, "daily", Role.HOST), RoomAccess.decide("daily", OPEN, null, admin()));
        }

        @Test
        void membersGetTheirRoleFromTheDatabase() {
            assertEquals(Role.OBSERVER, RoomAccess.decide(ID, OPEN, Role.OBSERVER, user(Map.of())).role());
        }

        @Test
        void accessSaysWhetherItRestsOnAMembershipOrOnTheCallersToken() {
            assertTrue(RoomAccess.decide(ID, OPEN, Role.OBSERVER, user(Map.of())).byMembership());
            assertFalse(RoomAccess.decide(ID, OPEN, null, user(Map.of(ID, Role.HOST))).byMembership());
            assertFalse(RoomAccess.decide(ID, OPEN, null, admin()).byMembership());
        }

        @Test
        void aMembershipWinsOverATokenGrant() {
            Caller granted = user(Map.of(ID, Role.HOST, "daily", Role.HOST));

            assertEquals(Role.OBSERVER, RoomAccess.decide("daily", OPEN, Role.OBSERVER, granted).role());
        }

        @Test
        void aTokenGrantNamesTheRoomByIdOrBySlug() {
            assertEquals(Role.PRESENTER, RoomAccess.decide("daily", OPEN, null, user(Map.of(ID, Role.PRESENTER))).role());
            assertEquals(Role.PARTICIPANT, RoomAccess.decide(ID, OPEN, null, user(Map.of("daily", Role.PARTICIPANT))).role());
        }

        @Test
        void aGrantByIdWinsOverAGrantBySlug() {
            Caller both = user(Map.of(ID, Role.PRESENTER, "daily", Role.OBSERVER));

            assertEquals(Role.PRESENTER, RoomAccess.decide("daily", OPEN, null, both).role());
        }

        @Test
        void anyoneElseIsForbidden() {
            ProblemException problem = refused(OPEN, null, user(Map.of("other-room", Role.HOST)));

            assertEquals(403, problem.status());
            assertEquals("You are not a member of this room.", problem.getMessage());
        }
    }

    @Nested
    class Caching {

        private Instant now = Instant.parse("2025-03-01T10:00:00Z");
        private final Map<String, Integer> roomLoads = new HashMap<>();
        private final Map<String, Integer> roleLoads = new HashMap<>();
        private final Map<String, Integer> memberLoads = new HashMap<>();
        private final Map<String, Role> roles = new HashMap<>();
        private boolean largeRoom;
        private RoomResponse stored = OPEN;
        private Runnable duringRoleLookup = () -> { };
        private final RoomAccess access = new RoomAccess();
        private final Meters metrics = Meters.inMemory();
        /** While set, every lookup fails as Hibernate does when the database is unreachable. */
        private boolean databaseDown;
        private final AtomicLong nanos = new AtomicLong();
        private final List<CompletableFuture<DatabaseProbe.Result>> probes = new CopyOnWriteArrayList<>();
        private final DatabaseAvailability database = new DatabaseAvailability(metrics, new DatabaseProbe() {
            @Override
            public CompletableFuture<Result> start() {
                CompletableFuture<Result> probe = new CompletableFuture<>();
                probes.add(probe);
                return probe;
            }
        }, Duration.ofSeconds(2), nanos::get);

        Caching() {
            access.metrics = metrics;
            access.database = database;
            access.staleWhileUnavailable = Duration.ofMinutes(10);
            access.countCache();
            access.rooms = new RoomDirectory() {
                @Override
                public Optional<RoomResponse> find(String ref) {
                    roomLoads.merge(ref, 1, Integer::sum);
                    failIfDown();
                    return ref.equals(ID) || ref.equals("daily") ? Optional.ofNullable(stored) : Optional.empty();
                }
            };
            access.memberships = new Memberships() {
                @Override
                public Optional<Role> roleOf(String roomId, String userId) {
                    roleLoads.merge(userId, 1, Integer::sum);
                    failIfDown();
                    Optional<Role> role = Optional.ofNullable(roles.get(userId));
                    duringRoleLookup.run();
                    return role;
                }

                @Override
                public Optional<Map<String, Role>> rolesIn(String roomId, int limit) {
                    memberLoads.merge(roomId, 1, Integer::sum);
                    failIfDown();
                    Optional<Map<String, Role>> read = largeRoom ? Optional.empty() : Optional.of(Map.copyOf(roles));
                    duringRoleLookup.run();
                    return read;
                }
            };
            access.ttl = Duration.ofSeconds(5);
            tick(Duration.ZERO);
        }

        /** A database lookup that hangs until the test lets it go (at most 10 s). */
        private static void awaitThaw(CountDownLatch frozen) {
            try {
                frozen.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void failIfDown() {
            if (databaseDown) {
                throw new PersistenceException(new SQLException("Connection to localhost:5432 refused.", "08001"));
            }
        }

        private void tick(Duration by) {
            now = now.plus(by);
            access.clock = Clock.fixed(now, ZoneOffset.UTC);
        }

        @Test
        void repeatedResolvesWithinTheTtlLookUpOnce() {
            roles.put("bob", Role.PARTICIPANT);

            for (int i = 0; i < 3; i++) {
                assertEquals(Role.PARTICIPANT, access.resolve("Daily", user(Map.of())).role());
                tick(Duration.ofSeconds(1));
            }

            assertEquals(Map.of("daily", 1), roomLoads);
            assertEquals(Map.of(ID, 1), memberLoads);
        }

        @Test
        void aRoomsMembersAreLookedUpOnceForAllOfThem() {
            roles.put("bob", Role.PARTICIPANT);
            Caller ann = new Caller("ann", "Ann", null, false, Map.of("daily", Role.OBSERVER), Instant.MAX);

            assertEquals(Role.PARTICIPANT, access.resolve("daily", user(Map.of())).role());
            assertEquals(Role.OBSERVER, access.resolve("daily", ann).role());

            assertEquals(Map.of(ID, 1), memberLoads);
            assertEquals(Map.of(), roleLoads);
        }

        @Test
        void aLargeRoomIsLookedUpPerMember() {
            largeRoom = true;
            roles.put("bob", Role.HOST);

            assertEquals(Role.HOST, access.resolve("daily", user(Map.of())).role());
            assertEquals(Role.HOST, access.resolve("daily", user(Map.of())).role());

            assertEquals(Map.of(ID, 1), memberLoads);
            assertEquals(Map.of("bob", 1), roleLoads);
            // each resolve asks for the room, the room's member list (too large: remembered as such) and the member
            assertEquals(3, metrics.counter("roomkeeper.rooms.access.cache", "result", "miss").count());
            assertEquals(3, metrics.counter("roomkeeper.rooms.access.cache", "result", "hit").count());
            assertEquals(3.0, metrics.gauge("roomkeeper.rooms.access.cache.size"), "the room, its member list, the membership");
        }

        @Test
        void entriesAreLookedUpAgainOnceTheTtlHasPassed() {
            access.resolve("daily", user(Map.of("daily", Role.OBSERVER)));
            roles.put("bob", Role.HOST);
            tick(Duration.ofSeconds(5));

            assertEquals(Role.HOST, access.resolve("daily", user(Map.of("daily", Role.OBSERVER))).role());
            assertEquals(2, roomLoads.get("daily"));
            assertEquals(2, memberLoads.get(ID));
        }

        @Test
        void aCommittedMembershipChangeOnThisNodeIsSeenAtOnce() {
            assertEquals(403, assertThrows(ProblemException.class,
                    () -> access.resolve("daily", user(Map.of()))).status());
            roles.put("bob", Role.PRESENTER);

            access.onChange(new RoomChange.MemberAdded(ID, "bob", Role.PRESENTER));

            assertEquals(Role.PRESENTER, access.resolve("daily", user(Map.of())).role());
            assertEquals(1, metrics.counter("roomkeeper.rooms.access.cache.invalidations").count());
        }

        @Test
        void aCommittedCloseOnThisNodeIsSeenAtOnceUnderIdAndSlug() {
            access.resolve("daily", admin());
            access.resolve(ID, admin());
            stored = CLOSED;

            access.onChange(new RoomChange.Closed(ID, "daily", null, "admin-1", now));

            assertEquals(409, assertThrows(ProblemException.class, () -> access.resolve("daily", admin())).status());
            assertEquals(409, assertThrows(ProblemException.class, () -> access.resolve(ID, admin())).status());
        }

        @Test
        void aRoomCreatedOnThisNodeReplacesACachedMiss() {
            stored = null;
            assertEquals(404, assertThrows(ProblemException.class, () -> access.resolve("daily", admin())).status());
            stored = OPEN;

            access.onChange(new RoomChange.Created(ID, "daily"));

            assertEquals(Role.HOST, access.resolve("daily", admin()).role());
        }

        /** What every node does with a room event: turn an access announcement into an AccessChange, observed by the cache. */
        private void announce(RoomEvent event) {
            AccessChanges.changeOf(event).ifPresent(access::onAccessChange);
        }

        private RoomEvent event(String type, String data) {
            return new RoomEvent(ID, 7, type, data, now.toEpochMilli());
        }

        private int status(Caller caller) {
            return assertThrows(ProblemException.class, () -> access.resolve("daily", caller)).status();
        }

        @Test
        void aUserKeepsAccessWithoutATokenWhileTheRoomIsOpenAndTheMembershipLasts() {
            roles.put("bob", Role.PARTICIPANT);

            assertTrue(access.keeps(ID, "bob", true));
            assertFalse(access.keeps(ID, "eve", true), "never a member");
            assertTrue(access.keeps(ID, "eve", false), "granted by a token, which bounds it");
            assertFalse(access.keeps("daily", "bob", true), "a room token names the room by id");

            roles.remove("bob");
            announce(event("member.removed", "{\"userId\":\"bob\",\"role\":\"participant\"}"));
            assertFalse(access.keeps(ID, "bob", true), "removed");

            stored = CLOSED;
            announce(event("room.closed", "{\"closedBy\":\"admin\",\"reason\":\"done\"}"));
            assertFalse(access.keeps(ID, "eve", false), "the room closed");
        }

        @Test
        void aRemovalAnnouncedOnTheStreamFromAnyNodeIsSeenAtOnce() {
            roles.put("bob", Role.PARTICIPANT);
            access.resolve("daily", user(Map.of()));
            roles.remove("bob");

            announce(event("member.removed", "{\"userId\":\"bob\",\"role\":\"participant\"}"));

            assertEquals(403, status(user(Map.of())));
        }

        @Test
        void aRoleChangeOrAnAdditionAnnouncedOnTheStreamIsSeenAtOnce() {
            assertEquals(403, status(user(Map.of())));
            roles.put("bob", Role.OBSERVER);
            announce(event("member.added", "{\"userId\":\"bob\",\"role\":\"observer\"}"));
            assertEquals(Role.OBSERVER, access.resolve("daily", user(Map.of())).role());

            roles.put("bob", Role.HOST);
            announce(event("member.role-changed", "{\"userId\":\"bob\",\"role\":\"host\"}"));

            assertEquals(Role.HOST, access.resolve("daily", user(Map.of())).role());
        }

        @Test
        void aCloseAnnouncedOnTheStreamIsSeenAtOnceUnderIdAndSlug() {
            access.resolve("daily", admin());
            access.resolve(ID, admin());
            stored = CLOSED;

            announce(event("room.closed", "{\"reason\":null,\"closedAt\":\"2025-03-01T10:00:00Z\"}"));

            assertEquals(409, assertThrows(ProblemException.class, () -> access.resolve("daily", admin())).status());
            assertEquals(409, assertThrows(ProblemException.class, () -> access.resolve(ID, admin())).status());
        }

        @Test
        void eventsNotAboutAccessKeepTheCacheAndAMemberChangeReloadsTheRoomsMembersOnly() {
            roles.put("bob", Role.PARTICIPANT);
            access.resolve("daily", user(Map.of()));

            announce(event("presence.join", "{\"userId\":\"bob\"}"));
            announce(event("message", "{\"from\":{\"userId\":\"bob\"}}"));
            access.resolve("daily", user(Map.of()));
            assertEquals(Map.of(ID, 1), memberLoads);

            // a room's members are cached together: another member's change reloads them, not the room
            announce(event("member.removed", "{\"userId\":\"carol\",\"role\":\"host\"}"));
            assertEquals(Role.PARTICIPANT, access.resolve("daily", user(Map.of())).role());
            assertEquals(Map.of(ID, 2), memberLoads);
            assertEquals(Map.of("daily", 1), roomLoads);
        }

        @Test
        void aLookupThatRacedAnAnnouncedChangeIsNotCached() {
            roles.put("bob", Role.PARTICIPANT);
            // the removal is announced while the old membership is being read
            duringRoleLookup = () -> {
                roles.remove("bob");
                announce(event("member.removed", "{\"userId\":\"bob\",\"role\":\"participant\"}"));
            };
            assertEquals(Role.PARTICIPANT, access.resolve("daily", user(Map.of())).role());
            duringRoleLookup = () -> { };

            assertEquals(403, status(user(Map.of())));
        }

        @Test
        void adminsNeedNoMembershipLookup() {
            access.resolve("daily", admin());

            assertEquals(Map.of(), memberLoads);
            assertEquals(Map.of(), roleLoads);
        }

        @Test
        void aZeroTtlTurnsTheCacheOff() {
            access.ttl = Duration.ZERO;

            access.resolve("daily", admin());
            access.resolve("daily", admin());

            assertEquals(2, roomLoads.get("daily"));
        }

        @Test
        void knownRoomsAndMembersAreAnsweredFromTheCacheWhileTheDatabaseIsUnreachable() {
            roles.put("bob", Role.PARTICIPANT);
            access.resolve("daily", user(Map.of()));
            tick(Duration.ofMinutes(1));
            databaseDown = true;

            assertEquals(Role.PARTICIPANT, access.resolve("daily", user(Map.of())).role());
            assertEquals(Role.PARTICIPANT, access.resolve("daily", user(Map.of())).role());
            assertEquals(Role.HOST, access.resolve("daily", admin()).role());

            assertEquals(2, roomLoads.get("daily"), "one load found the database unreachable; none after it");
            assertEquals(1, memberLoads.get(ID), "the room's failed load marked the database down first");
            assertEquals(5, metrics.counter("roomkeeper.rooms.access.cache", "result", "stale").count());
            assertFalse(database.available());
        }

        @Test
        void whatIsNotCachedIsA503WhileTheDatabaseIsUnreachable() {
            databaseDown = true;

            ProblemException problem = assertThrows(ProblemException.class, () -> access.resolve("daily", admin()));

            assertEquals(503, problem.status());
            assertEquals("database-unavailable", problem.type());
            assertEquals(2, problem.retryAfterSeconds());
            // the next one is refused without asking the database
            assertEquals(503, status(admin()));
            assertEquals(1, roomLoads.get("daily"));
        }

        @Test
        void aNewMemberOfAKnownRoomIsA503WhileTheDatabaseIsUnreachableForLargeRooms() {
            largeRoom = true;
            roles.put("bob", Role.PARTICIPANT);
            access.resolve("daily", user(Map.of()));
            databaseDown = true;
            Caller carol = new Caller("carol", "Carol", null, false, Map.of(), Instant.MAX);

            assertEquals(503, status(carol));
            assertEquals(Role.PARTICIPANT, access.resolve("daily", user(Map.of())).role(), "bob is still known");
        }

        @Test
        void entriesOlderThanTheStaleBoundAreNotUsed() {
            access.resolve("daily", admin());
            tick(Duration.ofSeconds(5).plus(Duration.ofMinutes(10)));
            databaseDown = true;

            assertEquals(503, status(admin()));
        }

        @Test
        void aZeroStaleBoundTurnsTheFallbackOff() {
            access.staleWhileUnavailable = Duration.ZERO;
            access.resolve("daily", admin());
            tick(Duration.ofSeconds(5));
            databaseDown = true;

            assertEquals(503, status(admin()));
        }

        @Test
        void aRemovalAnnouncedDuringTheOutageIsRefusedNotAnsweredFromTheCache() {
            roles.put("bob", Role.PARTICIPANT);
            access.resolve("daily", user(Map.of()));
            databaseDown = true;

            announce(event("member.removed", "{\"userId\":\"bob\",\"role\":\"participant\"}"));

            assertEquals(503, status(user(Map.of())));
        }

        @Test
        void onceAProbeGetsAnAnswerExpiredEntriesAreLoadedAgain() {
            access.resolve("daily", admin());
            tick(Duration.ofSeconds(6));
            databaseDown = true;
            access.resolve("daily", admin());
            nanos.addAndGet(Duration.ofSeconds(2).toNanos());
            access.resolve("daily", admin()); // answered stale; starts the probe
            databaseDown = false;

            probes.get(0).complete(DatabaseProbe.Result.up("PostgreSQL"));
            stored = CLOSED;

            assertEquals(409, status(admin()));
        }

        @Test
        void whileNoDatabaseCallFinishesForASecondExpiredEntriesAreAnsweredWithoutWaiting() throws Exception {
            access.resolve("daily", admin());
            tick(Duration.ofSeconds(6));
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch started = new CountDownLatch(1);
            ExecutorService frozen = Executors.newSingleThreadExecutor();
            try {
                Future<?> call = frozen.submit(() -> database.run(() -> {
                    started.countDown();
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
                assertTrue(started.await(10, TimeUnit.SECONDS));
                nanos.addAndGet(Duration.ofMillis(1500).toNanos());

                assertEquals(Role.HOST, access.resolve("daily", admin()).role());
                assertEquals(1, roomLoads.get("daily"), "answered without a load");

                release.countDown();
                call.get(10, TimeUnit.SECONDS);
            } finally {
                frozen.shutdownNow();
            }
        }

        @Test
        void aRefreshThatTheDatabaseDoesNotAnswerSoonIsNotWaitedForAndStoresWhatItReadsLater() throws Exception {
            roles.put("bob", Role.PARTICIPANT);
            access.resolve("daily", user(Map.of()));
            tick(Duration.ofSeconds(6));
            CountDownLatch frozen = new CountDownLatch(1);
            CountDownLatch reading = new CountDownLatch(1);
            duringRoleLookup = () -> {
                reading.countDown();
                awaitThaw(frozen);
            };
            ExecutorService refresher = Executors.newSingleThreadExecutor();
            access.refresher = refresher;
            try {
                roles.put("bob", Role.HOST);

                assertEquals(Role.PARTICIPANT, access.resolve("daily", user(Map.of())).role(), "answered from memory");
                assertTrue(reading.await(10, TimeUnit.SECONDS));
                assertEquals(1, frozen.getCount(), "while the database had not answered yet");

                duringRoleLookup = () -> { };
                frozen.countDown();
                Awaitility.await("the refresh stored").atMost(Duration.ofSeconds(10))
                        .until(() -> access.resolve("daily", user(Map.of())).role() == Role.HOST);
            } finally {
                frozen.countDown();
                refresher.shutdownNow();
            }
        }

        @Test
        void lookupsOfAnEntryBeingRefreshedWaitForThatRefreshInsteadOfStartingTheirOwn() throws Exception {
            roles.put("bob", Role.PARTICIPANT);
            access.resolve("daily", user(Map.of()));
            tick(Duration.ofSeconds(6));
            CountDownLatch frozen = new CountDownLatch(1);
            duringRoleLookup = () -> awaitThaw(frozen);
            AtomicInteger submitted = new AtomicInteger();
            ExecutorService pool = Executors.newCachedThreadPool();
            access.refresher = task -> {
                submitted.incrementAndGet();
                pool.execute(task);
            };
            try {
                roles.put("bob", Role.HOST);
                for (int i = 0; i < 3; i++) {
                    assertEquals(Role.PARTICIPANT, access.resolve("daily", user(Map.of())).role(), "answered from memory");
                }

                assertEquals(2, submitted.get(), "one refresh of the room and one of its members, for three lookups");
                assertEquals(2, memberLoads.get(ID));
                duringRoleLookup = () -> { };
                frozen.countDown();
                Awaitility.await("the refresh stored").atMost(Duration.ofSeconds(10))
                        .until(() -> access.resolve("daily", user(Map.of())).role() == Role.HOST);
                assertEquals(2, submitted.get(), "nothing expired since");
            } finally {
                frozen.countDown();
                pool.shutdownNow();
            }
        }

        @Test
        void aRefreshThatFindsTheDatabaseUnreachableAnswersFromMemory() {
            access.refresher = Runnable::run;
            access.resolve("daily", admin());
            tick(Duration.ofSeconds(6));
            databaseDown = true;

            assertEquals(Role.HOST, access.resolve("daily", admin()).role());
            assertFalse(database.available());
        }

        @Test
        void aCallWithoutACallerIsUnauthorized() {
            assertEquals(401, assertThrows(ProblemException.class, () -> access.resolve("daily", null)).status());
        }
    }
}
