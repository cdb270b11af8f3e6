package dev.roomkeeper.engine.control;

import dev.roomkeeper.platform.control.Meters;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The producer hands out the in-process engine itself (injection points only get a proxy) and exports its size. */
class EngineProducerTest {

    private final Meters metrics = Meters.inMemory();
    private final EngineProducer producer = new EngineProducer();

    EngineProducerTest() {
        producer.type = "memory";
        producer.historySize = 10;
        producer.historyTtl = Duration.ofMinutes(15);
        producer.idleTtl = Duration.ofHours(24);
        producer.metrics = metrics;
    }

    @Test
    void theInProcessEngineIsReachableForItsSweepAndReportsTheStreamsItHolds() {
        assertEquals(Optional.empty(), producer.memoryEngine(), "nothing produced yet");

        Engine engine = producer.engine();
        engine.publish("room-1", "message", "{}");
        engine.publish("room-2", "message", "{}");

        assertSame(engine, producer.memoryEngine().orElseThrow());
        assertEquals(2.0, metrics.gauge("roomkeeper.stream.rooms.held"));
        engine.close();
    }
}
