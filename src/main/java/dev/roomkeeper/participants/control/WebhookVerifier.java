package dev.roomkeeper.participants.control;

import dev.roomkeeper.participants.entity.LiveKitEvent;
import dev.roomkeeper.participants.entity.Participant;
import dev.roomkeeper.participants.entity.Track;
import io.livekit.server.WebhookReceiver;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import livekit.LivekitModels;
import livekit.LivekitWebhook;

import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies a LiveKit webhook delivery with LiveKit's own SDK ({@link WebhookReceiver}): the {@code Authorization}
 * header is a JWT signed (HS256) with the secret of the API key named by its issuer, not expired, whose
 * {@code sha256} claim is the SHA-256 of the exact body. The key is picked by the token's issuer among the configured
 * pairs (several, for rotation); the token is only decoded to read the issuer, and nothing of the body is read before
 * the SDK verified it. Not a CDI bean: the webhook resource builds one per configuration.
 */
public final class WebhookVerifier {

    /** Looked up once: {@code Json.create*} asks the ServiceLoader on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();

    private final Map<String, WebhookReceiver> receivers = new ConcurrentHashMap<>();
    private final Map<String, String> pairs;

    /** Why a delivery was refused: the {@code reason} tag of the refusal counter. */
    public enum Refusal {
        MISSING_HEADER, UNKNOWN_KEY, INVALID_SIGNATURE, NOT_UTF8, UNREADABLE;

        public String tag() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** A delivery that is not LiveKit's, or not as it was signed. */
    public static final class RefusedException extends Exception {

        private final transient Refusal refusal;

        RefusedException(Refusal refusal, String message) {
            super(message, null, false, false);
            this.refusal = refusal;
        }

        public Refusal refusal() {
            return refusal;
        }
    }

    /** @param pairs API key to secret */
    public WebhookVerifier(Map<String, String> pairs) {
        this.pairs = Map.copyOf(pairs);
    }

    public boolean configured() {
        return !pairs.isEmpty();
    }

    /**
     * The verified event.
     *
     * @param body          the body's bytes, exactly as received
     * @param authorization the {@code Authorization} header (LiveKit sends the bare token; {@code Bearer <token>} is
     *                      accepted too)
     * @throws RefusedException when the delivery is not verified (or, verified, is not a webhook event)
     */
    public LiveKitEvent verify(byte[] body, String authorization) throws RefusedException {
        if (authorization == null || authorization.isBlank()) {
            throw new RefusedException(Refusal.MISSING_HEADER, "no Authorization header");
        }
        String token = authorization.strip();
        if (token.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = token.substring(7).strip();
        }
        String key = issuer(token).orElseThrow(() -> new RefusedException(Refusal.INVALID_SIGNATURE, "not a JWT with an issuer"));
        String secret = pairs.get(key);
        if (secret == null) {
            throw new RefusedException(Refusal.UNKNOWN_KEY, "unknown API key");
        }
        String text = utf8(body);
        WebhookReceiver receiver = receivers.computeIfAbsent(key, k -> new WebhookReceiver(k, secret));
        LivekitWebhook.WebhookEvent event;
        try {
            if (Charset.defaultCharset().equals(StandardCharsets.UTF_8)) {
                event = receiver.receive(text, token);
            } else {
                // the SDK hashes String.getBytes() in the platform's charset: hand it a string that gives the bytes
                // received, then read the event from their UTF-8 text without verifying again
                String platform = new String(body, Charset.defaultCharset());
                if (!Arrays.equals(platform.getBytes(Charset.defaultCharset()), body)) {
                    throw new RefusedException(Refusal.NOT_UTF8, "the platform charset cannot carry this body; run with "
                            + "-Dfile.encoding=UTF-8");
                }
                receiver.receive(platform, token);
                event = receiver.receive(text, null, true);
            }
        } catch (RefusedException e) {
            throw e;
        } catch (Exception e) {
            if (e instanceof com.google.protobuf.InvalidProtocolBufferException) {
                throw new RefusedException(Refusal.UNREADABLE, "verified, but not a webhook event");
            }
            throw new RefusedException(Refusal.INVALID_SIGNATURE, "signature or body hash does not verify");
        }
        return of(event);
    }

    /** The issuer of a JWT, read without verifying it (the SDK verifies with the issuer's secret). */
    static Optional<String> issuer(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3 || parts[1].isEmpty() || parts[1].length() > 8192) {
            return Optional.empty();
        }
        try {
            String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
            JsonObject claims;
            try (JsonReader reader = JSON.createReader(new StringReader(payload))) {
                claims = reader.readObject();
            }
            JsonValue iss = claims.get("iss");
            return iss instanceof jakarta.json.JsonString s && !s.getString().isEmpty()
                    ? Optional.of(s.getString()) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String utf8(byte[] body) throws RefusedException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new RefusedException(Refusal.NOT_UTF8, "the body is not UTF-8");
        }
    }

    /** The SDK's event as the cache takes it. */
    static LiveKitEvent of(LivekitWebhook.WebhookEvent event) {
        LiveKitEvent.Kind kind = LiveKitEvent.Kind.of(event.getEvent());
        Participant participant = event.hasParticipant() ? participant(event.getParticipant()) : null;
        if (kind.aboutParticipant() && (participant == null || participant.sid().isEmpty())) {
            // a participant event without its participant tells the cache nothing
            kind = LiveKitEvent.Kind.OTHER;
        }
        Track track = event.hasTrack() && !event.getTrack().getSid().isEmpty() ? track(event.getTrack()) : null;
        return new LiveKitEvent(event.getId(), kind, event.getEvent(), event.getCreatedAt() * 1000,
                event.hasRoom() ? event.getRoom().getName() : "", event.hasRoom() ? event.getRoom().getSid() : "",
                participant, track);
    }

    static Participant participant(LivekitModels.ParticipantInfo info) {
        List<Track> tracks = new ArrayList<>();
        info.getTracksList().forEach(t -> tracks.add(track(t)));
        long joinedAt = info.getJoinedAtMs() > 0 ? info.getJoinedAtMs() : info.getJoinedAt() * 1000;
        return new Participant("", info.getSid(), info.getIdentity(), info.getName(), info.getMetadata(), joinedAt, tracks,
                "", Integer.toUnsignedLong(info.getVersion()), 0, false, null, List.of(), null);
    }

    private static Track track(LivekitModels.TrackInfo track) {
        return new Track(track.getSid(), lower(track.getType().name()), lower(track.getSource().name()), track.getName(),
                track.getMuted());
    }

    private static String lower(String name) {
        return "UNRECOGNIZED".equals(name) ? "unknown" : name.toLowerCase(Locale.ROOT);
    }
}
