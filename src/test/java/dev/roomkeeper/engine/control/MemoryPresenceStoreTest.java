package dev.roomkeeper.engine.control;

import dev.roomkeeper.engine.entity.EngineSettings;

/** The presence contract for the in-process store: every "node" of a test is the same store. */
class MemoryPresenceStoreTest extends PresenceStoreContract {

    private Node only;

    @Override
    protected Node open(EngineSettings settings) {
        if (only == null) {
            MemoryEngine engine = new MemoryEngine(settings);
            only = new Node(engine, new MemoryPresenceStore(engine, settings.clock()));
        }
        return only;
    }

    @Override
    protected void closeAll() {
        if (only != null) {
            only.engine().close();
        }
    }
}
