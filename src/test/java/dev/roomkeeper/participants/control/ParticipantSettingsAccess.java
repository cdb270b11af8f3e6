package dev.roomkeeper.participants.control;

import dev.roomkeeper.participants.entity.LiveKitEvent;
import dev.roomkeeper.participants.entity.Outcome;
import dev.roomkeeper.participants.entity.Target;
import dev.roomkeeper.platform.control.Meters;

import java.util.Optional;

/**
 * For tests of the participants' boundary: settings with the given key pairs (body limit 4096, rate 1000) and a
 * {@link WebhookIngest} on them that maps nothing, with its counters in memory.
 */
public final class ParticipantSettingsAccess {

    private final Meters meters = Meters.inMemory();
    private final ParticipantSettings settings = new ParticipantSettings();
    private final WebhookIngest ingest = new WebhookIngest();

    public ParticipantSettingsAccess(String keys) {
        settings.keys = Optional.ofNullable(keys);
        settings.url = Optional.empty();
        settings.maxBody = "4096";
        settings.rateLimit = "1000";
        ingest.settings = settings;
        ingest.names = new RoomNames() {
            @Override
            public Optional<Target> map(String livekitRoom) {
                return Optional.empty();
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
                // no LiveKit URL here
            }
        };
        ingest.metrics = meters;
        ingest.init();
    }

    public ParticipantSettings settings() {
        return settings;
    }

    public WebhookIngest ingest() {
        return ingest;
    }

    /** Deliveries refused for {@code reason} so far. */
    public long refusals(String reason) {
        return meters.counter("roomkeeper.participants.webhooks", "event", "refused", "result", reason).count();
    }
}
