package dev.roomkeeper.rooms.control;

import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.rooms.entity.AddMemberRequest;
import dev.roomkeeper.rooms.entity.CreateRoomRequest;
import dev.roomkeeper.platform.entity.Page;
import dev.roomkeeper.platform.entity.PageRequest;
import dev.roomkeeper.rooms.entity.RoomChange;
import dev.roomkeeper.rooms.entity.RoomFilter;
import dev.roomkeeper.rooms.entity.RoomResponse;
import dev.roomkeeper.rooms.entity.RoomState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoomDirectoryTest {

    private final Rooms rooms = new Rooms();

    @AfterEach
    void close() {
        rooms.close();
    }

    private RoomResponse create(String slug, String title, String kind) {
        rooms.tick(Duration.ofSeconds(1));
        return rooms.tx(() -> rooms.directory.create(new CreateRoomRequest(slug, title, kind), "admin-1"));
    }

    @Test
    void createMakesAnOpenHuddleWithASlugFromTheTitle() {
        RoomResponse room = create(null, "  Daily Stand-up  ", null);

        assertEquals("daily-stand-up", room.slug());
        assertEquals("Daily Stand-up", room.title());
        assertEquals("huddle", room.kind());
        assertEquals("open", room.state());
        assertEquals("admin-1", room.createdBy());
        assertEquals(room.createdAt(), room.updatedAt());
        assertNull(room.closedAt());
        assertEquals(36, room.id().length());
        assertEquals(List.of(new RoomChange.Created(room.id(), "daily-stand-up")), rooms.changes.fired);
        assertEquals(room, rooms.directory.find(room.id()).orElseThrow());
    }

    @Test
    void createAppendsANumericSuffixWhileTheGeneratedSlugIsTaken() {
        create(null, "Retro", null);
        create("retro-standup", "Other", null);

        assertEquals("retro-2", create(null, "Retro", null).slug());
        assertEquals("retro-3", create(null, "RETRO!", null).slug());
    }

    @Test
    void createRefusesASlugThatWasAskedForAndIsTaken() {
        create("planning", "Planning", "team");

        ProblemException conflict = assertThrows(ProblemException.class, () -> create("planning", "Again", null));
        assertEquals(409, conflict.status());
        assertEquals(1, rooms.directory.list(PageRequest.first(), RoomFilter.ALL).total());
    }

    @Test
    void createRejectsInvalidFieldsEvenWithoutBeanValidation() {
        ProblemException invalid = assertThrows(ProblemException.class, () -> create("Bad Slug", " ", "No Spaces"));

        assertEquals(400, invalid.status());
        assertEquals(List.of("slug", "title", "kind"), invalid.errors().stream().map(e -> e.field()).toList());
    }

    @Test
    void findAcceptsTheIdOrTheSlugInAnyCase() {
        RoomResponse room = create("town-hall", "Town hall", "all-hands");

        assertEquals(room.id(), rooms.directory.find("town-hall").orElseThrow().id());
        assertEquals(room.id(), rooms.directory.find(" Town-Hall ").orElseThrow().id());
        assertEquals(room.id(), rooms.directory.find(room.id().toUpperCase()).orElseThrow().id());
        assertTrue(rooms.directory.find("nowhere").isEmpty());
        assertTrue(rooms.directory.find("00000000-0000-4000-8000-000000000000").isEmpty());
        assertTrue(rooms.directory.find("").isEmpty());
        ProblemException missing = assertThrows(ProblemException.class, () -> rooms.directory.get("nowhere"));
        assertEquals(404, missing.status());
        assertEquals("No room named \"nowhere\".", missing.getMessage());
    }

    @Test
    void listAnswersNewestFirstOnePageAtATimeWithTheTotal() {
        for (int i = 1; i <= 5; i++) {
            create("room-" + i, "Room " + i, null);
        }

        Page<RoomResponse> page = rooms.directory.list(new PageRequest(1, 2), RoomFilter.ALL);

        assertEquals(List.of("room-4", "room-3"), page.items().stream().map(RoomResponse::slug).toList());
        assertEquals(5, page.total());
        assertEquals(1, page.offset());
        assertEquals(2, page.limit());
        assertTrue(rooms.directory.list(new PageRequest(10, 2), RoomFilter.ALL).items().isEmpty());
    }

    @Test
    void listNarrowsByStateAndKind() {
        create("a-huddle", "A", null);
        create("b-talk", "B", "talk");
        create("c-talk", "C", "talk");
        rooms.tx(() -> rooms.directory.close("c-talk", "done", "admin-1"));

        assertEquals(List.of("b-talk"), slugs(rooms.directory.list(PageRequest.first(),
                new RoomFilter(RoomState.OPEN, "talk"))));
        assertEquals(List.of("c-talk"), slugs(rooms.directory.list(PageRequest.first(),
                new RoomFilter(RoomState.CLOSED, null))));
        assertEquals(List.of("c-talk", "b-talk"), slugs(rooms.directory.list(PageRequest.first(),
                new RoomFilter(null, "talk"))));
    }

    @Test
    void listForMemberFindsMembershipsAndRoomsGrantedById() {
        RoomResponse joined = create("joined", "Joined", null);
        RoomResponse granted = create("granted", "Granted", null);
        create("elsewhere", "Elsewhere", null);
        RoomResponse bySlug = create("by-slug", "By slug", null);
        rooms.tx(() -> rooms.memberships.add("joined", new AddMemberRequest("bob", "participant")));

        Page<RoomResponse> mine = rooms.directory.listForMember("bob", Set.of(granted.id(), "BY-SLUG", "missing"),
                PageRequest.first(), RoomFilter.ALL);

        assertEquals(List.of(bySlug.slug(), granted.slug(), joined.slug()), slugs(mine));
        assertEquals(List.of("joined"), slugs(rooms.directory.listForMember("bob", Set.of(), PageRequest.first(),
                RoomFilter.ALL)));
        assertEquals(0, rooms.directory.listForMember("carol", null, PageRequest.first(), RoomFilter.ALL).total());
    }

    @Test
    void closeClosesOnceAndAnswersAClosedRoomUnchanged() {
        RoomResponse room = create("weekly", "Weekly", null);
        rooms.changes.fired.clear();
        rooms.tick(Duration.ofMinutes(5));

        RoomResponse closed = rooms.tx(() -> rooms.directory.close("weekly", "  Meeting over ", "admin-1"));
        rooms.tick(Duration.ofMinutes(5));
        RoomResponse again = rooms.tx(() -> rooms.directory.close(room.id(), "another reason", "admin-1"));

        assertEquals("closed", closed.state());
        assertEquals("Meeting over", closed.closeReason());
        assertNotNull(closed.closedAt());
        assertEquals(closed.closedAt(), closed.updatedAt());
        assertEquals(closed, again);
        assertEquals("admin-1", closed.closedBy());
        assertEquals(List.of(new RoomChange.Closed(room.id(), "weekly", "Meeting over", "admin-1", closed.closedAt())),
                rooms.changes.fired);
        assertEquals("closed", rooms.directory.get("weekly").state());
    }

    @Test
    void closeWithoutReasonStoresNone() {
        create("quiet", "Quiet", null);

        assertNull(rooms.tx(() -> rooms.directory.close("quiet", "   ", "admin-1")).closeReason());
    }

    @Test
    void closeAnswers404ForAnUnknownRoomAnd400ForAnOverlongReason() {
        create("known", "Known", null);

        assertEquals(404, assertThrows(ProblemException.class,
                () -> rooms.tx(() -> rooms.directory.close("unknown", null, "admin-1"))).status());
        ProblemException invalid = assertThrows(ProblemException.class,
                () -> rooms.tx(() -> rooms.directory.close("known", "x".repeat(201), "admin-1")));
        assertEquals("reason", invalid.errors().get(0).field());
        assertEquals("open", rooms.directory.get("known").state());
    }

    private static List<String> slugs(Page<RoomResponse> page) {
        return page.items().stream().map(RoomResponse::slug).toList();
    }
}
