package dev.roomkeeper.testing;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Mints JWTs for tests, with the JDK and JSON-P only, independently of the production code.
 * <pre>{@code
 * String token = TestTokens.forUser("alice").name("Alice").admin().room("r1", "host").hs256(secret);
 * }</pre>
 */
public final class TestTokens {

    public static final String ADMIN_GROUP = "roomkeeper-admin";

    private TestTokens() {
    }

    /** Claims for {@code sub}, expiring in an hour unless changed. */
    public static Claims forUser(String sub) {
        return new Claims().sub(sub).expiresIn(Duration.ofHours(1));
    }

    /** Claims with nothing set: not even {@code sub} or {@code exp}. */
    public static Claims empty() {
        return new Claims();
    }

    public static String hs256(byte[] secret, JsonObject claims) {
        return sign(header("HS256"), claims, input -> hmacSha256(secret, input));
    }

    public static String rs256(PrivateKey key, JsonObject claims) {
        return sign(header("RS256"), claims, input -> signature("SHA256withRSA", key, input));
    }

    /** ES256 with a P-256 private key; the JDK's DER signature converted to the JWS form R||S. */
    public static String es256(PrivateKey key, JsonObject claims) {
        return sign(header("ES256"), claims, input -> derToConcatenated(signature("SHA256withECDSA", key, input), 32));
    }

    public static JsonObject header(String alg) {
        return Json.createObjectBuilder().add("alg", alg).add("typ", "JWT").build();
    }

    /** A compact JWS of any header and claims, signed by {@code signer} over {@code header.payload}. */
    public static String sign(JsonObject header, JsonObject claims, UnaryOperator<byte[]> signer) {
        String input = base64Url(header.toString().getBytes(StandardCharsets.UTF_8)) + "."
                + base64Url(claims.toString().getBytes(StandardCharsets.UTF_8));
        return input + "." + base64Url(signer.apply(input.getBytes(StandardCharsets.US_ASCII)));
    }

    public static byte[] hmacSha256(byte[] secret, byte[] input) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] signature(String algorithm, PrivateKey key, byte[] input) {
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(input);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** DER {@code SEQUENCE { INTEGER r, INTEGER s }} to r and s as fixed-width unsigned big-endian, concatenated. */
    public static byte[] derToConcatenated(byte[] der, int partBytes) {
        if (der[0] != 0x30) {
            throw new IllegalArgumentException("not a DER sequence");
        }
        int offset = (der[1] & 0x80) == 0 ? 2 : 2 + (der[1] & 0x7f);
        byte[] out = new byte[2 * partBytes];
        for (int part = 0; part < 2; part++) {
            if (der[offset] != 0x02) {
                throw new IllegalArgumentException("not a DER integer");
            }
            int length = der[offset + 1];
            int start = offset + 2;
            int end = start + length;
            while (end - start > partBytes && der[start] == 0) {
                start++;
            }
            int width = end - start;
            System.arraycopy(der, start, out, part * partBytes + partBytes - width, width);
            offset = end;
        }
        return out;
    }

    public static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String base64Url(String text) {
        return base64Url(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A claims set under construction; every setter replaces the claim it names. */
    public static final class Claims {

        private final Map<String, JsonValue> claims = new LinkedHashMap<>();

        private Claims() {
        }

        public Claims sub(String sub) {
            return claim("sub", Json.createValue(sub));
        }

        public Claims name(String name) {
            return claim("name", Json.createValue(name));
        }

        public Claims avatar(String avatar) {
            return claim("avatar", Json.createValue(avatar));
        }

        public Claims groups(String... groups) {
            JsonArrayBuilder array = Json.createArrayBuilder();
            for (String group : groups) {
                array.add(group);
            }
            return claim("groups", array.build());
        }

        /** Puts the default admin group in {@code groups}. */
        public Claims admin() {
            return groups(ADMIN_GROUP);
        }

        /** Adds one grant to the {@code rooms} claim. */
        public Claims room(String roomIdOrSlug, String role) {
            JsonObjectBuilder rooms = claims.get("rooms") instanceof JsonObject existing
                    ? Json.createObjectBuilder(existing) : Json.createObjectBuilder();
            return claim("rooms", rooms.add(roomIdOrSlug, role).build());
        }

        public Claims rooms(Map<String, String> grants) {
            JsonObjectBuilder rooms = Json.createObjectBuilder();
            grants.forEach(rooms::add);
            return claim("rooms", rooms.build());
        }

        public Claims expiresAt(Instant exp) {
            return claim("exp", Json.createValue(exp.getEpochSecond()));
        }

        public Claims expiresIn(Duration ttl) {
            return expiresAt(Instant.now().plus(ttl));
        }

        public Claims notBefore(Instant nbf) {
            return claim("nbf", Json.createValue(nbf.getEpochSecond()));
        }

        public Claims issuedAt(Instant iat) {
            return claim("iat", Json.createValue(iat.getEpochSecond()));
        }

        public Claims issuer(String iss) {
            return claim("iss", Json.createValue(iss));
        }

        /** One audience as a string, several as an array. */
        public Claims audience(String... aud) {
            if (aud.length == 1) {
                return claim("aud", Json.createValue(aud[0]));
            }
            JsonArrayBuilder array = Json.createArrayBuilder();
            for (String a : aud) {
                array.add(a);
            }
            return claim("aud", array.build());
        }

        public Claims claim(String name, JsonValue value) {
            claims.put(name, value);
            return this;
        }

        public Claims without(String name) {
            claims.remove(name);
            return this;
        }

        public JsonObject json() {
            JsonObjectBuilder builder = Json.createObjectBuilder();
            claims.forEach(builder::add);
            return builder.build();
        }

        public String hs256(byte[] secret) {
            return TestTokens.hs256(secret, json());
        }

        /** The secret as configured in {@code roomkeeper.auth.hs256-secret}: its UTF-8 bytes. */
        public String hs256(String secret) {
            return hs256(secret.getBytes(StandardCharsets.UTF_8));
        }

        public String rs256(PrivateKey key) {
            return TestTokens.rs256(key, json());
        }

        public String es256(PrivateKey key) {
            return TestTokens.es256(key, json());
        }
    }
}
