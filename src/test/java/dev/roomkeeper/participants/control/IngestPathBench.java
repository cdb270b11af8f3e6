package dev.roomkeeper.participants.control;

import dev.roomkeeper.engine.memory.MemoryEngine;
import dev.roomkeeper.engine.entity.EngineSettings;
import dev.roomkeeper.keyed.control.KeyedState;
import dev.roomkeeper.keyed.control.KeyedStateStore;
import dev.roomkeeper.keyed.entity.KeyedEntry;
import dev.roomkeeper.keyed.entity.KeyedLimits;
import dev.roomkeeper.keyed.entity.KeyedResult;
import dev.roomkeeper.keyed.entity.KeyedSnapshot;
import dev.roomkeeper.keyed.entity.KeyedWrite;
import dev.roomkeeper.participants.entity.LiveKitEvent;
import dev.roomkeeper.participants.entity.Outcome;
import dev.roomkeeper.participants.entity.Target;
import dev.roomkeeper.stream.control.RoomEvents;
import dev.roomkeeper.stream.entity.Published;
import dev.roomkeeper.stream.entity.RoomEvent;
import dev.roomkeeper.testing.LiveKitDeliveries;
import jakarta.json.JsonObject;
import livekit.LivekitModels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The webhook ingest path without HTTP, in one thread on the in-process engine: a signed delivery verified
 * ({@link WebhookVerifier}) and recorded ({@link ParticipantCache#record}), its event published once. 1,000 sessions,
 * each joined then updated with ever newer versions, as {@code WebhookLoad} sends them. Prints the cost per delivery
 * for each tenth of the run (the ids kept by publishOnce grow through it). Not a test: a measurement.
 * <pre>
 * mvn -o -q test-compile
 * mvn -o -q -Pbench exec:java -Dbench.main=dev.roomkeeper.participants.control.IngestPathBench -Dexec.args="20000"
 * </pre>
 */
public final class IngestPathBench {

    private IngestPathBench() {
    }

    public static void main(String[] a) throws Exception {
        MemoryEngine engine = new MemoryEngine(new EngineSettings(100_000, Duration.ofHours(1), Duration.ofHours(24), java.time.Clock.systemUTC()));
        KeyedStateStore store = engine.keyedState();
        ParticipantCache cache = new ParticipantCache();
        cache.state = new KeyedState() {
            @Override
            public KeyedResult apply(KeyedWrite w, KeyedLimits l) { return store.apply(w, l); }
            @Override
            public Optional<KeyedEntry> get(String r, String s, String k) { return store.get(r, s, k); }
            @Override
            public KeyedSnapshot snapshot(String r, String s, String p) { return store.snapshot(r, s, p); }
        };
        cache.events = new RoomEvents() {
            @Override
            public RoomEvent publish(String r, String t, JsonObject d) { return engine.stream().publish(r, t, d.toString()); }
            @Override
            public Published publishOnce(String r, String t, JsonObject d, String k) { return engine.stream().publishOnce(r, t, d.toString(), k, Duration.ofMinutes(5)); }
        };
        cache.settings = new ParticipantSettings();
        cache.settings.ttl = "PT6H"; cache.settings.leftTtl = "PT15M"; cache.settings.channelTtl = "PT24H";
        cache.settings.maxKeys = "100000"; cache.settings.maxValueBytes = "65536";
        String secret = "0123456789abcdef0123456789abcdef01234567lk";
        WebhookVerifier verifier = new WebhookVerifier(Map.of("APIbench", secret));
        var room = LiveKitDeliveries.room("hooks-x-Stage", "RM_bench");
        int N = a.length > 0 ? Integer.parseInt(a[0]) : 20_000;
        List<LiveKitDeliveries.Delivery> ds = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            String sid = "PA_" + (i % 1000); int version = i / 1000 + 1;
            var info = LivekitModels.ParticipantInfo.newBuilder().setSid(sid).setIdentity("u" + (i % 1000)).setVersion(version).setMetadata("1")
                    .addTracks(LiveKitDeliveries.track("TR_" + sid + "_" + version, LivekitModels.TrackType.AUDIO, version % 2 == 0)).build();
            var ev = LiveKitDeliveries.event(version == 1 ? "participant_joined" : "track_published", "EV_b" + i, System.currentTimeMillis() / 1000, room).setParticipant(info).build();
            ds.add(LiveKitDeliveries.signed(ev, "APIbench", secret));
        }
        Target target = new Target("room-1", "Stage");
        Map<Outcome,Integer> outcomes = new EnumMap<>(Outcome.class);
        int chunk = N / 10;
        for (int c = 0; c < 10; c++) {
            long t0 = System.nanoTime();
            for (int i = c * chunk; i < (c + 1) * chunk; i++) {
                var d = ds.get(i);
                LiveKitEvent e = verifier.verify(d.body(), d.authorization());
                outcomes.merge(cache.record(target, e), 1, Integer::sum);
            }
            System.out.printf("deliveries %6d-%6d: %.1f us/delivery (verify + record)%n", c * chunk, (c + 1) * chunk, (System.nanoTime() - t0) / 1e3 / chunk);
        }
        System.out.println(outcomes);
    }
}
