package dev.roomkeeper.presence.control;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;

/**
 * Capabilities for clients without a socket (Convex-style): a session token names one session and lets
 * {@code navigator.sendBeacon} end it without an Authorization header; a room token lets a page list a
 * room's presence until it expires. Both are HMAC-signed, not stored. A session token names the session
 * by room, user, session id and the time the session started, which the store keeps from the session's
 * start to its end: every heartbeat of a live session gets the same token (so a failed or repeated one
 * never invalidates the token the client holds), and the token is spent when the session ends (a later
 * session with the same id starts at another time, so a late beacon from an earlier page cannot end it).
 */
public final class PresenceTokens {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final byte[] secret;
    /** Initialised once and cloned per use: looking the algorithm up each time cost a provider search per token. */
    private final Mac keyed;

    public PresenceTokens(byte[] secret) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("presence token secret must be at least 32 bytes");
        }
        this.secret = secret.clone();
        this.keyed = keyedMac(this.secret);
    }

    /** A session, as named by a session token: {@code joinedAt} tells it from earlier ones with the same id. */
    public record SessionRef(String room, String userId, String sessionId, long joinedAt) {

        /** True when this names a session of that room, user and session id, whenever it started. */
        public boolean names(String room, String userId, String sessionId) {
            return this.room.equals(room) && this.userId.equals(userId) && this.sessionId.equals(sessionId);
        }
    }

    /**
     * A room, as named by a room token.
     *
     * @param byMembership true when its holder was in the room by membership (the token then works only while the
     *                     membership lasts), false when by a grant in the holder's JWT (the token then expires with it)
     */
    public record RoomRef(String room, String userId, long expiresAt, boolean byMembership) {
    }

    /** @param joinedAt when the session started (epoch ms), as the presence store keeps it */
    public String sessionToken(String room, String userId, String sessionId, long joinedAt) {
        return sign("s\n" + room + "\n" + userId + "\n" + sessionId + "\n" + joinedAt);
    }

    public Optional<SessionRef> session(String token) {
        return verify(token).map(text -> text.split("\n", -1))
                .filter(p -> p.length == 5 && p[0].equals("s"))
                .flatMap(p -> number(p[4]).map(joinedAt -> new SessionRef(p[1], p[2], p[3], joinedAt)));
    }

    public String roomToken(String room, String userId, long expiresAt, boolean byMembership) {
        return sign("r\n" + room + "\n" + userId + "\n" + expiresAt + "\n" + (byMembership ? "m" : "g"));
    }

    public Optional<RoomRef> room(String token, long now) {
        return verify(token).map(text -> text.split("\n", -1))
                .filter(p -> p.length == 5 && p[0].equals("r") && (p[4].equals("m") || p[4].equals("g")))
                .flatMap(p -> number(p[3]).filter(expires -> expires > now)
                        .map(expires -> new RoomRef(p[1], p[2], expires, p[4].equals("m"))));
    }

    private static Optional<Long> number(String text) {
        try {
            return Optional.of(Long.parseLong(text));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private String sign(String payload) {
        byte[] body = payload.getBytes(StandardCharsets.UTF_8);
        return B64.encodeToString(body) + "." + B64.encodeToString(mac(body));
    }

    private Optional<String> verify(String token) {
        if (token == null || token.length() > 2048) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot <= 0 || dot != token.lastIndexOf('.')) {
            return Optional.empty();
        }
        try {
            byte[] body = B64D.decode(token.substring(0, dot));
            byte[] signature = B64D.decode(token.substring(dot + 1));
            if (!MessageDigest.isEqual(signature, mac(body))) {
                return Optional.empty();
            }
            return Optional.of(new String(body, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private byte[] mac(byte[] body) {
        Mac mac;
        try {
            mac = (Mac) keyed.clone();
        } catch (CloneNotSupportedException e) {
            mac = keyedMac(secret); // a provider whose MACs cannot be cloned
        }
        return mac.doFinal(body);
    }

    private static Mac keyedMac(byte[] secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
