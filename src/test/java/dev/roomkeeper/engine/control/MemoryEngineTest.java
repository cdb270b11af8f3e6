package dev.roomkeeper.engine.control;

import dev.roomkeeper.engine.entity.EngineSettings;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class MemoryEngineTest extends EngineContract {

    @Override
    protected Engine newEngine(EngineSettings settings) {
        return new MemoryEngine(settings);
    }

    @Test
    void askingForTheLastEventHoldsNothingAndReleaseDropsTheStream() {
        MemoryEngine memory = (MemoryEngine) engine;
        String r = room();
        memory.lastEventAt(r);
        assertEquals(0, memory.rooms());
        memory.publish(r, "t", "{}");
        assertEquals(1, memory.rooms());
        memory.release(r);
        assertEquals(0, memory.rooms());
    }

    @Test
    void idleRoomsAreForgottenAndComeBackWithANewEpoch() {
        MemoryEngine memory = (MemoryEngine) engine;
        String r = room();
        memory.publish(r, "t", "{}");
        String epoch = memory.position(r).epoch();
        clock.advance(Duration.ofHours(2));
        assertEquals(1, memory.forgetIdleRooms());
        assertEquals(0, memory.position(r).seq());
        assertNotEquals(epoch, memory.position(r).epoch());
    }
}
