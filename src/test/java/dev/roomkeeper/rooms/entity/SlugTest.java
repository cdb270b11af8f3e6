package dev.roomkeeper.rooms.entity;

import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SlugTest {

    @Test
    void titlesBecomeLowerCaseWordsJoinedBySingleDashes() {
        assertEquals("daily-stand-up", Slug.fromTitle("  Daily   Stand-up! "));
        assertEquals("q3-planning-2025", Slug.fromTitle("Q3 planning — 2025"));
        assertEquals("snake-case-name", Slug.fromTitle("snake_case_name"));
    }

    @Test
    void accentsAreDroppedRatherThanTheLetters() {
        assertEquals("creme-brulee-cafe", Slug.fromTitle("Crème Brûlée Café"));
        assertEquals("uber-grosse", Slug.fromTitle("Über Größe"));
        assertEquals("smorrebrod-lodz", Slug.fromTitle("Smørrebrød Łódź"));
    }

    @Test
    void titlesWithoutUsableCharactersFallBackToRoom() {
        assertEquals("room", Slug.fromTitle("!!!"));
        assertEquals("room", Slug.fromTitle("日本語"));
        assertEquals("room", Slug.fromTitle(null));
    }

    @Test
    void tooShortTitlesAreLengthenedToAValidSlug() {
        assertEquals("q-room", Slug.fromTitle("Q"));
        assertEquals("ai-room", Slug.fromTitle("AI"));
        assertTrue(Slug.isValid(Slug.fromTitle("A")));
    }

    @Test
    void longTitlesAreCutLeavingRoomForASuffixAndNoTrailingDash() {
        String slug = Slug.fromTitle("word ".repeat(40));

        assertTrue(slug.length() <= Slug.MAX_BASE_LENGTH);
        assertFalse(slug.endsWith("-"));
        assertTrue(Slug.isValid(Slug.candidate(slug, 999_999)));
    }

    @Test
    void aTitleShapedLikeAnIdDoesNotGiveASlugShapedLikeAnId() {
        String id = UUID.randomUUID().toString();

        String slug = Slug.fromTitle(id);

        assertFalse(Slug.looksLikeId(slug));
        assertTrue(Slug.isValid(slug));
    }

    @Test
    void candidatesAreTheBaseThenNumberedFromTwo() {
        assertEquals("daily", Slug.candidate("daily", 1));
        assertEquals("daily-2", Slug.candidate("daily", 2));
        assertEquals("daily-10", Slug.candidate("daily", 10));
        assertThrows(IllegalArgumentException.class, () -> Slug.candidate("daily", 0));
    }

    @Test
    void candidatesNeverExceedTheMaximumLength() {
        String base = "a".repeat(63) + "b";

        String candidate = Slug.candidate(base, 12);

        assertEquals(Slug.MAX_LENGTH, candidate.length());
        assertTrue(candidate.endsWith("-12"));
        assertTrue(Slug.isValid(candidate));
    }

    @Test
    void validSlugsAreThreeToSixtyFourLowerCaseLettersDigitsAndInnerDashes() {
        assertTrue(Slug.isValid("abc"));
        assertTrue(Slug.isValid("team-7-retro"));
        assertTrue(Slug.isValid("a".repeat(64)));
        assertFalse(Slug.isValid("ab"));
        assertFalse(Slug.isValid("a".repeat(65)));
        assertFalse(Slug.isValid("Abc"));
        assertFalse(Slug.isValid("-abc"));
        assertFalse(Slug.isValid("abc-"));
        assertFalse(Slug.isValid("a_bc"));
        assertFalse(Slug.isValid("a bc"));
        assertFalse(Slug.isValid(null));
    }

    @Test
    void slugsMayNotHaveTheFormOfARoomId() {
        String id = UUID.randomUUID().toString();

        assertTrue(Slug.looksLikeId(id));
        assertFalse(Slug.isValid(id));
        assertTrue(Slug.isValid(id + "-x"));
        assertFalse(Slug.looksLikeId("daily"));
    }
}
