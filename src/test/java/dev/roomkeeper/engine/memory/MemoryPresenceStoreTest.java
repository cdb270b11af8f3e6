package dev.roomkeeper.engine.memory;

import dev.roomkeeper.engine.PresenceStoreContract;
import dev.roomkeeper.engine.entity.EngineSettings;

/** The presence contract for the in-process store: every "node" of a test is the same store. */
class MemoryPresenceStoreTest extends PresenceStoreContract {

    private MemoryEngine engine;
    private Node only;

    @Override
    protected Node open(EngineSettings settings) {
        if (only == null) {
            engine = new MemoryEngine(settings);
            only = new Node(engine);
        }
        return only;
    }

    @Override
    protected void closeAll() {
        if (engine != null) {
            engine.close();
        }
    }
}
