package dev.roomkeeper.presence.boundary;

import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.presence.control.ParsedMetadata;
import dev.roomkeeper.presence.entity.PresenceListResponse;
import dev.roomkeeper.presence.entity.PresenceSession;
import dev.roomkeeper.presence.entity.PresenceSnapshot;
import dev.roomkeeper.presence.entity.SessionState;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PresenceViewTest {

    private final ParsedMetadata metadata = ParsedMetadata.inMemory(Meters.inMemory());

    private static final PresenceSnapshot SNAPSHOT = new PresenceSnapshot("room-1", "ep", 42, List.of(
            new PresenceSession("tab-b", "bob", "{\"displayName\":\"Bob\",\"role\":\"observer\"}", SessionState.RECONNECTING, 300, 900),
            new PresenceSession("tab-a1", "ann", "{\"displayName\":\"Ann\",\"role\":\"host\"}", SessionState.ONLINE, 100, 900),
            new PresenceSession("tab-a2", "ann", "{\"displayName\":\"Ann 2\",\"role\":\"host\"}", SessionState.ONLINE, 200, 900),
            new PresenceSession("tab-c", "cid", "{}", SessionState.ONLINE, 400, 900)),
            Map.of("dan", 50L, "eve", 70L, "ann", 10L));

    @Test
    void usersComeInArrivalOrderWithTheirSessionsAndLeaversMostRecentFirst() {
        PresenceListResponse view = PresenceView.of(SNAPSHOT, metadata);
        assertEquals(List.of("ann", "bob", "cid"), view.users().stream().map(PresenceListResponse.User::userId).toList());
        PresenceListResponse.User ann = view.users().get(0);
        assertEquals("Ann", ann.displayName(), "from the first session");
        assertEquals("host", ann.role());
        assertEquals(List.of("tab-a1", "tab-a2"), ann.sessions().stream().map(PresenceListResponse.Session::sessionId).toList());
        assertEquals("reconnecting", view.users().get(1).sessions().get(0).state());
        assertEquals("cid", view.users().get(2).displayName(), "no displayName: the user id");
        assertEquals(List.of(new PresenceListResponse.Offline("eve", 70), new PresenceListResponse.Offline("dan", 50)),
                view.offline(), "present users are not offline, however they left before");
        assertEquals(42, view.seq());
    }

    @Test
    void theSocketWritesTheSameJsonAsRest() throws Exception {
        PresenceListResponse view = PresenceView.of(SNAPSHOT, metadata);
        try (Jsonb jsonb = JsonbBuilder.create()) {
            JsonObject rest = Json.createReader(new StringReader(jsonb.toJson(view))).readObject();
            assertEquals(rest, PresenceView.json(view).build());
        }
    }
}
