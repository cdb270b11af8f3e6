package dev.roomkeeper.engine.memory;

import dev.roomkeeper.engine.StreamBrokerContract;
import dev.roomkeeper.engine.control.Engine;
import dev.roomkeeper.engine.entity.EngineSettings;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MemoryStreamBrokerTest extends StreamBrokerContract {

    @Override
    protected Engine newEngine(EngineSettings settings) {
        return new MemoryEngine(settings);
    }

    @Test
    void askingForTheLastEventHoldsNothingAndReleaseDropsTheStream() {
        MemoryStreamBroker memory = (MemoryStreamBroker) engine;
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
        String r = room();
        engine.publish(r, "t", "{}");
        String epoch = engine.position(r).epoch();
        clock.advance(Duration.ofHours(2));
        assertEquals(1, backend.forgetIdleStreams());
        assertEquals(0, engine.position(r).seq());
        assertNotEquals(epoch, engine.position(r).epoch());
    }

    @Test
    void newlinesInRoomOrTypeAreRejectedAsOnRedis() {
        assertThrows(IllegalArgumentException.class, () -> engine.publish("a\nb", "t", "{}"));
        assertThrows(IllegalArgumentException.class, () -> engine.publish(room(), "t\n", "{}"));
    }

    @Test
    void theEngineIsAlwaysHealthyAndNamedMemory() {
        assertEquals("memory", backend.name());
        assertEquals(true, backend.healthy());
    }
}
