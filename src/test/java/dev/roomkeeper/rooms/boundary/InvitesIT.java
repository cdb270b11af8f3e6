package dev.roomkeeper.rooms.boundary;

import dev.roomkeeper.testing.Api;
import dev.roomkeeper.testing.Fixtures;
import dev.roomkeeper.testing.Servers;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Invite links over REST against the running server: redeem, and the refusals a person reads. */
class InvitesIT {

    @Test
    void aHostsInviteMakesTheRedeemerAMemberAndIsRefusedWhenUsedUpOrRevoked() {
        Fixtures fx = new Fixtures(Servers.embedded());
        String room = fx.room().getString("id");
        fx.member(room, "hannah", "host");
        Api host = fx.as("hannah");
        Api.Reply created = host.post("/api/rooms/" + room + "/invites", "{\"role\":\"participant\",\"maxUses\":1}");
        assertEquals(201, created.status(), created::toString);
        String token = created.json().getString("token");
        String inviteId = created.json().getString("id");

        JsonObject preview = fx.as("ivan").get("/api/invites/" + token).json();
        assertTrue(preview.getBoolean("valid"), preview::toString);
        // documented as null, so present as null: a client reads one shape whatever the invite
        for (String field : new String[]{"reason", "message", "expiresAt"}) {
            assertEquals(JsonValue.NULL, preview.get(field), field + " in " + preview);
        }
        JsonObject listed = host.get("/api/rooms/" + room + "/invites").json().getJsonArray("items").getJsonObject(0);
        assertEquals(JsonValue.NULL, listed.get("revokedAt"), listed::toString);
        assertEquals(JsonValue.NULL, listed.get("expiresAt"), listed::toString);
        JsonObject open = fx.admin().get("/api/rooms/" + room).json();
        for (String field : new String[]{"closedAt", "closeReason", "closedBy"}) {
            assertEquals(JsonValue.NULL, open.get(field), field + " in " + open);
        }
        Api.Reply redeemed = fx.as("ivan").post("/api/invites/" + token + "/redeem", null);
        assertEquals(200, redeemed.status(), redeemed::toString);
        assertEquals("participant", redeemed.json().getString("role"));
        assertFalse(redeemed.json().getBoolean("alreadyMember"));
        assertEquals(200, fx.as("ivan").get("/api/rooms/" + room + "/members").status(), "ivan is now a member");

        Api.Reply usedUp = fx.as("judy").post("/api/invites/" + token + "/redeem", null);
        assertEquals(410, usedUp.status(), usedUp::toString);
        assertTrue(usedUp.isProblem());
        assertTrue(usedUp.json().getString("type").endsWith("invite-used-up"), usedUp::toString);

        String second = host.post("/api/rooms/" + room + "/invites", "{}").json().getString("token");
        String secondId = host.get("/api/rooms/" + room + "/invites").json().getJsonArray("items").getJsonObject(0).getString("id");
        assertFalse(secondId.equals(inviteId), "newest first");
        assertEquals(204, host.delete("/api/rooms/" + room + "/invites/" + secondId).status());
        Api.Reply revoked = fx.as("judy").post("/api/invites/" + second + "/redeem", null);
        assertEquals(410, revoked.status());
        assertTrue(revoked.json().getString("detail").contains("revoked"), revoked::toString);

        assertEquals(404, fx.as("judy").post("/api/invites/not-a-real-token/redeem", null).status());
        assertEquals(403, fx.as("ivan").post("/api/rooms/" + room + "/invites", "{}").status(), "participants cannot invite");
    }
}
