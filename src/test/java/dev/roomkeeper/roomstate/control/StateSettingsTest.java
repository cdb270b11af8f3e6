package dev.roomkeeper.roomstate.control;

import dev.roomkeeper.keyed.entity.KeyedLimits;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StateSettingsTest {

    @Test
    void theDefaultsAreTheSeedsQuotas() {
        List<String> warnings = new ArrayList<>();
        assertEquals(new KeyedLimits(100, 65_536, 1_024), StateSettings.read("100", "65536", "1024", warnings::add));
        assertEquals(List.of(), warnings);
    }

    @Test
    void aValueOutOfBoundsIsReportedAndDefaulted() {
        List<String> warnings = new ArrayList<>();
        KeyedLimits limits = StateSettings.read("0", "1023", "lots", warnings::add);
        assertEquals(new KeyedLimits(100, 65_536, 1_024), limits);
        assertEquals(3, warnings.size());
        assertTrue(warnings.get(0).startsWith("roomkeeper.state.max-keys=0 is not a whole number from 1 to 10000"), warnings.get(0));
        assertEquals(new KeyedLimits(10_000, 16L * 1024 * 1024, 1024 * 1024),
                StateSettings.read("10000", "16777216", "1048576", w -> { }), "the upper bounds are allowed");
        assertEquals(100, StateSettings.read("10001", "65536", "1024", w -> { }).maxKeys());
    }

    @Test
    void aValueMayNotBeLargerThanTheWholeState() {
        List<String> warnings = new ArrayList<>();
        assertEquals(new KeyedLimits(5, 2_048, 2_048), StateSettings.read(" 5 ", "2048", "4096", warnings::add));
        assertEquals(1, warnings.size());
    }
}
