package dev.roomkeeper.participants.control;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a LiveKit room's name is read: the whole name first, then each split, the longest room part first. */
class RoomNamesTest {

    @Test
    void aNameIsTriedWholeThenSplitFromTheRight() {
        assertEquals(List.of(new RoomNames.Split("team-standup", ""),
                        new RoomNames.Split("team", "standup")),
                RoomNames.splits("team-standup", "-"));
        assertEquals(List.of(new RoomNames.Split("team-standup", "General Lounge"),
                        new RoomNames.Split("team", "standup-General Lounge")),
                RoomNames.splits("team-standup-General Lounge", "-"));
    }

    @Test
    void aRoomIdWithItsDashesIsOneRoomPart() {
        String id = "0f8fad5b-d9cb-469f-a165-70867728950e";

        List<RoomNames.Split> splits = RoomNames.splits(id + "-Stage", "-");

        assertEquals(new RoomNames.Split(id, "Stage"), splits.get(0));
    }

    @Test
    void anotherSeparatorKeepsDashesInTheChannel() {
        assertEquals(List.of(new RoomNames.Split("team-standup", "break-out")),
                RoomNames.splits("team-standup:break-out", ":"));
    }

    @Test
    void namesThatCannotBeARoomGiveNoSplit() {
        assertTrue(RoomNames.splits("Team-Lounge", "-").isEmpty(), "slugs are lower case");
        assertTrue(RoomNames.splits("", "-").isEmpty());
        assertTrue(RoomNames.splits("-lounge", "-").isEmpty());
    }

    @Test
    void channelsAreBounded() {
        assertTrue(RoomNames.validChannel("General Lounge"));
        assertFalse(RoomNames.validChannel("a\nb"));
        assertFalse(RoomNames.validChannel("x".repeat(RoomNames.MAX_CHANNEL + 1)));
    }
}
