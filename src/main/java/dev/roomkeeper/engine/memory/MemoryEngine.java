package dev.roomkeeper.engine.memory;

import dev.roomkeeper.engine.control.Engine;
import dev.roomkeeper.engine.entity.EngineSettings;
import dev.roomkeeper.keyed.control.KeyedStateStore;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.presence.control.PresenceStore;
import dev.roomkeeper.stream.control.StreamBroker;

/**
 * The in-process backend (the embedded default): one node, nothing to install. Every store keeps its state
 * per room behind the room stream's lock ({@link MemoryStreamBroker#inRoom}), so a change and its event are
 * one step.
 */
public class MemoryEngine implements Engine {

    private final MemoryStreamBroker stream;
    private final MemoryPresenceStore presence;
    private final MemoryKeyedStateStore keyedState;

    public MemoryEngine(EngineSettings settings) {
        this.stream = new MemoryStreamBroker(settings);
        this.presence = new MemoryPresenceStore(stream, settings.clock());
        this.keyedState = new MemoryKeyedStateStore(stream, settings.clock());
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public StreamBroker stream() {
        return stream;
    }

    @Override
    public PresenceStore presence() {
        return presence;
    }

    @Override
    public KeyedStateStore keyedState() {
        return keyedState;
    }

    @Override
    public boolean healthy() {
        return true;
    }

    @Override
    public int forgetIdleStreams() {
        return stream.forgetIdleRooms();
    }

    @Override
    public void exportMetrics(Meters meters) {
        meters.gauge("roomkeeper.stream.rooms.held", stream, MemoryStreamBroker::rooms);
    }

    @Override
    public void close() {
        stream.close();
    }
}
