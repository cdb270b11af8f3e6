package dev.roomkeeper.participants.control;

import dev.roomkeeper.participants.entity.LiveKitEvent;
import dev.roomkeeper.participants.entity.Outcome;
import dev.roomkeeper.participants.entity.Target;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.platform.control.ProblemException;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A LiveKit webhook delivery from its bytes to the cache: verified (else refused and counted, never parsed), mapped
 * to a room and channel (else acknowledged and counted), recorded. Counts every delivery by LiveKit event and result
 * ({@code roomkeeper.participants.webhooks}), refusals by reason, and the time spent.
 */
@ApplicationScoped
public class WebhookIngest {

    private static final Logger LOG = Logger.getLogger(WebhookIngest.class.getName());
    private static final int SOURCES = 10_000;

    @Inject
    ParticipantSettings settings;

    @Inject
    RoomNames names;

    @Inject
    ParticipantCache cache;

    @Inject
    ParticipantRepair repair;

    @Inject
    Meters metrics;

    private volatile WebhookVerifier verifier;
    private final Map<String, Meters.Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final AtomicLong ingestNanos = new AtomicLong();
    private final AtomicLong ingested = new AtomicLong();

    /** One source's deliveries in the current second. */
    private static final class Window {
        long second;
        int count;
    }

    @PostConstruct
    void init() {
        verifier = new WebhookVerifier(settings.keyPairs());
        metrics.gauge("roomkeeper.participants.webhook-ingest-seconds-total", ingestNanos, n -> n.get() / 1e9);
        metrics.gauge("roomkeeper.participants.webhook-ingests", ingested, AtomicLong::doubleValue);
        if (!verifier.configured()) {
            LOG.info("No LiveKit API key configured (roomkeeper.livekit.keys): POST /api/livekit/webhook answers 404");
        }
    }

    public boolean configured() {
        return verifier.configured();
    }

    /**
     * Takes one delivery per the source's budget.
     *
     * @throws ProblemException 429 when the source is over {@code roomkeeper.livekit.rate-limit} this second
     */
    public void admit(String source) {
        int rate = settings.rateLimit();
        long second = System.currentTimeMillis() / 1000;
        if (windows.size() > SOURCES) {
            windows.clear();
        }
        Window window = windows.computeIfAbsent(source == null ? "" : source, s -> new Window());
        synchronized (window) {
            if (window.second != second) {
                window.second = second;
                window.count = 0;
            }
            if (++window.count > rate) {
                count("refused", "rate-limited");
                throw WebhookProblems.tooMany(rate);
            }
        }
    }

    /**
     * Refuses a body longer than {@code roomkeeper.livekit.max-body-bytes}, counted with the other refusals; nothing
     * of it is verified or parsed.
     *
     * @return the 413 to throw
     */
    public ProblemException tooLarge(int limit) {
        count("refused", "too-large");
        return WebhookProblems.tooLarge(limit);
    }

    /**
     * Ingests a delivery.
     *
     * @param body          the body as received, byte for byte
     * @param authorization the {@code Authorization} header
     * @return what became of it
     * @throws ProblemException 404 when no key is configured, 401 when not verified, 400 when verified but not an
     *                          event, 503 when the cache (engine) or the room directory (database) cannot be reached
     */
    public Outcome ingest(byte[] body, String authorization) {
        if (!verifier.configured()) {
            throw WebhookProblems.notConfigured();
        }
        long started = System.nanoTime();
        LiveKitEvent event;
        try {
            event = verifier.verify(body, authorization);
        } catch (WebhookVerifier.RefusedException e) {
            count("refused", e.refusal().tag());
            LOG.fine(() -> "webhook refused: " + e.getMessage());
            if (e.refusal() == WebhookVerifier.Refusal.UNREADABLE) {
                throw WebhookProblems.unreadable();
            }
            throw WebhookProblems.refused();
        }
        Outcome outcome;
        try {
            outcome = record(event);
        } catch (ProblemException e) {
            count(event.type(), "unavailable");
            throw e;
        } catch (RuntimeException e) {
            // never a 500 for a verified delivery: LiveKit retries a 503
            count(event.type(), "unavailable");
            LOG.log(Level.WARNING, "could not record LiveKit event " + event.id() + " (" + event.type() + ")", e);
            throw WebhookProblems.unavailable();
        }
        count(event.type(), outcome.tag());
        ingestNanos.addAndGet(System.nanoTime() - started);
        ingested.incrementAndGet();
        return outcome;
    }

    private Outcome record(LiveKitEvent event) {
        if (event.kind() == LiveKitEvent.Kind.OTHER) {
            return Outcome.IGNORED;
        }
        Optional<Target> target = names.map(event.roomName());
        if (target.isEmpty()) {
            return Outcome.UNMAPPED;
        }
        Outcome outcome = cache.record(target.get(), event);
        repair.seen(target.get(), event.roomName());
        return outcome;
    }

    private void count(String event, String result) {
        String tag = event == null || event.isEmpty() ? "unknown" : event.length() > 40 ? "other"
                : event.toLowerCase(Locale.ROOT);
        counters.computeIfAbsent(tag + "/" + result, k -> metrics.counter("roomkeeper.participants.webhooks",
                "event", tag, "result", result)).inc();
    }
}
