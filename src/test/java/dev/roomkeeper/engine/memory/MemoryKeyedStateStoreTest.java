package dev.roomkeeper.engine.memory;

import dev.roomkeeper.engine.KeyedStateContract;
import dev.roomkeeper.engine.control.Engine;
import dev.roomkeeper.engine.entity.EngineSettings;

/** The keyed-state contract in process: every "node" of a test is the same engine. */
class MemoryKeyedStateStoreTest extends KeyedStateContract {

    private MemoryEngine only;

    @Override
    protected Engine open(EngineSettings settings) {
        if (only == null) {
            only = new MemoryEngine(settings);
        }
        return only;
    }

    @Override
    protected void closeAll() {
        if (only != null) {
            only.close();
        }
    }
}
