package dev.roomkeeper.auth.control;

import dev.roomkeeper.auth.control.InvalidTokenException.Reason;
import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.auth.entity.Role;
import dev.roomkeeper.testing.TestTokens;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.roomkeeper.testing.TestTokens.base64Url;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JwtVerifierTest {

    static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
    static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    static final KeyPair RSA = keyPair("RSA", 2048);
    static final KeyPair OTHER_RSA = keyPair("RSA", 2048);
    static final KeyPair EC = ecKeyPair("secp256r1");

    static KeyPair keyPair(String algorithm, int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            generator.initialize(bits);
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair ecKeyPair(String curve) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(curve));
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static JwtVerifier.Builder verifier() {
        return JwtVerifier.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    static JwtVerifier hs256() {
        return verifier().hs256Secret(SECRET).build();
    }

    static TestTokens.Claims alice() {
        return TestTokens.forUser("alice").expiresAt(NOW.plusSeconds(3600));
    }

    static void assertRefused(Reason reason, JwtVerifier verifier, String token) {
        InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> verifier.verify(token));
        assertEquals(reason, e.reason(), e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }

    // --- accepted tokens

    @Test
    void hs256TokenBecomesCallerWithEveryClaim() throws Exception {
        String token = alice().name("Alice").avatar("https://example.org/a.png").admin()
                .room("r1", "host").room("standup", "observer").hs256(SECRET);

        Caller caller = hs256().verify(token);

        assertEquals("alice", caller.userId());
        assertEquals("alice", caller.getName());
        assertEquals("Alice", caller.name());
        assertEquals("https://example.org/a.png", caller.avatar());
        assertTrue(caller.admin());
        assertEquals(Map.of("r1", Role.HOST, "standup", Role.OBSERVER), caller.roomGrants());
        assertEquals(NOW.plusSeconds(3600), caller.expiresAt());
    }

    @Test
    void minimalTokenGivesNonAdminCallerNamedByUserIdWithoutGrants() throws Exception {
        Caller caller = hs256().verify(alice().hs256(SECRET));

        assertEquals("alice", caller.name());
        assertNull(caller.avatar());
        assertFalse(caller.admin());
        assertTrue(caller.roomGrants().isEmpty());
    }

    @Test
    void rs256TokenVerifiesWithRsaPublicKey() throws Exception {
        JwtVerifier verifier = verifier().publicKey(RSA.getPublic()).build();

        assertEquals("alice", verifier.verify(alice().rs256(RSA.getPrivate())).userId());
    }

    @Test
    void es256TokenVerifiesWithEcPublicKey() throws Exception {
        JwtVerifier verifier = verifier().publicKey(EC.getPublic()).build();

        for (int i = 0; i < 20; i++) { // varied r and s widths exercise the leading-zero handling
            assertEquals("alice", verifier.verify(alice().name("n" + i).es256(EC.getPrivate())).userId());
        }
    }

    @Test
    void everyConfiguredAlgorithmIsAcceptedSideBySide() throws Exception {
        JwtVerifier verifier = verifier().hs256Secret(SECRET).publicKey(RSA.getPublic()).publicKey(EC.getPublic()).build();

        assertEquals(List.of("HS256", "RS256", "ES256"), verifier.algorithms());
        verifier.verify(alice().hs256(SECRET));
        verifier.verify(alice().rs256(RSA.getPrivate()));
        verifier.verify(alice().es256(EC.getPrivate()));
    }

    // --- missing and malformed

    @Test
    void absentOrBlankTokenIsMissing() {
        assertRefused(Reason.MISSING, hs256(), null);
        assertRefused(Reason.MISSING, hs256(), "");
        assertRefused(Reason.MISSING, hs256(), "   ");
    }

    @Test
    void tokenWithoutThreePartsIsMalformed() {
        String token = alice().hs256(SECRET);
        assertRefused(Reason.MALFORMED, hs256(), "not-a-token");
        assertRefused(Reason.MALFORMED, hs256(), token.substring(0, token.lastIndexOf('.')));
        assertRefused(Reason.MALFORMED, hs256(), token + ".extra");
        assertRefused(Reason.MALFORMED, hs256(), "a.b.c.d.e");
    }

    @Test
    void badBase64OrPaddingIsMalformed() {
        String token = alice().hs256(SECRET);
        assertRefused(Reason.MALFORMED, hs256(), "*" + token);
        assertRefused(Reason.MALFORMED, hs256(), token.replaceFirst("\\.", "=."));
        assertRefused(Reason.MALFORMED, hs256(), token.replaceFirst("\\.", "+."));
        assertRefused(Reason.MALFORMED, hs256(), "A" + token); // a header of 4n+1 characters cannot decode
    }

    @Test
    void headerThatIsNotJsonObjectIsMalformed() {
        String payload = base64Url(alice().json().toString());
        String signature = base64Url(new byte[32]);
        assertRefused(Reason.MALFORMED, hs256(), base64Url("not json") + "." + payload + "." + signature);
        assertRefused(Reason.MALFORMED, hs256(), base64Url("[\"HS256\"]") + "." + payload + "." + signature);
        assertRefused(Reason.MALFORMED, hs256(), base64Url("{\"typ\":\"JWT\"}") + "." + payload + "." + signature);
        assertRefused(Reason.MALFORMED, hs256(), base64Url("{\"alg\":256}") + "." + payload + "." + signature);
    }

    @Test
    void payloadThatIsNotJsonObjectIsMalformedEvenWhenSigned() {
        JsonObject header = TestTokens.header("HS256");
        String notJson = signedRaw(header, "this is not json");
        String array = signedRaw(header, "[1,2,3]");
        String trailing = signedRaw(header, alice().json() + "{}");

        assertRefused(Reason.MALFORMED, hs256(), notJson);
        assertRefused(Reason.MALFORMED, hs256(), array);
        assertRefused(Reason.MALFORMED, hs256(), trailing);
    }

    @Test
    void duplicateClaimNamesAreMalformed() {
        String json = "{\"sub\":\"alice\",\"sub\":\"admin\",\"exp\":" + NOW.plusSeconds(60).getEpochSecond() + "}";

        assertRefused(Reason.MALFORMED, hs256(), signedRaw(TestTokens.header("HS256"), json));
    }

    /** Only claim names are checked for repeats (auth.md): inside a claim's object the last one counts. */
    @Test
    void aNameRepeatedInsideAClaimTakesTheLastValue() throws Exception {
        String json = "{\"sub\":\"alice\",\"exp\":" + NOW.plusSeconds(60).getEpochSecond()
                + ",\"rooms\":{\"r1\":\"observer\",\"r1\":\"host\"}}";

        assertEquals(Map.of("r1", Role.HOST), hs256().verify(signedRaw(TestTokens.header("HS256"), json)).roomGrants());
    }

    @Test
    void criticalHeaderExtensionsAreMalformed() {
        JsonObject header = Json.createObjectBuilder(TestTokens.header("HS256"))
                .add("crit", Json.createArrayBuilder().add("b64")).add("b64", false).build();

        assertRefused(Reason.MALFORMED, hs256(), TestTokens.sign(header, alice().json(), in -> TestTokens.hmacSha256(SECRET, in)));
    }

    @Test
    void oversizedTokenIsMalformed() {
        String huge = alice().name("x".repeat(JwtVerifier.MAX_TOKEN_CHARS)).hs256(SECRET);

        assertRefused(Reason.MALFORMED, hs256(), huge);
    }

    @Test
    void missingBlankOrNonStringSubjectIsMalformed() {
        assertRefused(Reason.MALFORMED, hs256(), alice().without("sub").hs256(SECRET));
        assertRefused(Reason.MALFORMED, hs256(), alice().sub("  ").hs256(SECRET));
        assertRefused(Reason.MALFORMED, hs256(), alice().claim("sub", Json.createValue(42)).hs256(SECRET));
    }

    @Test
    void tokenWithoutExpiryIsMalformed() {
        assertRefused(Reason.MALFORMED, hs256(), alice().without("exp").hs256(SECRET));
        assertRefused(Reason.MALFORMED, hs256(), alice().claim("exp", Json.createValue("tomorrow")).hs256(SECRET));
        assertRefused(Reason.MALFORMED, hs256(), alice().claim("exp", Json.createValue(new java.math.BigDecimal("1e999999"))).hs256(SECRET));
    }

    @Test
    void unknownRoleInRoomsIsMalformed() {
        assertRefused(Reason.MALFORMED, hs256(), alice().room("r1", "owner").hs256(SECRET));
        assertRefused(Reason.MALFORMED, hs256(), alice().claim("rooms", Json.createObjectBuilder().add("r1", 1).build()).hs256(SECRET));
        assertRefused(Reason.MALFORMED, hs256(), alice().claim("rooms", Json.createArrayBuilder().add("r1").build()).hs256(SECRET));
    }

    @Test
    void groupsThatAreNotStringArrayAreMalformed() {
        assertRefused(Reason.MALFORMED, hs256(), alice().claim("groups", Json.createValue("roomkeeper-admin")).hs256(SECRET));
        assertRefused(Reason.MALFORMED, hs256(), alice().claim("groups", Json.createArrayBuilder().add(1).build()).hs256(SECRET));
    }

    @Test
    void nameThatIsNotStringIsMalformed() {
        assertRefused(Reason.MALFORMED, hs256(), alice().claim("name", Json.createValue(7)).hs256(SECRET));
    }

    // --- algorithms

    @Test
    void unsignedAlgNoneIsNeverAccepted() {
        String payload = base64Url(alice().json().toString());
        for (String alg : List.of("none", "None", "NONE")) {
            String header = base64Url("{\"alg\":\"" + alg + "\"}");
            assertRefused(Reason.UNSUPPORTED_ALGORITHM, hs256(), header + "." + payload + ".");
            assertRefused(Reason.UNSUPPORTED_ALGORITHM, hs256(), header + "." + payload + "." + base64Url(new byte[32]));
        }
    }

    @Test
    void unknownAlgorithmsAreUnsupported() {
        for (String alg : List.of("HS512", "RS512", "PS256", "ES384", "EdDSA", "hs256", "")) {
            String token = TestTokens.sign(TestTokens.header(alg), alice().json(), in -> TestTokens.hmacSha256(SECRET, in));
            assertRefused(Reason.UNSUPPORTED_ALGORITHM, hs256(), token);
        }
    }

    @Test
    void algorithmWithoutConfiguredKeyIsUnsupported() {
        JwtVerifier rsaOnly = verifier().publicKey(RSA.getPublic()).build();
        JwtVerifier ecOnly = verifier().publicKey(EC.getPublic()).build();
        JwtVerifier nothing = verifier().build();

        assertRefused(Reason.UNSUPPORTED_ALGORITHM, hs256(), alice().rs256(RSA.getPrivate()));
        assertRefused(Reason.UNSUPPORTED_ALGORITHM, hs256(), alice().es256(EC.getPrivate()));
        assertRefused(Reason.UNSUPPORTED_ALGORITHM, rsaOnly, alice().es256(EC.getPrivate()));
        assertRefused(Reason.UNSUPPORTED_ALGORITHM, ecOnly, alice().rs256(RSA.getPrivate()));
        assertRefused(Reason.UNSUPPORTED_ALGORITHM, nothing, alice().hs256(SECRET));
        assertTrue(nothing.algorithms().isEmpty());
    }

    @Test
    void hs256TokenKeyedWithRsaPublicKeyBytesIsRefused() {
        byte[] publicKeyAsSecret = RSA.getPublic().getEncoded();
        String forged = alice().admin().hs256(publicKeyAsSecret);

        assertRefused(Reason.UNSUPPORTED_ALGORITHM, verifier().publicKey(RSA.getPublic()).build(), forged);
        assertRefused(Reason.BAD_SIGNATURE, verifier().hs256Secret(SECRET).publicKey(RSA.getPublic()).build(), forged);
    }

    @Test
    void hs256TokenKeyedWithEcPublicKeyBytesIsRefused() {
        String forged = alice().admin().hs256(EC.getPublic().getEncoded());

        assertRefused(Reason.UNSUPPORTED_ALGORITHM, verifier().publicKey(EC.getPublic()).build(), forged);
    }

    @Test
    void rs256SignatureRelabelledAsEs256IsRefused() {
        String rs256 = alice().rs256(RSA.getPrivate());
        String relabelled = base64Url(TestTokens.header("ES256").toString()) + rs256.substring(rs256.indexOf('.'));

        assertRefused(Reason.BAD_SIGNATURE, verifier().publicKey(RSA.getPublic()).publicKey(EC.getPublic()).build(), relabelled);
    }

    // --- signatures

    @Test
    void tamperedPayloadFailsSignature() {
        String token = alice().hs256(SECRET);
        String[] parts = token.split("\\.");
        String forgedPayload = base64Url(alice().admin().json().toString());

        assertRefused(Reason.BAD_SIGNATURE, hs256(), parts[0] + "." + forgedPayload + "." + parts[2]);
    }

    @Test
    void tamperedPayloadFailsRsaAndEcSignatures() {
        String forgedPayload = base64Url(alice().admin().json().toString());
        String[] rsParts = alice().rs256(RSA.getPrivate()).split("\\.");
        String[] esParts = alice().es256(EC.getPrivate()).split("\\.");

        assertRefused(Reason.BAD_SIGNATURE, verifier().publicKey(RSA.getPublic()).build(), rsParts[0] + "." + forgedPayload + "." + rsParts[2]);
        assertRefused(Reason.BAD_SIGNATURE, verifier().publicKey(EC.getPublic()).build(), esParts[0] + "." + forgedPayload + "." + esParts[2]);
    }

    @Test
    void wrongSecretOrKeyFailsSignature() {
        byte[] otherSecret = "another-secret-of-at-least-32-bytes!".getBytes(StandardCharsets.UTF_8);

        assertRefused(Reason.BAD_SIGNATURE, hs256(), alice().hs256(otherSecret));
        assertRefused(Reason.BAD_SIGNATURE, verifier().publicKey(RSA.getPublic()).build(), alice().rs256(OTHER_RSA.getPrivate()));
        assertRefused(Reason.BAD_SIGNATURE, verifier().publicKey(EC.getPublic()).build(), alice().es256(ecKeyPair("secp256r1").getPrivate()));
    }

    @Test
    void emptyOrTruncatedSignatureFails() {
        String token = alice().hs256(SECRET);
        String unsigned = token.substring(0, token.lastIndexOf('.') + 1);

        assertRefused(Reason.MALFORMED, hs256(), unsigned);
        assertRefused(Reason.BAD_SIGNATURE, hs256(), unsigned + base64Url(Arrays.copyOf(TestTokens.hmacSha256(SECRET, new byte[0]), 16)));
    }

    @Test
    void es256SignatureMustBeRawSixtyFourBytes() {
        String token = alice().es256(EC.getPrivate());
        String signingInput = token.substring(0, token.lastIndexOf('.'));
        byte[] der = TestTokens.signature("SHA256withECDSA", EC.getPrivate(), signingInput.getBytes(StandardCharsets.US_ASCII));

        assertRefused(Reason.BAD_SIGNATURE, verifier().publicKey(EC.getPublic()).build(), signingInput + "." + base64Url(der));
    }

    @Test
    void es256ZeroSignatureIsRefused() {
        String token = alice().es256(EC.getPrivate());
        String signingInput = token.substring(0, token.lastIndexOf('.'));

        assertRefused(Reason.BAD_SIGNATURE, verifier().publicKey(EC.getPublic()).build(), signingInput + "." + base64Url(new byte[64]));
    }

    // --- time

    @Test
    void expiredTokenIsRefusedBeyondClockSkew() {
        assertRefused(Reason.EXPIRED, hs256(), alice().expiresAt(NOW.minusSeconds(31)).hs256(SECRET));
        assertRefused(Reason.EXPIRED, hs256(), alice().expiresAt(NOW.minusSeconds(30)).hs256(SECRET));
    }

    @Test
    void recentlyExpiredTokenIsAcceptedWithinClockSkew() throws Exception {
        assertEquals(NOW.minusSeconds(29), hs256().verify(alice().expiresAt(NOW.minusSeconds(29)).hs256(SECRET)).expiresAt());
    }

    @Test
    void clockSkewIsConfigurable() throws Exception {
        JwtVerifier strict = verifier().hs256Secret(SECRET).clockSkew(Duration.ZERO).build();
        JwtVerifier lenient = verifier().hs256Secret(SECRET).clockSkew(Duration.ofMinutes(5)).build();

        assertRefused(Reason.EXPIRED, strict, alice().expiresAt(NOW).hs256(SECRET));
        strict.verify(alice().expiresAt(NOW.plusSeconds(1)).hs256(SECRET));
        lenient.verify(alice().expiresAt(NOW.minusSeconds(299)).hs256(SECRET));
        assertThrows(IllegalArgumentException.class, () -> JwtVerifier.builder().clockSkew(Duration.ofSeconds(-1)));
    }

    @Test
    void notBeforeInTheFutureIsNotYetValid() throws Exception {
        assertRefused(Reason.NOT_YET_VALID, hs256(), alice().notBefore(NOW.plusSeconds(31)).hs256(SECRET));
        hs256().verify(alice().notBefore(NOW.plusSeconds(30)).hs256(SECRET));
        hs256().verify(alice().notBefore(NOW.minusSeconds(3600)).hs256(SECRET));
    }

    @Test
    void fractionalNumericDatesAreAccepted() throws Exception {
        Caller caller = hs256().verify(alice().claim("exp", Json.createValue(NOW.getEpochSecond() + 60.5)).hs256(SECRET));

        assertEquals(NOW.plusSeconds(60), caller.expiresAt());
    }

    // --- issuer and audience

    @Test
    void issuerMustMatchWhenConfigured() throws Exception {
        JwtVerifier verifier = verifier().hs256Secret(SECRET).issuer("https://id.example.org").build();

        verifier.verify(alice().issuer("https://id.example.org").hs256(SECRET));
        assertRefused(Reason.WRONG_ISSUER, verifier, alice().issuer("https://evil.example.org").hs256(SECRET));
        assertRefused(Reason.WRONG_ISSUER, verifier, alice().hs256(SECRET));
        assertRefused(Reason.MALFORMED, verifier, alice().claim("iss", Json.createValue(1)).hs256(SECRET));
    }

    @Test
    void anyIssuerAndAudienceAreAcceptedWhenNotConfigured() throws Exception {
        hs256().verify(alice().issuer("whoever").audience("whatever").hs256(SECRET));
    }

    @Test
    void audienceMayBeStringOrArrayContainingConfiguredAudience() throws Exception {
        JwtVerifier verifier = verifier().hs256Secret(SECRET).audience("roomkeeper").build();

        verifier.verify(alice().audience("roomkeeper").hs256(SECRET));
        verifier.verify(alice().audience("billing", "roomkeeper").hs256(SECRET));
        assertRefused(Reason.WRONG_AUDIENCE, verifier, alice().audience("billing").hs256(SECRET));
        assertRefused(Reason.WRONG_AUDIENCE, verifier, alice().audience("billing", "chat").hs256(SECRET));
        assertRefused(Reason.WRONG_AUDIENCE, verifier, alice().hs256(SECRET));
        assertRefused(Reason.MALFORMED, verifier, alice().claim("aud", JsonValue.TRUE).hs256(SECRET));
    }

    // --- mapped claims

    @Test
    void avatarIsKeptOnlyWhenHttpOrHttpsUrl() throws Exception {
        assertEquals("http://example.org/a.png", avatar("http://example.org/a.png"));
        assertEquals("HTTPS://example.org/a.png", avatar("HTTPS://example.org/a.png"));
        assertNull(avatar("javascript:alert(1)"));
        assertNull(avatar("data:image/png;base64,AAAA"));
        assertNull(avatar("ftp://example.org/a.png"));
        assertNull(avatar("/relative/a.png"));
        assertNull(avatar("https:///no-host"));
        assertNull(avatar("not a url"));
        assertNull(hs256().verify(alice().claim("avatar", Json.createValue(3)).hs256(SECRET)).avatar());
    }

    private static String avatar(String url) throws InvalidTokenException {
        return hs256().verify(alice().avatar(url).hs256(SECRET)).avatar();
    }

    @Test
    void adminComesFromConfiguredGroup() throws Exception {
        JwtVerifier custom = verifier().hs256Secret(SECRET).adminGroup("ops").build();

        assertTrue(hs256().verify(alice().groups("staff", "roomkeeper-admin").hs256(SECRET)).admin());
        assertFalse(hs256().verify(alice().groups("staff", "ops").hs256(SECRET)).admin());
        assertTrue(custom.verify(alice().groups("ops").hs256(SECRET)).admin());
        assertFalse(custom.verify(alice().admin().hs256(SECRET)).admin());
    }

    @Test
    void roomRolesAreReadIgnoringCase() throws Exception {
        Caller caller = hs256().verify(alice().room("r1", "Presenter").room("r2", "participant").hs256(SECRET));

        assertEquals(Map.of("r1", Role.PRESENTER, "r2", Role.PARTICIPANT), caller.roomGrants());
    }

    // --- configuration

    @Test
    void shortSecretsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> JwtVerifier.builder().hs256Secret(new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> JwtVerifier.builder().hs256Secret(null));
    }

    @Test
    void weakOrWrongCurveKeysAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> JwtVerifier.builder().publicKey(keyPair("RSA", 1024).getPublic()));
        assertThrows(IllegalArgumentException.class, () -> JwtVerifier.builder().publicKey(ecKeyPair("secp384r1").getPublic()));
        assertThrows(IllegalArgumentException.class, () -> JwtVerifier.builder().publicKey(null));
    }

    @Test
    void twoKeysOfOneKindAreRefused() {
        Executable twoRsa = () -> JwtVerifier.builder().publicKey(RSA.getPublic()).publicKey(OTHER_RSA.getPublic());

        assertThrows(IllegalArgumentException.class, twoRsa);
    }

    // --- what nimbus-jose-jwt brought (issue 10, finding 5)

    @Test
    void untypedJwtAndAccessTokenTypesAreAcceptedInAnyCase() throws Exception {
        for (String typ : List.of("JWT", "jwt", "application/jwt", "APPLICATION/JWT", "at+jwt", "application/at+jwt")) {
            assertEquals("alice", hs256().verify(typed(typ)).userId(), typ);
        }
        String untyped = TestTokens.sign(Json.createObjectBuilder().add("alg", "HS256").build(), alice().json(),
                in -> TestTokens.hmacSha256(SECRET, in));
        assertEquals("alice", hs256().verify(untyped).userId());
    }

    @Test
    void otherKindsOfJwtAreRefusedByTheirType() {
        for (String typ : List.of("logout+jwt", "secevent+jwt", "dpop+jwt", "JOSE", "JOSE+JSON", "text/plain", "")) {
            assertRefused(Reason.MALFORMED, hs256(), typed(typ));
        }
        JsonObject numericTyp = Json.createObjectBuilder().add("alg", "HS256").add("typ", 1).build();
        assertRefused(Reason.MALFORMED, hs256(), TestTokens.sign(numericTyp, alice().json(), in -> TestTokens.hmacSha256(SECRET, in)));
    }

    private static String typed(String typ) {
        JsonObject header = Json.createObjectBuilder().add("alg", "HS256").add("typ", typ).build();
        return TestTokens.sign(header, alice().json(), in -> TestTokens.hmacSha256(SECRET, in));
    }

    @Test
    void tokenLivingLongerThanTheMaximumFromItsIssueIsRefused() throws Exception {
        JwtVerifier verifier = verifier().hs256Secret(SECRET).maxLifetime(Duration.ofHours(1)).build();
        Instant issued = NOW.minusSeconds(600);

        verifier.verify(alice().issuedAt(issued).expiresAt(issued.plus(Duration.ofHours(1))).hs256(SECRET));
        assertRefused(Reason.MALFORMED, verifier,
                alice().issuedAt(issued).expiresAt(issued.plus(Duration.ofHours(1)).plusSeconds(1)).hs256(SECRET));
    }

    @Test
    void tokenWithoutIatMayNotExpireFurtherAheadThanTheMaximumPlusSkew() throws Exception {
        JwtVerifier verifier = verifier().hs256Secret(SECRET).maxLifetime(Duration.ofHours(1)).build();

        verifier.verify(alice().expiresAt(NOW.plus(Duration.ofHours(1)).plusSeconds(30)).hs256(SECRET));
        assertRefused(Reason.MALFORMED, verifier, alice().expiresAt(NOW.plus(Duration.ofHours(1)).plusSeconds(31)).hs256(SECRET));
    }

    @Test
    void defaultMaximumLifetimeIsADay() throws Exception {
        hs256().verify(alice().issuedAt(NOW).expiresAt(NOW.plus(Duration.ofHours(24))).hs256(SECRET));
        assertRefused(Reason.MALFORMED, hs256(), alice().issuedAt(NOW).expiresAt(NOW.plus(Duration.ofDays(365))).hs256(SECRET));
        assertThrows(IllegalArgumentException.class, () -> JwtVerifier.builder().maxLifetime(Duration.ZERO));
    }

    @Test
    void issuedAtInTheFutureBeyondSkewIsNotYetValid() throws Exception {
        hs256().verify(alice().issuedAt(NOW.plusSeconds(30)).hs256(SECRET));
        assertRefused(Reason.NOT_YET_VALID, hs256(), alice().issuedAt(NOW.plusSeconds(31)).hs256(SECRET));
        assertRefused(Reason.MALFORMED, hs256(), alice().claim("iat", Json.createValue("yesterday")).hs256(SECRET));
    }

    @Test
    void numericDatesFarOutOfRangeAreMalformed() {
        assertRefused(Reason.MALFORMED, hs256(), alice().claim("exp", Json.createValue(new java.math.BigDecimal("1e300"))).hs256(SECRET));
        assertRefused(Reason.MALFORMED, hs256(), alice().claim("nbf", Json.createValue(-1e30)).hs256(SECRET));
    }

    /**
     * Replacing s with n - s gives a second valid ECDSA signature over the same token. nimbus-jose-jwt, like the
     * JDK, accepts it, and so does Roomkeeper: the JDK's signer (and so most issuers) produce such a high s for
     * about half of their tokens, so refusing it would refuse them. The twin grants nothing the token did not.
     */
    @Test
    void es256HighSTwinOfAValidSignatureIsAcceptedAsTheIssuersOwnAre() throws Exception {
        JwtVerifier verifier = verifier().publicKey(EC.getPublic()).build();
        java.math.BigInteger n = ((java.security.interfaces.ECPublicKey) EC.getPublic()).getParams().getOrder();
        String token = alice().es256(EC.getPrivate());
        byte[] signature = java.util.Base64.getUrlDecoder().decode(token.substring(token.lastIndexOf('.') + 1));
        java.math.BigInteger s = new java.math.BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
        byte[] twinS = n.subtract(s).toByteArray();
        byte[] twin = signature.clone();
        Arrays.fill(twin, 32, 64, (byte) 0);
        int width = Math.min(twinS.length, 32);
        System.arraycopy(twinS, twinS.length - width, twin, 64 - width, width);
        String twinToken = token.substring(0, token.lastIndexOf('.') + 1) + base64Url(twin);

        assertFalse(twinToken.equals(token));
        assertEquals("alice", verifier.verify(token).userId());
        assertEquals("alice", verifier.verify(twinToken).userId());
    }

    @Test
    void invalidUtf8InHeaderOrPayloadIsMalformedNotReplaced() {
        byte[] header = "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"x\":\"\u00ff\"}".getBytes(StandardCharsets.ISO_8859_1);
        byte[] goodHeader = TestTokens.header("HS256").toString().getBytes(StandardCharsets.UTF_8);
        String claims = alice().json().toString();
        byte[] payload = (claims.substring(0, claims.length() - 1) + ",\"name\":\"Al\u00e9\"}").getBytes(StandardCharsets.ISO_8859_1);

        assertRefused(Reason.MALFORMED, hs256(), signedBytes(header, claims.getBytes(StandardCharsets.UTF_8)));
        assertRefused(Reason.MALFORMED, hs256(), signedBytes(goodHeader, payload));
        assertRefused(Reason.MALFORMED, hs256(), signedBytes(goodHeader, new byte[]{'{', (byte) 0xc0, (byte) 0x80, '}'}));
    }

    @Test
    void wellFormedUtf8InClaimsIsKept() throws Exception {
        assertEquals("Zoë 🙂", hs256().verify(alice().name("Zoë 🙂").hs256(SECRET)).name());
    }

    @Test
    void duplicateHeaderParametersAreMalformed() {
        byte[] header = "{\"alg\":\"HS256\",\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8);

        assertRefused(Reason.MALFORMED, hs256(), signedBytes(header, alice().json().toString().getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void headerNestedVeryDeepIsMalformed() {
        for (int depth : List.of(1_500, 5_000)) {
            String deep = "[".repeat(depth) + "]".repeat(depth);
            byte[] header = ("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"x\":" + deep + "}").getBytes(StandardCharsets.UTF_8);
            byte[] objects = ("{\"alg\":\"HS256\",\"x\":" + "{\"a\":".repeat(depth / 2) + "1" + "}".repeat(depth / 2) + "}")
                    .getBytes(StandardCharsets.UTF_8);

            assertRefused(Reason.MALFORMED, hs256(), signedBytes(header, alice().json().toString().getBytes(StandardCharsets.UTF_8)));
            assertRefused(Reason.MALFORMED, hs256(), signedBytes(objects, alice().json().toString().getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void payloadNestedVeryDeepIsMalformed() {
        String claims = alice().json().toString();
        String deep = "[".repeat(1_500) + "]".repeat(1_500);
        byte[] payload = (claims.substring(0, claims.length() - 1) + ",\"x\":" + deep + "}").getBytes(StandardCharsets.UTF_8);

        assertRefused(Reason.MALFORMED, hs256(), signedBytes(TestTokens.header("HS256").toString().getBytes(StandardCharsets.UTF_8), payload));
    }

    @Test
    void keysNamedInTheHeaderAreNeverUsed() throws Exception {
        JwtVerifier verifier = verifier().publicKey(RSA.getPublic()).build();
        java.security.interfaces.RSAPublicKey attacker = (java.security.interfaces.RSAPublicKey) OTHER_RSA.getPublic();
        JsonObject attackerJwk = Json.createObjectBuilder().add("kty", "RSA")
                .add("n", base64Url(unsigned(attacker.getModulus()))).add("e", base64Url(unsigned(attacker.getPublicExponent()))).build();
        JsonObject naming = Json.createObjectBuilder(TestTokens.header("RS256")).add("kid", "attacker")
                .add("jwk", attackerJwk).add("jku", "https://evil.example.org/jwks.json").add("x5u", "https://evil.example.org/cert.pem").build();

        String forged = TestTokens.sign(naming, alice().admin().json(), in -> TestTokens.signature("SHA256withRSA", OTHER_RSA.getPrivate(), in));
        String genuine = TestTokens.sign(naming, alice().json(), in -> TestTokens.signature("SHA256withRSA", RSA.getPrivate(), in));

        assertRefused(Reason.BAD_SIGNATURE, verifier, forged);
        assertEquals("alice", verifier.verify(genuine).userId());
    }

    private static byte[] unsigned(java.math.BigInteger value) {
        byte[] bytes = value.toByteArray();
        return bytes[0] == 0 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    @Test
    void encryptedTokensAreUnsupported() {
        JsonObject jwe = Json.createObjectBuilder().add("alg", "dir").add("enc", "A256GCM").build();

        assertRefused(Reason.UNSUPPORTED_ALGORITHM, hs256(), TestTokens.sign(jwe, alice().json(), in -> TestTokens.hmacSha256(SECRET, in)));
    }

    @Test
    void unencodedPayloadHeaderIsMalformed() {
        JsonObject header = Json.createObjectBuilder(TestTokens.header("HS256")).add("b64", false).build();

        assertRefused(Reason.MALFORMED, hs256(), TestTokens.sign(header, alice().json(), in -> TestTokens.hmacSha256(SECRET, in)));
    }

    /** The deadline the socket and stream sweeps use is the one authentication uses: exp plus the skew. */
    @Test
    void aTokenIsAcceptedUpToValidUntilAndRefusedFromIt() throws Exception {
        Instant exp = NOW.plusSeconds(60);
        String token = alice().expiresAt(exp).hs256(SECRET);
        Instant deadline = hs256().validUntil(exp);

        assertEquals(exp.plus(JwtVerifier.DEFAULT_CLOCK_SKEW), deadline);
        JwtVerifier.builder().hs256Secret(SECRET).clock(Clock.fixed(deadline.minusSeconds(1), ZoneOffset.UTC)).build().verify(token);
        InvalidTokenException e = assertThrows(InvalidTokenException.class,
                () -> JwtVerifier.builder().hs256Secret(SECRET).clock(Clock.fixed(deadline, ZoneOffset.UTC)).build().verify(token));
        assertEquals(Reason.EXPIRED, e.reason());
        assertNull(hs256().validUntil(null));
    }

    private static String signedBytes(byte[] header, byte[] payload) {
        String input = base64Url(header) + "." + base64Url(payload);
        return input + "." + base64Url(TestTokens.hmacSha256(SECRET, input.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String signedRaw(JsonObject header, String payload) {
        String input = base64Url(header.toString()) + "." + base64Url(payload);
        return input + "." + base64Url(TestTokens.hmacSha256(SECRET, input.getBytes(StandardCharsets.US_ASCII)));
    }
}
