package dev.roomkeeper.testing;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.livekit.server.AccessToken;
import livekit.LivekitModels;
import livekit.LivekitWebhook;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * LiveKit webhook deliveries as a LiveKit server makes them: the event as protobuf JSON, and an Authorization token
 * made with the SDK's own {@link AccessToken} (issuer = API key, HS256 with its secret, claim {@code sha256} = the
 * base64 SHA-256 of the body).
 */
public final class LiveKitDeliveries {

    private static final AtomicLong IDS = new AtomicLong();

    /** A delivery: its body and its Authorization header. */
    public record Delivery(byte[] body, String authorization) {

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private LiveKitDeliveries() {
    }

    public static String newEventId() {
        return "EV_t" + Long.toString(System.nanoTime(), 36) + IDS.incrementAndGet();
    }

    public static LivekitModels.Room room(String name, String sid) {
        return LivekitModels.Room.newBuilder().setName(name).setSid(sid).build();
    }

    public static LivekitModels.TrackInfo track(String sid, LivekitModels.TrackType type, boolean muted) {
        return LivekitModels.TrackInfo.newBuilder().setSid(sid).setType(type)
                .setSource(type == LivekitModels.TrackType.AUDIO ? LivekitModels.TrackSource.MICROPHONE
                        : LivekitModels.TrackSource.CAMERA)
                .setMuted(muted).build();
    }

    public static LivekitModels.ParticipantInfo participant(String sid, String identity, int version, long joinedAtSeconds,
                                                            List<LivekitModels.TrackInfo> tracks) {
        return LivekitModels.ParticipantInfo.newBuilder().setSid(sid).setIdentity(identity).setName("Name of " + identity)
                .setVersion(version).setJoinedAt(joinedAtSeconds).addAllTracks(tracks)
                .setState(LivekitModels.ParticipantInfo.State.ACTIVE).build();
    }

    /** An event as LiveKit sends it. */
    public static LivekitWebhook.WebhookEvent.Builder event(String type, String id, long createdAtSeconds,
                                                            LivekitModels.Room room) {
        return LivekitWebhook.WebhookEvent.newBuilder().setEvent(type).setId(id).setCreatedAt(createdAtSeconds)
                .setRoom(room);
    }

    /** The event's body, signed with {@code key}/{@code secret}, valid for ten minutes. */
    public static Delivery signed(LivekitWebhook.WebhookEventOrBuilder event, String key, String secret) {
        byte[] body = json(event).getBytes(StandardCharsets.UTF_8);
        return new Delivery(body, token(body, key, secret, null));
    }

    /** A token for {@code body} as LiveKit makes it; {@code expiresAt} null: ten minutes from now. */
    public static String token(byte[] body, String key, String secret, Date expiresAt) {
        AccessToken token = new AccessToken(key, secret);
        token.setSha256(sha256(body));
        if (expiresAt != null) {
            token.setExpiration(expiresAt);
        } else {
            token.setTtl(600_000);
        }
        return token.toJwt();
    }

    public static String json(LivekitWebhook.WebhookEventOrBuilder event) {
        try {
            return JsonFormat.printer().omittingInsignificantWhitespace().print(event);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256(byte[] body) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
