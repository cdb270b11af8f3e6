package dev.roomkeeper.polls.entity;

import dev.roomkeeper.rooms.TestDatabase;
import dev.roomkeeper.rooms.entity.Membership;
import dev.roomkeeper.rooms.entity.Room;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The poll entities must validate against the migrations on H2 (V7), as hbm2ddl=validate does at deployment. */
class PollsSchemaTest {

    private static final String ROOM = "11111111-1111-4111-8111-111111111111";
    private static final Instant CREATED = Instant.parse("2025-03-01T10:00:00.123Z");
    private static final Poll POLL = new Poll("p000000000000001", ROOM, "Lunch?", List.of(new PollOption("a", "Yes"),
            new PollOption("b", "No")), false, "ann", CREATED.toEpochMilli(), CREATED.toEpochMilli() + 60_000, false, 0,
            null, null);

    private static SessionFactory database() {
        SessionFactory factory = TestDatabase.sessionFactory(TestDatabase.migrated(), Room.class, Membership.class,
                PollRecord.class, VoteRecord.class);
        factory.inTransaction(session -> session.persist(new Room(ROOM, "daily", "Daily", "huddle", "ann", CREATED)));
        return factory;
    }

    @Test
    void aPollIsRecordedOpenThenClosedWithItsCountsAndOneRowPerVote() {
        try (SessionFactory factory = database()) {
            factory.inTransaction(session -> session.persist(new PollRecord(POLL, "[{\"id\":\"a\",\"text\":\"Yes\"}]")));
            Tally tally = new Tally(POLL.id(), java.util.Map.of("a", 1L, "b", 1L), 2,
                    List.of(new Tally.Vote("bob", List.of("a"), CREATED.toEpochMilli() + 5, 7),
                            new Tally.Vote("cy", List.of("b"), CREATED.toEpochMilli() + 6, 8)));
            factory.inTransaction(session -> {
                PollRecord record = session.find(PollRecord.class, POLL.id());
                record.close(CREATED.plusSeconds(60), CloseReason.ROOM_CLOSED, null, 2, "{\"a\":1,\"b\":1}");
                tally.votes().forEach(v -> session.persist(new VoteRecord(POLL.id(), v)));
            });
            factory.inSession(session -> {
                assertEquals("room-closed", session.createNativeQuery(
                        "select close_reason from poll where id = 'p000000000000001'", String.class).getSingleResult());
                PollRecord read = session.find(PollRecord.class, POLL.id());
                assertEquals(CREATED.plusSeconds(60), read.getClosedAt());
                assertEquals(CREATED.plusSeconds(60), read.getClosesAt());
                assertEquals(2, read.getTotalVoters());
                List<VoteRecord> votes = session.createQuery("select v from VoteRecord v order by v.userId",
                        VoteRecord.class).getResultList();
                assertEquals(List.of("a"), votes.get(0).getOptions());
                assertEquals(8, votes.get(1).getSeq());
            });
        }
    }

    @Test
    void oneVotePerUserAndPollAndAReasonOfTheList() {
        try (SessionFactory factory = database()) {
            factory.inTransaction(session -> session.persist(new PollRecord(POLL, "[]")));
            Tally.Vote vote = new Tally.Vote("bob", List.of("a"), 1, 3);
            factory.inTransaction(session -> session.persist(new VoteRecord(POLL.id(), vote)));
            assertThrows(RuntimeException.class, () -> factory.inTransaction(session ->
                    session.persist(new VoteRecord(POLL.id(), vote))));
            assertThrows(RuntimeException.class, () -> factory.inTransaction(session -> session.createNativeMutationQuery(
                    "update poll set close_reason = 'bored'").executeUpdate()));
            factory.inTransaction(session -> session.createNativeMutationQuery("delete from room").executeUpdate());
            long left = factory.fromSession(session -> session.createNativeQuery(
                    "select count(*) from poll_vote", Long.class).getSingleResult());
            assertEquals(0, left, "votes go with their room's poll");
        }
    }
}
