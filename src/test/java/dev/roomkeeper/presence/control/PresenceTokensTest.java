package dev.roomkeeper.presence.control;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PresenceTokensTest {

    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private static final String ROOM = "6f1c2a9e-0b7d-4c1e-9a55-3f2d8c7b1e40";

    private final PresenceTokens tokens = new PresenceTokens(SECRET);

    @Test
    void aSessionTokenNamesItsSessionAndIsTheSameEveryTime() {
        String token = tokens.sessionToken(ROOM, "ada", "tab-1234", 1_700_000_000_000L);

        assertEquals(token, tokens.sessionToken(ROOM, "ada", "tab-1234", 1_700_000_000_000L));
        assertEquals(Optional.of(new PresenceTokens.SessionRef(ROOM, "ada", "tab-1234", 1_700_000_000_000L)),
                tokens.session(token));
    }

    @Test
    void aLaterSessionWithTheSameIdGetsAnotherToken() {
        String earlier = tokens.sessionToken(ROOM, "ada", "tab-1234", 1_000);
        String later = tokens.sessionToken(ROOM, "ada", "tab-1234", 2_000);

        assertNotEquals(earlier, later);
        PresenceTokens.SessionRef ref = tokens.session(earlier).orElseThrow();
        assertEquals(1_000, ref.joinedAt());
        assertTrue(ref.names(ROOM, "ada", "tab-1234"), "whenever it started");
        assertFalse(ref.names(ROOM, "ada", "tab-9999"));
        assertFalse(ref.names(ROOM, "bob", "tab-1234"));
        assertFalse(ref.names("other-room", "ada", "tab-1234"));
    }

    @Test
    void aTokenSignedWithAnotherSecretOrChangedIsRefused() {
        String token = tokens.sessionToken(ROOM, "ada", "tab-1234", 1_000);
        PresenceTokens other = new PresenceTokens("another secret of thirty-two bytes".getBytes(StandardCharsets.UTF_8));
        int dot = token.indexOf('.');
        String forgedBody = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("s\n" + ROOM + "\nbob\ntab-1234\n1000").getBytes(StandardCharsets.UTF_8));

        assertEquals(Optional.empty(), other.session(token));
        assertEquals(Optional.empty(), tokens.session(forgedBody + token.substring(dot)));
        assertEquals(Optional.empty(), tokens.session(token.substring(0, token.length() - 2)));
    }

    @Test
    void malformedTokensAreRefusedWithoutAnException() {
        for (String token : new String[]{null, "", ".", "abc", "a.b.c", ".abc", "!!!.???", "x".repeat(3000) + ".y"}) {
            assertEquals(Optional.empty(), tokens.session(token), String.valueOf(token));
            assertEquals(Optional.empty(), tokens.room(token, 0), String.valueOf(token));
        }
    }

    @Test
    void aSessionTokenIsNoRoomTokenAndTheOtherWayRound() {
        String session = tokens.sessionToken(ROOM, "ada", "tab-1234", 1_000);
        String room = tokens.roomToken(ROOM, "ada", 5_000, true);

        assertEquals(Optional.empty(), tokens.room(session, 0));
        assertEquals(Optional.empty(), tokens.session(room));
    }

    @Test
    void idsThatWouldShiftTheFieldsAreRefused() {
        // a user id with a line break cannot pass for another room, user or session
        String token = tokens.sessionToken(ROOM, "ada\nx", "tab-1234", 1_000);

        assertEquals(Optional.empty(), tokens.session(token));
    }

    @Test
    void aRoomTokenIsValidUntilItExpires() {
        String token = tokens.roomToken(ROOM, "ada", 5_000, true);

        assertEquals(Optional.of(new PresenceTokens.RoomRef(ROOM, "ada", 5_000, true)), tokens.room(token, 4_999));
        assertEquals(Optional.empty(), tokens.room(token, 5_000));
    }

    @Test
    void aRoomTokenSaysWhetherItsHolderWasInTheRoomByMembershipOrByTheirJwt() {
        assertTrue(tokens.room(tokens.roomToken(ROOM, "ada", 5_000, true), 0).orElseThrow().byMembership());
        assertFalse(tokens.room(tokens.roomToken(ROOM, "ada", 5_000, false), 0).orElseThrow().byMembership());
    }

    @Test
    void theSecretMustBeAtLeast32Bytes() {
        assertThrows(IllegalArgumentException.class, () -> new PresenceTokens(new byte[31]));
    }
}
