package dev.roomkeeper.inserver;

import dev.roomkeeper.keyed.control.KeyedState;
import dev.roomkeeper.keyed.entity.Condition;
import dev.roomkeeper.keyed.entity.KeyedLimits;
import dev.roomkeeper.keyed.entity.KeyedResult;
import dev.roomkeeper.keyed.entity.KeyedResult.Outcome;
import dev.roomkeeper.keyed.entity.KeyedSnapshot;
import dev.roomkeeper.keyed.entity.KeyedWrite;
import dev.roomkeeper.platform.control.Jobs;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.platform.entity.JobStatus;
import dev.roomkeeper.stream.control.Hub;
import dev.roomkeeper.stream.entity.RoomEvent;
import jakarta.inject.Inject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The keyed-state primitive inside the server: the engine the server made, its hub, its EJB timer sweep. */
@ExtendWith(ArquillianExtension.class)
class KeyedStateInServerIT {

    private static final KeyedLimits LIMITS = new KeyedLimits(100, 65_536, 1_024);

    @Deployment(name = InServer.NAME)
    static WebArchive deployment() {
        return InServer.war();
    }

    @Inject
    KeyedState state;

    @Inject
    Hub hub;

    @Inject
    Jobs jobs;

    @Inject
    Meters metrics;

    @Test
    void everyChangeReachesTheNodesSubscribersAsTheWriteAnsweredAndTheSnapshotAgrees() {
        String room = "in-server-" + UUID.randomUUID();
        try (StreamRecorder stream = new StreamRecorder(hub, room)) {
            KeyedResult set = state.apply(KeyedWrite.set(room, "state", "pinned", "{\"id\":1}").by("ann"), LIMITS);
            KeyedResult viewers = state.apply(KeyedWrite.increment(room, "state", "viewers", 2), LIMITS);
            KeyedResult stale = state.apply(KeyedWrite.set(room, "state", "pinned", "2")
                    .withCondition(Condition.ifVersion(set.seq() + 100)), LIMITS);
            KeyedResult deleted = state.apply(KeyedWrite.delete(room, "state", "pinned").by("ann"), LIMITS);
            List<RoomEvent> published = new ArrayList<>(set.events());
            published.addAll(viewers.events());
            published.addAll(deleted.events());

            Eventually.await("the three events delivered", () -> stream.events.size(), n -> n >= 3);
            assertEquals(published, stream.events);
            assertEquals(List.of("state.set", "state.set", "state.delete"), stream.types());
            assertEquals(Outcome.CONFLICT, stale.outcome());
            assertEquals(set.entry(), stale.entry(), "the conflict names the current version");

            KeyedSnapshot snapshot = state.snapshot(room, "state", "");
            assertEquals(List.of(viewers.entry()), snapshot.entries());
            assertEquals(deleted.seq(), snapshot.seq());
            assertTrue(metrics.counter("roomkeeper.keyed.writes", "space", "state", "outcome", "conflict").count() >= 1);
        }
    }

    @Test
    void theEjbTimerSweepAnnouncesAnExpiryExactlyOnce() {
        String room = "in-server-" + UUID.randomUUID();
        try (StreamRecorder stream = new StreamRecorder(hub, room)) {
            state.apply(KeyedWrite.set(room, "state", "typing:ann", "true").withTtl(1_000), LIMITS);
            state.apply(KeyedWrite.set(room, "state", "title", "\"Standup\""), LIMITS);

            Eventually.await("the expiry announced by the sweep", () -> stream.types(), t -> t.contains("state.delete"));
            RoomEvent expired = stream.events.get(2);
            assertEquals("{\"key\":\"typing:ann\",\"version\":" + expired.seq() + ",\"reason\":\"expired\"}", expired.data());
            assertTrue(state.get(room, "state", "typing:ann").isEmpty());
            assertEquals(List.of("title"), state.snapshot(room, "state", "").entries().stream().map(e -> e.key()).toList());

            // the next runs of the sweep find nothing more to announce
            long runs = job("keyed-state-sweep").runs();
            Eventually.await("two more sweeps", () -> job("keyed-state-sweep").runs(), n -> n >= runs + 2);
            assertEquals(3, stream.events.size());
            assertFalse(stream.resync);
        }
    }

    private JobStatus job(String name) {
        return jobs.statuses().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }
}
