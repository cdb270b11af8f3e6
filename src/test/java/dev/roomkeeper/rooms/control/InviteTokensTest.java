package dev.roomkeeper.rooms.control;

import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InviteTokensTest {

    @Test
    void tokensAre32RandomBytesInUnpaddedBase64Url() {
        String token = InviteTokens.generate();

        assertEquals(43, token.length());
        assertTrue(token.matches("[A-Za-z0-9_-]+"), token);
        assertEquals(32, Base64.getUrlDecoder().decode(token).length);
        assertTrue(InviteTokens.isWellFormed(token));
    }

    @Test
    void tokensDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertTrue(seen.add(InviteTokens.generate()));
        }
    }

    @Test
    void theHashIsTheTokensSha256InLowerCaseHex() {
        // the FIPS 180-2 test vector for "abc"
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", InviteTokens.hash("abc"));

        String token = InviteTokens.generate();
        assertEquals(InviteTokens.hash(token), InviteTokens.hash(token));
        assertTrue(InviteTokens.hash(token).matches("[0-9a-f]{64}"));
        assertNotEquals(token, InviteTokens.hash(token));
    }

    @Test
    void onlyTokensOfTheGeneratedShapeAreWellFormed() {
        for (String bad : new String[] {null, "", "a".repeat(42), "a".repeat(44), "a".repeat(42) + "=",
                "a".repeat(42) + "+", "a".repeat(42) + "/", "a".repeat(42) + " ", "a".repeat(42) + "é"}) {
            assertFalse(InviteTokens.isWellFormed(bad), String.valueOf(bad));
        }
        assertTrue(InviteTokens.isWellFormed("Az09-_".repeat(7) + "x"));
    }
}
