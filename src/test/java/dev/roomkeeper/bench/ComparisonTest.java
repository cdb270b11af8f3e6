package dev.roomkeeper.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ComparisonTest {

    @Test
    void theMedianSkipsUnknownValues() {
        assertEquals(2.0, Comparison.median(3, 1, 2));
        assertEquals(2.5, Comparison.median(1, 4, -1, 2, 3));
        assertEquals(Double.NaN, Comparison.median(-1, -1));
    }

    @Test
    void theRatioIsRoomkeeperOverNodeAndUnknownWhenEitherIs() {
        assertEquals("2.50×", Comparison.ratio(5, 2));
        assertEquals("—", Comparison.ratio(5, 0));
        assertEquals("—", Comparison.ratio(Double.NaN, 2));
    }
}
