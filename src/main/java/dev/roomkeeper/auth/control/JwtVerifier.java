package dev.roomkeeper.auth.control;

import dev.roomkeeper.auth.control.InvalidTokenException.Reason;
import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.auth.entity.Role;
import jakarta.json.Json;
import jakarta.json.spi.JsonProvider;
import jakarta.json.JsonArray;
import jakarta.json.JsonConfig;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Verifies compact JWS tokens (HS256, RS256, ES256) with the JDK alone and turns their claims into a
 * {@link Caller}. Immutable and thread-safe; build one with {@link #builder()}.
 * <p>
 * Each algorithm is checked only against the key configured for it: an HS256 token is never checked
 * against a public key and an RS256 or ES256 token never against the shared secret, so one kind of key
 * cannot be passed off as another. Keys come only from configuration; header fields such as
 * {@code jwk}, {@code jku} or {@code kid} are ignored.
 */
public final class JwtVerifier {
    /** Looked up once: {@code Json.create*} asks the ServiceLoader on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();


    public static final int MIN_HS256_SECRET_BYTES = 32;
    public static final int MIN_RSA_KEY_BITS = 2048;
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);
    public static final String DEFAULT_ADMIN_GROUP = "roomkeeper-admin";

    /** Far above any real token; keeps a flood of huge headers from costing parse time. */
    static final int MAX_TOKEN_CHARS = 16 * 1024;

    private static final int ES256_PART_BYTES = 32;
    private static final ECParameterSpec P256 = p256();
    /** Duplicate names (two {@code sub} claims, say) are refused rather than resolved one way or the other. */
    private static final JsonReaderFactory READERS =
            JSON.createReaderFactory(Map.of(JsonConfig.KEY_STRATEGY, JsonConfig.KeyStrategy.NONE));
    private static final JsonParserFactory PARSERS = JSON.createParserFactory(Map.of());

    private final byte[] hs256Secret;
    private final RSAPublicKey rsaKey;
    private final ECPublicKey ecKey;
    private final String issuer;
    private final String audience;
    private final Duration clockSkew;
    private final String adminGroup;
    private final Clock clock;

    private JwtVerifier(Builder builder) {
        this.hs256Secret = builder.hs256Secret;
        this.rsaKey = builder.rsaKey;
        this.ecKey = builder.ecKey;
        this.issuer = builder.issuer;
        this.audience = builder.audience;
        this.clockSkew = builder.clockSkew;
        this.adminGroup = builder.adminGroup;
        this.clock = builder.clock;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The algorithms a token may be signed with, in the order HS256, RS256, ES256; empty when no key is set. */
    public List<String> algorithms() {
        List<String> algorithms = new ArrayList<>(3);
        if (hs256Secret != null) {
            algorithms.add("HS256");
        }
        if (rsaKey != null) {
            algorithms.add("RS256");
        }
        if (ecKey != null) {
            algorithms.add("ES256");
        }
        return List.copyOf(algorithms);
    }

    /**
     * Verifies the token's signature and claims.
     *
     * @param token a compact JWS, without any {@code Bearer } prefix
     * @return who the token speaks for
     * @throws InvalidTokenException with the reason the token was refused
     */
    public Caller verify(String token) throws InvalidTokenException {
        if (token == null || token.isBlank()) {
            throw new InvalidTokenException(Reason.MISSING, "No token was presented.");
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            throw malformed("The token is too long.");
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw malformed("The token is not a signed JWT: expected three base64url parts separated by dots.");
        }
        JsonObject header = parseObject(decode(parts[0]), "header");
        if (!(header.get("alg") instanceof JsonString alg)) {
            throw malformed("The token header names no algorithm.");
        }
        if (header.containsKey("crit")) {
            throw malformed("The token requires header extensions this server does not understand.");
        }
        byte[] signingInput = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        byte[] signature = decode(parts[2]);
        switch (alg.getString()) {
            case "HS256" -> verifyHs256(signingInput, signature);
            case "RS256" -> verifyRs256(signingInput, signature);
            case "ES256" -> verifyEs256(signingInput, signature);
            case "none" -> throw new InvalidTokenException(Reason.UNSUPPORTED_ALGORITHM,
                    "Unsigned tokens are never accepted.");
            default -> throw unsupported();
        }
        return caller(parseObject(decode(parts[1]), "payload"));
    }

    private void verifyHs256(byte[] signingInput, byte[] signature) throws InvalidTokenException {
        if (hs256Secret == null) {
            throw unsupported();
        }
        byte[] expected;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(hs256Secret, "HmacSHA256"));
            expected = mac.doFinal(signingInput);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks HmacSHA256", e);
        }
        if (!MessageDigest.isEqual(expected, signature)) {
            throw badSignature();
        }
    }

    private void verifyRs256(byte[] signingInput, byte[] signature) throws InvalidTokenException {
        if (rsaKey == null) {
            throw unsupported();
        }
        checkSignature("SHA256withRSA", rsaKey, signingInput, signature);
    }

    private void verifyEs256(byte[] signingInput, byte[] signature) throws InvalidTokenException {
        if (ecKey == null) {
            throw unsupported();
        }
        if (signature.length != 2 * ES256_PART_BYTES) {
            throw badSignature();
        }
        // r and s must lie in [1, n-1]; never leave that check to the provider alone (CVE-2022-21449)
        BigInteger order = ecKey.getParams().getOrder();
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature, 0, ES256_PART_BYTES));
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, ES256_PART_BYTES, 2 * ES256_PART_BYTES));
        if (r.signum() == 0 || s.signum() == 0 || r.compareTo(order) >= 0 || s.compareTo(order) >= 0) {
            throw badSignature();
        }
        checkSignature("SHA256withECDSA", ecKey, signingInput, derSignature(signature));
    }

    private static void checkSignature(String algorithm, PublicKey key, byte[] signingInput, byte[] signature)
            throws InvalidTokenException {
        boolean valid;
        try {
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(key);
            verifier.update(signingInput);
            valid = verifier.verify(signature);
        } catch (SignatureException e) {
            valid = false;
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("the configured key does not suit " + algorithm, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + algorithm, e);
        }
        if (!valid) {
            throw badSignature();
        }
    }

    /** A JWS ECDSA signature is R||S, each a fixed-width unsigned integer; the JDK wants ASN.1 DER. */
    static byte[] derSignature(byte[] raw) {
        int half = raw.length / 2;
        byte[] r = derInteger(raw, 0, half);
        byte[] s = derInteger(raw, half, half);
        // at most 2 * (2 + 33) content bytes, so the length always fits the one-byte short form
        byte[] der = new byte[2 + r.length + s.length];
        der[0] = 0x30;
        der[1] = (byte) (r.length + s.length);
        System.arraycopy(r, 0, der, 2, r.length);
        System.arraycopy(s, 0, der, 2 + r.length, s.length);
        return der;
    }

    private static byte[] derInteger(byte[] raw, int offset, int length) {
        int start = offset;
        int end = offset + length;
        while (start < end - 1 && raw[start] == 0) {
            start++;
        }
        boolean needsZero = (raw[start] & 0x80) != 0;
        int valueLength = end - start + (needsZero ? 1 : 0);
        byte[] der = new byte[2 + valueLength];
        der[0] = 0x02;
        der[1] = (byte) valueLength;
        System.arraycopy(raw, start, der, needsZero ? 3 : 2, end - start);
        return der;
    }

    private Caller caller(JsonObject claims) throws InvalidTokenException {
        String userId = optionalString(claims, "sub");
        if (userId == null || userId.isBlank()) {
            throw malformed("The token names no subject (sub).");
        }
        Instant expiresAt = numericDate(claims, "exp");
        if (expiresAt == null) {
            throw malformed("The token has no expiry (exp).");
        }
        Instant notBefore = numericDate(claims, "nbf");
        String name = optionalString(claims, "name");
        boolean admin = groups(claims).contains(adminGroup);
        Map<String, Role> roomGrants = roomGrants(claims);

        Instant now = clock.instant();
        if (!now.minus(clockSkew).isBefore(expiresAt)) {
            throw new InvalidTokenException(Reason.EXPIRED, "The token has expired.");
        }
        if (notBefore != null && notBefore.isAfter(now.plus(clockSkew))) {
            throw new InvalidTokenException(Reason.NOT_YET_VALID, "The token is not valid yet.");
        }
        if (issuer != null && !(claims.get("iss") instanceof JsonString iss && iss.getString().equals(issuer))) {
            throw new InvalidTokenException(Reason.WRONG_ISSUER, "The token comes from an issuer this server does not trust.");
        }
        if (audience != null && !hasAudience(claims.get("aud"))) {
            throw new InvalidTokenException(Reason.WRONG_AUDIENCE, "The token is meant for a different audience.");
        }
        return new Caller(userId, name, httpUrl(claims.get("avatar")), admin, roomGrants, expiresAt);
    }

    private boolean hasAudience(JsonValue aud) {
        if (aud instanceof JsonString single) {
            return single.getString().equals(audience);
        }
        if (aud instanceof JsonArray many) {
            return many.stream().anyMatch(v -> v instanceof JsonString s && s.getString().equals(audience));
        }
        return false;
    }

    private static List<String> groups(JsonObject claims) throws InvalidTokenException {
        JsonValue value = claims.get("groups");
        if (value == null || value == JsonValue.NULL) {
            return List.of();
        }
        if (!(value instanceof JsonArray array)) {
            throw malformed("The groups claim is not an array of strings.");
        }
        List<String> groups = new ArrayList<>(array.size());
        for (JsonValue group : array) {
            if (!(group instanceof JsonString text)) {
                throw malformed("The groups claim is not an array of strings.");
            }
            groups.add(text.getString());
        }
        return groups;
    }

    private static Map<String, Role> roomGrants(JsonObject claims) throws InvalidTokenException {
        JsonValue value = claims.get("rooms");
        if (value == null || value == JsonValue.NULL) {
            return Map.of();
        }
        if (!(value instanceof JsonObject rooms)) {
            throw malformed("The rooms claim is not an object of room to role.");
        }
        Map<String, Role> grants = new HashMap<>();
        for (Map.Entry<String, JsonValue> grant : rooms.entrySet()) {
            if (grant.getKey().isBlank()) {
                throw malformed("The rooms claim names a blank room.");
            }
            Role role = grant.getValue() instanceof JsonString text ? Role.fromWire(text.getString()).orElse(null) : null;
            if (role == null) {
                throw malformed("The rooms claim grants an unknown role; roles are host, presenter, participant, observer.");
            }
            grants.put(grant.getKey(), role);
        }
        return grants;
    }

    private static String optionalString(JsonObject claims, String name) throws InvalidTokenException {
        JsonValue value = claims.get(name);
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (!(value instanceof JsonString text)) {
            throw malformed("The " + name + " claim is not a string.");
        }
        return text.getString();
    }

    /** A NumericDate: seconds since the epoch, fractions dropped. */
    private static Instant numericDate(JsonObject claims, String name) throws InvalidTokenException {
        JsonValue value = claims.get(name);
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (!(value instanceof JsonNumber number)) {
            throw malformed("The " + name + " claim is not a number of seconds.");
        }
        BigDecimal seconds = number.bigDecimalValue();
        // count integer digits before any arithmetic, so 1e999999999 costs nothing
        if (seconds.precision() - seconds.scale() > 18) {
            throw malformed("The " + name + " claim is out of range.");
        }
        try {
            return Instant.ofEpochSecond(seconds.setScale(0, RoundingMode.FLOOR).longValueExact());
        } catch (ArithmeticException | DateTimeException e) {
            throw malformed("The " + name + " claim is out of range.");
        }
    }

    /** The value when it is an absolute http or https URL with a host, otherwise null. */
    static String httpUrl(JsonValue value) {
        if (!(value instanceof JsonString text)) {
            return null;
        }
        String url = text.getString().strip();
        if (url.isEmpty() || url.length() > 2048) {
            return null;
        }
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            boolean web = scheme.equals("http") || scheme.equals("https");
            return web && uri.getHost() != null ? url : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static byte[] decode(String part) throws InvalidTokenException {
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            boolean alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_';
            if (!alphabet) {
                throw malformed("The token is not base64url without padding.");
            }
        }
        try {
            return Base64.getUrlDecoder().decode(part);
        } catch (IllegalArgumentException e) {
            throw malformed("The token is not base64url without padding.");
        }
    }

    private static JsonObject parseObject(byte[] json, String part) throws InvalidTokenException {
        String text = new String(json, StandardCharsets.UTF_8);
        try (JsonReader reader = READERS.createReader(new StringReader(text));
             JsonParser parser = PARSERS.createParser(new StringReader(text))) {
            // the reader refuses duplicate names; the parser confirms nothing follows the object
            if (reader.read() instanceof JsonObject object
                    && parser.next() == JsonParser.Event.START_OBJECT) {
                parser.skipObject();
                if (!parser.hasNext()) {
                    return object;
                }
            }
        } catch (JsonException | IllegalStateException | NoSuchElementException e) {
            // fall through: not JSON, a duplicate name, or trailing data
        }
        throw malformed("The token " + part + " is not a single JSON object.");
    }

    private static InvalidTokenException malformed(String message) {
        return new InvalidTokenException(Reason.MALFORMED, message);
    }

    private static InvalidTokenException badSignature() {
        return new InvalidTokenException(Reason.BAD_SIGNATURE, "The token's signature does not verify.");
    }

    private static InvalidTokenException unsupported() {
        return new InvalidTokenException(Reason.UNSUPPORTED_ALGORITHM,
                "The token is signed with an algorithm this server does not accept.");
    }

    private static ECParameterSpec p256() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks the P-256 curve", e);
        }
    }

    static boolean isP256(ECParameterSpec spec) {
        return spec.getCurve().equals(P256.getCurve())
                && spec.getGenerator().equals(P256.getGenerator())
                && spec.getOrder().equals(P256.getOrder())
                && spec.getCofactor() == P256.getCofactor();
    }

    /** Collects keys and checks; every setter refuses values that would weaken verification. */
    public static final class Builder {

        private byte[] hs256Secret;
        private RSAPublicKey rsaKey;
        private ECPublicKey ecKey;
        private String issuer;
        private String audience;
        private Duration clockSkew = DEFAULT_CLOCK_SKEW;
        private String adminGroup = DEFAULT_ADMIN_GROUP;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** Accept HS256 tokens signed with this secret of at least 32 bytes. */
        public Builder hs256Secret(byte[] secret) {
            if (secret == null || secret.length < MIN_HS256_SECRET_BYTES) {
                throw new IllegalArgumentException("an HS256 secret needs at least " + MIN_HS256_SECRET_BYTES + " bytes");
            }
            this.hs256Secret = secret.clone();
            return this;
        }

        /** Accept RS256 tokens (an RSA key of 2048 bits or more) or ES256 tokens (an EC key on P-256). */
        public Builder publicKey(PublicKey key) {
            if (key instanceof RSAPublicKey rsa) {
                if (rsa.getModulus().bitLength() < MIN_RSA_KEY_BITS) {
                    throw new IllegalArgumentException("an RSA key needs at least " + MIN_RSA_KEY_BITS + " bits");
                }
                if (rsaKey != null) {
                    throw new IllegalArgumentException("only one RSA public key can be configured");
                }
                rsaKey = rsa;
            } else if (key instanceof ECPublicKey ec) {
                if (!isP256(ec.getParams())) {
                    throw new IllegalArgumentException("an EC key must be on the P-256 curve (secp256r1) for ES256");
                }
                if (ecKey != null) {
                    throw new IllegalArgumentException("only one EC public key can be configured");
                }
                ecKey = ec;
            } else {
                throw new IllegalArgumentException("a public key must be RSA or EC, not "
                        + (key == null ? "null" : key.getAlgorithm()));
            }
            return this;
        }

        /** Require {@code iss} to equal this; blank or null means any issuer. */
        public Builder issuer(String issuer) {
            this.issuer = issuer == null || issuer.isBlank() ? null : issuer.strip();
            return this;
        }

        /** Require {@code aud} to be or contain this; blank or null means any audience. */
        public Builder audience(String audience) {
            this.audience = audience == null || audience.isBlank() ? null : audience.strip();
            return this;
        }

        /** How far {@code exp} and {@code nbf} may be off from this server's clock. */
        public Builder clockSkew(Duration skew) {
            if (skew == null || skew.isNegative()) {
                throw new IllegalArgumentException("the clock skew must be zero or positive");
            }
            this.clockSkew = skew;
            return this;
        }

        /** The entry of the {@code groups} claim that makes a caller admin. */
        public Builder adminGroup(String group) {
            if (group == null || group.isBlank()) {
                throw new IllegalArgumentException("the admin group must not be blank");
            }
            this.adminGroup = group.strip();
            return this;
        }

        public Builder clock(Clock clock) {
            if (clock == null) {
                throw new IllegalArgumentException("clock");
            }
            this.clock = clock;
            return this;
        }

        public JwtVerifier build() {
            return new JwtVerifier(this);
        }
    }
}
