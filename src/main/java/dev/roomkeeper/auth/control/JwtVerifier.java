package dev.roomkeeper.auth.control;

import com.nimbusds.jose.Header;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.roomkeeper.auth.control.InvalidTokenException.Reason;
import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.auth.entity.Role;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Verifies compact JWS tokens (HS256, RS256, ES256) with nimbus-jose-jwt and turns their claims into a
 * {@link Caller}. Immutable and thread-safe; build one with {@link #builder()}.
 * <p>
 * The algorithm picks the key, and each algorithm has at most one key, from configuration: an HS256 token is
 * never checked against a public key and an RS256 or ES256 token never against the shared secret. Header fields
 * that name keys ({@code kid}, {@code jwk}, {@code jku}, {@code x5u}, ...) are never consulted. Nimbus parses
 * (strict JSON, duplicate claim names refused, nesting bounded) and checks signatures; this class decides what
 * is accepted: the algorithms, {@code crit}, {@code typ}, and the claims Roomkeeper requires.
 */
public final class JwtVerifier {

    public static final int MIN_HS256_SECRET_BYTES = 32;
    public static final int MIN_RSA_KEY_BITS = 2048;
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);
    public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofHours(24);
    public static final String DEFAULT_ADMIN_GROUP = "roomkeeper-admin";

    /** Far above any real token; keeps a flood of huge headers from costing parse time. */
    static final int MAX_TOKEN_CHARS = 16 * 1024;

    /** 9999-12-31T23:59:59Z: a NumericDate beyond it is a mistake or an attack, not an expiry. */
    private static final long MAX_NUMERIC_DATE = 253_402_300_799L;

    /**
     * RFC 8725 section 3.11: a token typed as something else (a logout token, a security event, a DPoP proof) is
     * never taken as an access token. Untyped tokens and {@code JWT} are what identity providers issue; {@code at+jwt}
     * is the type RFC 9068 gives access tokens. Compared ignoring case.
     */
    private static final JOSEObjectTypeVerifier<SecurityContext> TYPES = new DefaultJOSEObjectTypeVerifier<>(
            null, JOSEObjectType.JWT, new JOSEObjectType("application/jwt"),
            new JOSEObjectType("at+jwt"), new JOSEObjectType("application/at+jwt"));

    private final JWSVerifier hs256;
    private final JWSVerifier rs256;
    private final JWSVerifier es256;
    private final String issuer;
    private final String audience;
    private final Duration clockSkew;
    private final Duration maxLifetime;
    private final String adminGroup;
    private final Clock clock;

    private JwtVerifier(Builder builder) {
        try {
            this.hs256 = builder.hs256Secret == null ? null : new MACVerifier(builder.hs256Secret);
            this.es256 = builder.ecKey == null ? null : new ECDSAVerifier(builder.ecKey);
        } catch (JOSEException e) {
            // the builder admits only secrets and curves nimbus takes
            throw new IllegalStateException("a checked key was refused by the JWS library", e);
        }
        this.rs256 = builder.rsaKey == null ? null : new RSASSAVerifier(builder.rsaKey);
        this.issuer = builder.issuer;
        this.audience = builder.audience;
        this.clockSkew = builder.clockSkew;
        this.maxLifetime = builder.maxLifetime;
        this.adminGroup = builder.adminGroup;
        this.clock = builder.clock;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The algorithms a token may be signed with, in the order HS256, RS256, ES256; empty when no key is set. */
    public List<String> algorithms() {
        List<String> algorithms = new ArrayList<>(3);
        if (hs256 != null) {
            algorithms.add("HS256");
        }
        if (rs256 != null) {
            algorithms.add("RS256");
        }
        if (es256 != null) {
            algorithms.add("ES256");
        }
        return List.copyOf(algorithms);
    }

    /**
     * The first instant at which a token that expires at {@code expiresAt} is refused: {@code exp} plus the clock
     * skew. Authentication uses it, and so do the sweeps that close sockets and end streams when a token runs out,
     * so a token accepted a moment ago is never cut off a moment later. Null (never) for null.
     */
    public Instant validUntil(Instant expiresAt) {
        return expiresAt == null ? null : expiresAt.plus(clockSkew);
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
        for (String part : parts) {
            requireBase64Url(part);
        }
        Base64URL headerPart = new Base64URL(parts[0]);
        Base64URL payloadPart = new Base64URL(parts[1]);
        Header header;
        try {
            header = Header.parse(utf8(headerPart, "header"), headerPart);
        } catch (ParseException e) {
            throw malformed("The token header is not a JSON object naming an algorithm.");
        }
        if (!(header instanceof JWSHeader jws)) {
            // alg "none" (a plain JWT) or a JWE's key management algorithm: never accepted
            throw new InvalidTokenException(Reason.UNSUPPORTED_ALGORITHM, "Unsigned or encrypted tokens are never accepted.");
        }
        JWSVerifier verifier = switch (jws.getAlgorithm().getName()) {
            case "HS256" -> hs256;
            case "RS256" -> rs256;
            case "ES256" -> es256;
            default -> null;
        };
        if (verifier == null) {
            throw new InvalidTokenException(Reason.UNSUPPORTED_ALGORITHM,
                    "The token is signed with an algorithm this server does not accept.");
        }
        if (jws.getCriticalParams() != null || jws.getIncludedParams().contains("crit")) {
            throw malformed("The token requires header extensions this server does not understand.");
        }
        if (!jws.isBase64URLEncodePayload()) {
            throw malformed("The token's payload is not base64url encoded.");
        }
        try {
            TYPES.verify(jws.getType(), null);
        } catch (BadJOSEException e) {
            throw malformed("The token's type (typ) is not JWT: it is some other kind of token.");
        }
        utf8(payloadPart, "payload");
        SignedJWT jwt;
        try {
            jwt = new SignedJWT(headerPart, payloadPart, new Base64URL(parts[2]));
        } catch (ParseException e) {
            throw malformed("The token is not a signed JWT.");
        }
        boolean valid;
        try {
            valid = jwt.verify(verifier);
        } catch (JOSEException e) {
            valid = false;
        }
        if (!valid) {
            throw new InvalidTokenException(Reason.BAD_SIGNATURE, "The token's signature does not verify.");
        }
        Map<String, Object> json = jwt.getPayload().toJSONObject();
        if (json == null) {
            throw malformed("The token payload is not a single JSON object.");
        }
        try {
            return caller(json, JWTClaimsSet.parse(json));
        } catch (ParseException e) {
            throw malformed("A registered claim (iss, sub, aud, exp, nbf, iat, jti) has the wrong type.");
        }
    }

    private Caller caller(Map<String, Object> json, JWTClaimsSet claims) throws InvalidTokenException {
        // nimbus turns a numeric sub into a string; Roomkeeper's user ids are strings, as RFC 7519 says
        if (!(json.get("sub") instanceof String userId) || userId.isBlank()) {
            throw malformed("The token names no subject (sub).");
        }
        Instant expiresAt = numericDate(json, claims.getExpirationTime(), "exp");
        if (expiresAt == null) {
            throw malformed("The token has no expiry (exp).");
        }
        Instant notBefore = numericDate(json, claims.getNotBeforeTime(), "nbf");
        Instant issuedAt = numericDate(json, claims.getIssueTime(), "iat");
        String name = optionalString(json, "name");
        boolean admin = groups(json).contains(adminGroup);
        Map<String, Role> roomGrants = roomGrants(json);

        Instant now = clock.instant();
        if (!now.isBefore(validUntil(expiresAt))) {
            throw new InvalidTokenException(Reason.EXPIRED, "The token has expired.");
        }
        if (notBefore != null && notBefore.isAfter(now.plus(clockSkew))) {
            throw new InvalidTokenException(Reason.NOT_YET_VALID, "The token is not valid yet.");
        }
        if (issuedAt != null && issuedAt.isAfter(now.plus(clockSkew))) {
            throw new InvalidTokenException(Reason.NOT_YET_VALID, "The token was issued in the future (iat).");
        }
        // from its issue when it says, else from now (with the skew the issuer's clock may be ahead by)
        boolean tooLong = issuedAt != null
                ? Duration.between(issuedAt, expiresAt).compareTo(maxLifetime) > 0
                : Duration.between(now, expiresAt).compareTo(maxLifetime.plus(clockSkew)) > 0;
        if (tooLong) {
            throw malformed("The token lives longer than this server accepts (exp is too far ahead).");
        }
        if (issuer != null && !issuer.equals(claims.getIssuer())) {
            throw new InvalidTokenException(Reason.WRONG_ISSUER, "The token comes from an issuer this server does not trust.");
        }
        if (audience != null && (claims.getAudience() == null || !claims.getAudience().contains(audience))) {
            throw new InvalidTokenException(Reason.WRONG_AUDIENCE, "The token is meant for a different audience.");
        }
        return new Caller(userId, name, httpUrl(json.get("avatar")), admin, roomGrants, expiresAt);
    }

    private static List<String> groups(Map<String, Object> json) throws InvalidTokenException {
        Object value = json.get("groups");
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw malformed("The groups claim is not an array of strings.");
        }
        List<String> groups = new ArrayList<>(list.size());
        for (Object group : list) {
            if (!(group instanceof String text)) {
                throw malformed("The groups claim is not an array of strings.");
            }
            groups.add(text);
        }
        return groups;
    }

    private static Map<String, Role> roomGrants(Map<String, Object> json) throws InvalidTokenException {
        Object value = json.get("rooms");
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> rooms)) {
            throw malformed("The rooms claim is not an object of room to role.");
        }
        Map<String, Role> grants = new HashMap<>();
        for (Map.Entry<?, ?> grant : rooms.entrySet()) {
            String room = String.valueOf(grant.getKey());
            if (room.isBlank()) {
                throw malformed("The rooms claim names a blank room.");
            }
            Role role = grant.getValue() instanceof String text ? Role.fromWire(text).orElse(null) : null;
            if (role == null) {
                throw malformed("The rooms claim grants an unknown role; roles are host, presenter, participant, observer.");
            }
            grants.put(room, role);
        }
        return grants;
    }

    private static String optionalString(Map<String, Object> json, String name) throws InvalidTokenException {
        Object value = json.get(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String text)) {
            throw malformed("The " + name + " claim is not a string.");
        }
        return text;
    }

    /** A NumericDate as nimbus read it (seconds, fractions dropped), refused when out of any sensible range. */
    private static Instant numericDate(Map<String, Object> json, Date parsed, String name) throws InvalidTokenException {
        if (parsed == null) {
            return null;
        }
        // nimbus multiplies the seconds by 1000 without an overflow check: bound them first
        if (!(json.get(name) instanceof Number seconds) || Math.abs(seconds.doubleValue()) > MAX_NUMERIC_DATE) {
            throw malformed("The " + name + " claim is out of range.");
        }
        return parsed.toInstant();
    }

    /** The value when it is an absolute http or https URL with a host, otherwise null. */
    static String httpUrl(Object value) {
        if (!(value instanceof String text)) {
            return null;
        }
        String url = text.strip();
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

    /**
     * Base64url without padding, as RFC 7515 requires: nimbus's decoder skips characters outside the alphabet,
     * which would let two spellings of one token pass.
     */
    private static void requireBase64Url(String part) throws InvalidTokenException {
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            boolean alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_';
            if (!alphabet) {
                throw malformed("The token is not base64url without padding.");
            }
        }
        if (part.length() % 4 == 1) {
            throw malformed("The token is not base64url without padding.");
        }
    }

    /** The part as UTF-8 text; invalid UTF-8 is refused, where nimbus would put U+FFFD in its place. */
    private static String utf8(Base64URL part, String name) throws InvalidTokenException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(part.decode()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw malformed("The token " + name + " is not valid UTF-8.");
        }
    }

    private static InvalidTokenException malformed(String message) {
        return new InvalidTokenException(Reason.MALFORMED, message);
    }

    /** Collects keys and checks; every setter refuses values that would weaken verification. */
    public static final class Builder {

        private byte[] hs256Secret;
        private RSAPublicKey rsaKey;
        private ECPublicKey ecKey;
        private String issuer;
        private String audience;
        private Duration clockSkew = DEFAULT_CLOCK_SKEW;
        private Duration maxLifetime = DEFAULT_MAX_LIFETIME;
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
                if (!Curve.P_256.equals(Curve.forECParameterSpec(ec.getParams()))) {
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

        /** How far {@code exp}, {@code nbf} and {@code iat} may be off from this server's clock. */
        public Builder clockSkew(Duration skew) {
            if (skew == null || skew.isNegative()) {
                throw new IllegalArgumentException("the clock skew must be zero or positive");
            }
            this.clockSkew = skew;
            return this;
        }

        /** The longest a token may live: {@code exp} at most this after {@code iat}, or after now without {@code iat}. */
        public Builder maxLifetime(Duration lifetime) {
            if (lifetime == null || lifetime.isNegative() || lifetime.isZero()) {
                throw new IllegalArgumentException("the maximum token lifetime must be positive");
            }
            this.maxLifetime = lifetime;
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
