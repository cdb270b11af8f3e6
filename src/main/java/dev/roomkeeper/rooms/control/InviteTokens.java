package dev.roomkeeper.rooms.control;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Invite tokens: 32 random bytes from {@link SecureRandom}, written as unpadded base64url (43 characters,
 * safe in a URL path). The database keeps only {@link #hash(String)} of a token. Tokens are secrets:
 * never log one, nor put one in an exception message.
 */
public final class InviteTokens {

    static final int BYTES = 32;
    /** The length of a token: 32 bytes in unpadded base64url. */
    static final int LENGTH = 43;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_-]{" + LENGTH + "}");
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private InviteTokens() {
    }

    /** A new, unguessable token. */
    public static String generate() {
        return generate(RANDOM);
    }

    static String generate(SecureRandom random) {
        byte[] bytes = new byte[BYTES];
        random.nextBytes(bytes);
        return ENCODER.encodeToString(bytes);
    }

    /** The token's SHA-256 as 64 lower-case hex digits: what the {@code token_hash} column holds. */
    public static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            // every Java platform must provide SHA-256
            throw new IllegalStateException(e);
        }
    }

    /** True when {@code token} could have come from {@link #generate()}; anything else is not looked up. */
    public static boolean isWellFormed(String token) {
        return token != null && SHAPE.matcher(token).matches();
    }
}
