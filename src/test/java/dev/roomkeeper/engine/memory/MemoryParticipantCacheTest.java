package dev.roomkeeper.engine.memory;

import dev.roomkeeper.engine.control.Engine;
import dev.roomkeeper.engine.entity.EngineSettings;
import dev.roomkeeper.participants.control.ParticipantCacheContract;

/** The participants contract in process: both "nodes" of a test are the same engine, as one server's would be. */
class MemoryParticipantCacheTest extends ParticipantCacheContract {

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
