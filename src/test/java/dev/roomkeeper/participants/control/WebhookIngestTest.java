package dev.roomkeeper.participants.control;

import dev.roomkeeper.participants.entity.LiveKitEvent;
import dev.roomkeeper.participants.entity.Outcome;
import dev.roomkeeper.participants.entity.Target;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.testing.LiveKitDeliveries;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The webhook's answers before the cache: off without keys, refusals counted, unmapped rooms, the rate limit. */
class WebhookIngestTest {

    private static final String KEY = "APIingest";
    private static final String SECRET = "ingest-secret-0123456789abcdef012345";

    private final Meters meters = Meters.inMemory();

    private WebhookIngest ingest(String keys, Optional<Target> target) {
        WebhookIngest ingest = new WebhookIngest();
        ingest.settings = new ParticipantSettings();
        ingest.settings.keys = Optional.ofNullable(keys);
        ingest.settings.rateLimit = "3";
        ingest.names = new RoomNames() {
            @Override
            public Optional<Target> map(String livekitRoom) {
                return target;
            }
        };
        ingest.cache = new ParticipantCache() {
            @Override
            public Outcome record(Target t, LiveKitEvent event) {
                return Outcome.RECORDED;
            }
        };
        ingest.repair = new ParticipantRepair() {
            @Override
            public void seen(Target t, String livekitRoom) {
                // no LiveKit URL in this test
            }
        };
        ingest.metrics = meters;
        ingest.init();
        return ingest;
    }

    private static LiveKitDeliveries.Delivery joined() {
        return LiveKitDeliveries.signed(LiveKitDeliveries.event("participant_joined", "EV_i1", 100,
                        LiveKitDeliveries.room("r-x", "RM_1"))
                .setParticipant(LiveKitDeliveries.participant("PA_1", "ada", 1, 100, List.of())).build(), KEY, SECRET);
    }

    @Test
    void withoutKeysTheWebhookIsOff() {
        WebhookIngest off = ingest(null, Optional.empty());

        ProblemException problem = assertThrows(ProblemException.class,
                () -> off.ingest(joined().body(), joined().authorization()));

        assertEquals(404, problem.status());
    }

    @Test
    void refusalsAre401AndCountedByReason() {
        WebhookIngest on = ingest(KEY + ":" + SECRET, Optional.of(new Target("room", "")));

        ProblemException problem = assertThrows(ProblemException.class,
                () -> on.ingest("{}".getBytes(StandardCharsets.UTF_8), null));

        assertEquals(401, problem.status());
        assertEquals(1, meters.counter("roomkeeper.participants.webhooks", "event", "refused", "result",
                "missing-header").count());
    }

    @Test
    void verifiedDeliveriesAreRecordedOrUnmappedAndCounted() {
        LiveKitDeliveries.Delivery delivery = joined();

        assertEquals(Outcome.RECORDED, ingest(KEY + ":" + SECRET, Optional.of(new Target("room", "")))
                .ingest(delivery.body(), delivery.authorization()));
        assertEquals(Outcome.UNMAPPED, ingest(KEY + ":" + SECRET, Optional.empty())
                .ingest(delivery.body(), delivery.authorization()));
        assertEquals(1, meters.counter("roomkeeper.participants.webhooks", "event", "participant_joined", "result",
                "unmapped").count());
    }

    @Test
    void oneSourceIsLimitedPerSecond() {
        WebhookIngest on = ingest(KEY + ":" + SECRET, Optional.empty());
        on.admit("10.0.0.1");
        on.admit("10.0.0.1");
        on.admit("10.0.0.1");
        on.admit("10.0.0.2");

        ProblemException problem = assertThrows(ProblemException.class, () -> {
            // a fourth in the same second, unless the second just turned: then the next three pass and one more fails
            for (int i = 0; i < 4; i++) {
                on.admit("10.0.0.1");
            }
        });
        assertEquals(429, problem.status());
    }
}
