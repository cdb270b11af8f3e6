package dev.roomkeeper.participants.control;

import dev.roomkeeper.participants.entity.Participant;
import io.livekit.server.RoomServiceClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import livekit.LivekitModels;
import retrofit2.Response;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * LiveKit's room service, through LiveKit's SDK ({@link RoomServiceClient}, Twirp over HTTP), for reconciliation:
 * on only when {@code roomkeeper.livekit.url} and a key pair are configured (the first pair signs). Every call is
 * bounded by {@code roomkeeper.livekit.timeout}; after {@value #FAILURES_TO_OPEN} failures in a row the circuit opens
 * and calls are refused at once for {@value #OPEN_MILLIS} ms, then one call tries again. Nothing that ingests
 * webhooks or answers reads waits on LiveKit.
 */
@ApplicationScoped
public class LiveKitRooms {

    private static final Logger LOG = Logger.getLogger(LiveKitRooms.class.getName());
    static final int FAILURES_TO_OPEN = 3;
    static final long OPEN_MILLIS = 30_000;

    @Inject
    ParticipantSettings settings;

    private volatile RoomServiceClient client;
    private int failures;
    private long openUntil;
    private volatile String lastError;
    private volatile long lastSuccess;

    /** What LiveKit said of a room. */
    public enum Status {
        /** the room exists: these are its participants */
        LISTED,
        /** LiveKit has no such room: nobody is in it */
        ABSENT,
        /** LiveKit could not be asked (off, circuit open, failed, timed out) */
        UNAVAILABLE
    }

    /** @param participants for {@link Status#LISTED}: the participants (channel ""); else empty */
    public record Listing(Status status, List<Participant> participants) {
    }

    /** The health of the link, for readiness. */
    public record Health(boolean enabled, boolean open, String lastError, long lastSuccess) {
    }

    public boolean enabled() {
        return settings.url().isPresent() && !settings.keyPairs().isEmpty();
    }

    /** The participants of a LiveKit room. Never throws; never waits longer than the timeout. */
    public Listing list(String livekitRoom) {
        if (!enabled() || !admit()) {
            return new Listing(Status.UNAVAILABLE, List.of());
        }
        try {
            Response<List<LivekitModels.ParticipantInfo>> response = client().listParticipants(livekitRoom).execute();
            if (response.isSuccessful()) {
                succeeded();
                List<Participant> listed = new ArrayList<>();
                List<LivekitModels.ParticipantInfo> body = response.body();
                (body == null ? List.<LivekitModels.ParticipantInfo>of() : body)
                        .forEach(info -> listed.add(WebhookVerifier.participant(info)));
                return new Listing(Status.LISTED, listed);
            }
            if (response.code() == 404) {
                succeeded();
                return new Listing(Status.ABSENT, List.of());
            }
            failed("HTTP " + response.code());
        } catch (Exception e) {
            failed(e.getClass().getSimpleName());
        }
        return new Listing(Status.UNAVAILABLE, List.of());
    }

    public synchronized Health health() {
        return new Health(enabled(), System.currentTimeMillis() < openUntil, lastError, lastSuccess);
    }

    private synchronized boolean admit() {
        long now = System.currentTimeMillis();
        if (now < openUntil) {
            return false;
        }
        if (failures >= FAILURES_TO_OPEN) {
            // half open: this call tries; a failure opens the circuit again at once
            openUntil = now + OPEN_MILLIS;
        }
        return true;
    }

    private synchronized void succeeded() {
        failures = 0;
        openUntil = 0;
        lastSuccess = System.currentTimeMillis();
    }

    private synchronized void failed(String why) {
        lastError = why;
        if (++failures >= FAILURES_TO_OPEN) {
            openUntil = System.currentTimeMillis() + OPEN_MILLIS;
            LOG.warning(() -> "LiveKit's room service failed " + failures + " times in a row (" + why
                    + "); not asking it for " + OPEN_MILLIS / 1000 + " s");
        }
    }

    private RoomServiceClient client() {
        RoomServiceClient c = client;
        if (c == null) {
            Map.Entry<String, String> pair = settings.keyPairs().entrySet().iterator().next();
            Duration timeout = settings.timeout();
            Optional<String> url = settings.url();
            c = RoomServiceClient.Companion.create(url.orElseThrow(), pair.getKey(), pair.getValue(), false, builder -> builder
                    .connectTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .readTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .writeTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .callTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .retryOnConnectionFailure(false));
            client = c;
        }
        return c;
    }
}
