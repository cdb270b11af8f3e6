package dev.roomkeeper.engine.control;

import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.presence.control.PresenceStore;
import dev.roomkeeper.stream.control.StreamBroker;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The producer makes the configured engine once, hands out its stores and exports its metrics. */
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
    void theInProcessEngineMakesEveryStoreAndReportsTheStreamsItHolds() {
        Engine engine = producer.engine();
        StreamBroker stream = producer.stream(engine);
        PresenceStore presence = producer.presence(engine);
        stream.publish("room-1", "message", "{}");
        stream.publish("room-2", "message", "{}");

        assertEquals("memory", engine.name());
        assertSame(engine.stream(), stream);
        assertSame(engine.presence(), presence);
        assertEquals(2.0, metrics.gauge("roomkeeper.stream.rooms.held"));
        engine.close();
    }

    @Test
    void anUnknownEngineTypeIsRefusedWithTheChoices() {
        producer.type = "memcached";
        IllegalStateException e = assertThrows(IllegalStateException.class, producer::engine);
        assertEquals("roomkeeper.engine.type must be memory or redis, not 'memcached'", e.getMessage());
    }
}
