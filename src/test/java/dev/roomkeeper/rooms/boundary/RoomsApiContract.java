package dev.roomkeeper.rooms.boundary;

import dev.roomkeeper.testing.Api;
import dev.roomkeeper.testing.Fixtures;
import dev.roomkeeper.testing.PayaraNode;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rooms and members over REST, as the integrating application's backend uses them. */
abstract class RoomsApiContract {

    abstract PayaraNode node();

    Fixtures fx;
    Api admin;

    @BeforeEach
    void setUp() {
        fx = new Fixtures(node());
        admin = fx.admin();
    }

    @Test
    void createGetAndCloseARoomBySlugOrId() {
        String slug = Fixtures.unique("standup");
        Api.Reply created = admin.post("/api/rooms", "{\"title\":\"Daily standup\",\"slug\":\"" + slug + "\",\"kind\":\"class\"}");
        assertEquals(201, created.status(), created::toString);
        JsonObject room = created.json();
        assertTrue(created.raw().headers().firstValue("Location").orElse("").endsWith("/api/rooms/" + room.getString("id")));
        assertEquals("open", room.getString("state"));
        assertEquals("class", room.getString("kind"));
        assertEquals(room.getString("id"), admin.get("/api/rooms/" + slug).json().getString("id"));
        Api.Reply closed = admin.post("/api/rooms/" + slug + "/close", "{\"reason\":\"finished\"}");
        assertEquals(200, closed.status(), closed::toString);
        assertEquals("closed", closed.json().getString("state"));
        assertEquals("finished", closed.json().getString("closeReason"));
        assertEquals(200, admin.post("/api/rooms/" + slug + "/close", null).status(), "closing twice is harmless");
    }

    @Test
    void aTakenSlugConflictsAndAGeneratedSlugComesFromTheTitle() {
        String slug = Fixtures.unique("dup");
        assertEquals(201, admin.post("/api/rooms", "{\"title\":\"A\",\"slug\":\"" + slug + "\"}").status());
        Api.Reply again = admin.post("/api/rooms", "{\"title\":\"B\",\"slug\":\"" + slug + "\"}");
        assertEquals(409, again.status());
        assertTrue(again.isProblem());
        String generated = admin.post("/api/rooms", "{\"title\":\"Friday Watch Party\"}").json().getString("slug");
        assertTrue(generated.startsWith("friday-watch-party"), generated);
    }

    @Test
    void invalidBodiesAndParametersAreProblemsListingTheFields() {
        Api.Reply empty = admin.post("/api/rooms", "{\"title\":\"\",\"slug\":\"Not A Slug!\"}");
        assertEquals(400, empty.status(), empty::toString);
        assertTrue(empty.isProblem());
        Set<String> fields = empty.json().getJsonArray("errors").getValuesAs(JsonValue::asJsonObject).stream()
                .map(e -> e.getString("field")).collect(Collectors.toSet());
        assertTrue(fields.containsAll(Set.of("title", "slug")), fields::toString);

        Api.Reply malformed = admin.post("/api/rooms", "{\"title\": ");
        assertEquals(400, malformed.status(), malformed::toString);
        assertTrue(malformed.isProblem());
        assertTrue(!malformed.body().contains("Exception"), "no internals: " + malformed.body());

        Api.Reply mistyped = admin.post("/api/rooms", "{\"title\":5}");
        assertEquals(400, mistyped.status(), mistyped::toString);
        JsonObject error = mistyped.json().getJsonArray("errors").getJsonObject(0);
        assertEquals("title", error.getString("field"), mistyped::toString);
        assertEquals("must be a string", error.getString("message"));
        assertEquals(200, admin.get("/api/rooms?limit=1").status(), "no room titled \"5\" was made, and nothing broke");

        Api.Reply badPage = admin.get("/api/rooms?limit=0&offset=-1");
        assertEquals(400, badPage.status());
        assertTrue(badPage.isProblem());

        Api.Reply wrongType = admin.send("POST", "/api/rooms", "title=x", "text/plain");
        assertEquals(415, wrongType.status());
        assertTrue(wrongType.isProblem());
    }

    /** PostgreSQL text cannot hold a NUL: a title, reason or user id with one was a server error, not the client's 400. */
    @Test
    void controlCharactersInNamesAndReasonsAreRefusedNamingEachField() {
        Api.Reply title = admin.post("/api/rooms", "{\"title\":\"Daily\\u0000review\",\"kind\":\"no way\"}");
        assertEquals(400, title.status(), title::toString);
        assertTrue(title.isProblem(), title::toString);
        Set<String> fields = title.json().getJsonArray("errors").getValuesAs(JsonValue::asJsonObject).stream()
                .map(e -> e.getString("field")).collect(Collectors.toSet());
        assertEquals(Set.of("title", "kind"), fields, title::toString);
        String room = fx.room().getString("id");
        for (String userId : new String[]{"ada\\u0000", "ada\\n", "ada\\u007f", "ada\\u0085"}) {
            Api.Reply member = admin.post("/api/rooms/" + room + "/members", "{\"userId\":\"" + userId + "\",\"role\":\"host\"}");
            assertEquals(400, member.status(), member::toString);
            assertEquals("userId", member.json().getJsonArray("errors").getJsonObject(0).getString("field"), member::toString);
        }
        Api.Reply reason = admin.post("/api/rooms/" + room + "/close", "{\"reason\":\"done\\u0000\"}");
        assertEquals(400, reason.status(), reason::toString);
        assertEquals("reason", reason.json().getJsonArray("errors").getJsonObject(0).getString("field"), reason::toString);
        Api.Reply signed = admin.get("/api/rooms/" + room + "/members?offset=%2B1&limit=18446744073709551626");
        assertEquals(400, signed.status(), signed::toString);
        Set<String> params = signed.json().getJsonArray("errors").getValuesAs(JsonValue::asJsonObject).stream()
                .map(e -> e.getString("field")).collect(Collectors.toSet());
        assertEquals(Set.of("offset", "limit"), params, "+1 and 2^64+10 are not read as 1 and 10: " + signed);
        Api.Reply nul = admin.get("/api/rooms/" + room + "/members?limit=%00&offset=%ED%A0%80");
        assertEquals(400, nul.status(), nul::toString);
        Set<String> encoded = nul.json().getJsonArray("errors").getValuesAs(JsonValue::asJsonObject).stream()
                .map(e -> e.getString("field")).collect(Collectors.toSet());
        assertEquals(Set.of("offset", "limit"), encoded, nul::toString);
        assertEquals("open", admin.get("/api/rooms/" + room).json().getString("state"), "refused means unchanged");
    }

    @Test
    void listsArePaginated() {
        String kind = "k" + Fixtures.unique("p").replace("-", "").substring(0, 8);
        for (int i = 0; i < 5; i++) {
            assertEquals(201, admin.post("/api/rooms", "{\"title\":\"Paged " + i + "\",\"kind\":\"" + kind + "\"}").status());
        }
        JsonObject first = admin.get("/api/rooms?kind=" + kind + "&limit=2&offset=0").json();
        assertEquals(5, first.getInt("total"));
        assertEquals(2, first.getJsonArray("items").size());
        JsonObject last = admin.get("/api/rooms?kind=" + kind + "&limit=2&offset=4").json();
        assertEquals(1, last.getJsonArray("items").size());
    }

    @Test
    void membersAreAddedListedChangedAndRemoved() {
        String room = fx.room().getString("id");
        fx.member(room, "ada", "host");
        assertEquals(409, admin.post("/api/rooms/" + room + "/members", "{\"userId\":\"ada\",\"role\":\"host\"}").status());
        assertEquals(400, admin.post("/api/rooms/" + room + "/members", "{\"userId\":\"bob\",\"role\":\"owner\"}").status());
        fx.member(room, "bob", "participant");
        Api.Reply changed = admin.patch("/api/rooms/" + room + "/members/bob", "{\"role\":\"presenter\"}");
        assertEquals(200, changed.status(), changed::toString);
        assertEquals("presenter", changed.json().getString("role"));
        JsonObject list = fx.as("ada").get("/api/rooms/" + room + "/members").json();
        assertEquals(2, list.getInt("total"));
        assertEquals(204, admin.delete("/api/rooms/" + room + "/members/bob").status());
        assertEquals(404, admin.delete("/api/rooms/" + room + "/members/bob").status());
        assertEquals(403, fx.as("bob").get("/api/rooms/" + room + "/members").status(), "bob is no longer a member");
    }

    @Test
    void myRoomsListsTheCallersMemberships() {
        String room = fx.room().getString("id");
        String user = Fixtures.unique("me");
        fx.member(room, user, "observer");
        JsonObject mine = fx.as(user).get("/api/me/rooms").json();
        assertTrue(mine.getJsonArray("items").getValuesAs(JsonValue::asJsonObject).stream()
                .anyMatch(r -> room.equals(r.getString("id"))), mine::toString);
    }

    @Test
    void authIsRequiredAndAdminCallsNeedTheAdminRole() {
        Api anonymous = new Api(node().base(), null);
        Api.Reply missing = anonymous.get("/api/rooms");
        assertEquals(401, missing.status());
        assertTrue(missing.isProblem());
        assertTrue(missing.raw().headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        assertEquals(401, anonymous.as("garbage.token.here").get("/api/rooms").status());
        assertEquals(401, anonymous.as(dev.roomkeeper.testing.TestTokens.forUser("x")
                .expiresAt(java.time.Instant.now().minusSeconds(3600)).hs256(dev.roomkeeper.testing.Servers.SECRET)).get("/api/rooms").status());
        Api.Reply notAdmin = fx.as("ada").post("/api/rooms", "{\"title\":\"mine\"}");
        assertEquals(403, notAdmin.status());
        assertTrue(notAdmin.isProblem());
        assertEquals(403, fx.as("ada").get("/api/rooms").status());
        String room = fx.room().getString("id");
        assertEquals(403, fx.as("stranger").get("/api/rooms/" + room).status());
    }

    @Test
    void unknownPathsAndRoomsAreNotFoundProblems() {
        Api.Reply path = admin.get("/api/nothing-here");
        assertEquals(404, path.status());
        assertTrue(path.isProblem());
        Api.Reply room = admin.get("/api/rooms/no-such-room-anywhere");
        assertEquals(404, room.status());
        assertTrue(room.isProblem());
    }
}
