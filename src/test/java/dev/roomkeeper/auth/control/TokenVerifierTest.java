package dev.roomkeeper.auth.control;

import dev.roomkeeper.testing.TestTokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenVerifierTest {

    static final String SECRET = "a-shared-secret-of-more-than-32-bytes";
    static final KeyPair RSA = JwtVerifierTest.RSA;
    static final KeyPair EC = JwtVerifierTest.EC;

    /** A verifier as CDI would build it with nothing configured. */
    static TokenVerifier unconfigured() {
        TokenVerifier tokens = new TokenVerifier();
        tokens.hs256Secret = Optional.empty();
        tokens.publicKey = Optional.empty();
        tokens.publicKeyLocation = Optional.empty();
        tokens.issuer = Optional.empty();
        tokens.audience = Optional.empty();
        tokens.clockSkew = "PT30S";
        tokens.maxTokenLifetime = "PT24H";
        tokens.adminGroup = "roomkeeper-admin";
        tokens.devTokensRequested = false;
        tokens.mode = "development";
        return tokens;
    }

    static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    @Test
    void nothingConfiguredAcceptsNoTokenAndSaysSo() {
        TokenVerifier tokens = unconfigured();
        tokens.init();

        assertFalse(tokens.keyConfigured());
        assertEquals(DevTokenMode.OFF, tokens.devTokens());
        assertTrue(tokens.configurationProblems().isEmpty());
        assertNull(tokens.devTokenSecret());
        InvalidTokenException e = assertThrows(InvalidTokenException.class,
                () -> tokens.verify(TestTokens.forUser("alice").hs256(SECRET)));
        assertEquals(InvalidTokenException.Reason.UNSUPPORTED_ALGORITHM, e.reason());
    }

    @Test
    void sharedSecretIsUsedAsItsUtf8Bytes() throws Exception {
        TokenVerifier tokens = unconfigured();
        tokens.hs256Secret = Optional.of(SECRET);
        tokens.init();

        assertEquals(List.of("HS256"), tokens.algorithms());
        assertEquals("alice", tokens.verify(TestTokens.forUser("alice").hs256(SECRET)).userId());
    }

    @Test
    void shortSecretIsAConfigurationProblemAndRefusesEverything() {
        TokenVerifier tokens = unconfigured();
        tokens.hs256Secret = Optional.of("too-short");
        tokens.init();

        assertFalse(tokens.keyConfigured());
        assertEquals(1, tokens.configurationProblems().size());
        assertFalse(tokens.configurationProblems().get(0).contains("too-short"));
    }

    @Test
    void rsaAndEcKeysAreReadFromPemTextAndFile(@TempDir Path dir) throws Exception {
        Path ecFile = dir.resolve("ec.pem");
        Files.writeString(ecFile, pem(EC.getPublic()));
        TokenVerifier tokens = unconfigured();
        tokens.publicKey = Optional.of(pem(RSA.getPublic()));
        tokens.publicKeyLocation = Optional.of(ecFile.toString());
        tokens.init();

        assertEquals(List.of("RS256", "ES256"), tokens.algorithms());
        tokens.verify(TestTokens.forUser("alice").rs256(RSA.getPrivate()));
        tokens.verify(TestTokens.forUser("alice").es256(EC.getPrivate()));
    }

    @Test
    void pemWithEscapedNewlinesFromEnvironmentIsRead() {
        String oneLine = pem(RSA.getPublic()).replace("\n", "\\n");

        assertEquals(RSA.getPublic(), TokenVerifier.parsePem(oneLine));
    }

    @Test
    void privateKeysAndNonPemTextAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> TokenVerifier.parsePem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"));
        assertThrows(IllegalArgumentException.class, () -> TokenVerifier.parsePem("-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END RSA PUBLIC KEY-----"));
        assertThrows(IllegalArgumentException.class, () -> TokenVerifier.parsePem("just text"));
        assertThrows(IllegalArgumentException.class, () -> TokenVerifier.parsePem("-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----"));
        assertThrows(IllegalArgumentException.class, () -> TokenVerifier.parsePem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"));
    }

    @Test
    void unreadableKeyFileIsAConfigurationProblem(@TempDir Path dir) {
        TokenVerifier tokens = unconfigured();
        tokens.publicKeyLocation = Optional.of(dir.resolve("missing.pem").toString());
        tokens.init();

        assertFalse(tokens.keyConfigured());
        assertEquals(1, tokens.configurationProblems().size());
    }

    @Test
    void badClockSkewIsAConfigurationProblem() {
        TokenVerifier tokens = unconfigured();
        tokens.hs256Secret = Optional.of(SECRET);
        tokens.clockSkew = "30 seconds";
        tokens.init();

        assertFalse(tokens.keyConfigured());
        assertFalse(tokens.configurationProblems().isEmpty());
    }

    @Test
    void maxTokenLifetimeIsConfigurable() throws Exception {
        TokenVerifier tokens = unconfigured();
        tokens.hs256Secret = Optional.of(SECRET);
        tokens.maxTokenLifetime = "PT10M";
        tokens.init();

        tokens.verify(TestTokens.forUser("alice").issuedAt(Instant.now()).expiresIn(Duration.ofMinutes(10)).hs256(SECRET));
        InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> tokens.verify(
                TestTokens.forUser("alice").issuedAt(Instant.now()).expiresIn(Duration.ofMinutes(11)).hs256(SECRET)));
        assertEquals(InvalidTokenException.Reason.MALFORMED, e.reason());
    }

    @Test
    void badOrNonPositiveMaxTokenLifetimeIsAConfigurationProblem() {
        for (String bad : List.of("a day", "PT0S", "-PT1H")) {
            TokenVerifier tokens = unconfigured();
            tokens.hs256Secret = Optional.of(SECRET);
            tokens.maxTokenLifetime = bad;
            tokens.init();

            assertFalse(tokens.keyConfigured(), bad);
            assertEquals(1, tokens.configurationProblems().size(), bad);
            assertTrue(tokens.configurationProblems().get(0).contains("roomkeeper.auth.max-token-lifetime"), bad);
        }
    }

    @Test
    void validUntilIsExpiryPlusTheConfiguredSkew() {
        TokenVerifier tokens = unconfigured();
        tokens.hs256Secret = Optional.of(SECRET);
        tokens.clockSkew = "PT5S";
        tokens.init();
        Instant exp = Instant.parse("2025-03-01T12:00:00Z");

        assertEquals(exp.plusSeconds(5), tokens.validUntil(exp));
    }

    @Test
    void theLibraryInUseIsNamedWithItsVersion() {
        assertTrue(TokenVerifier.LIBRARY.matches("nimbus-jose-jwt \\d+\\.\\d+.*"), TokenVerifier.LIBRARY);
    }

    @Test
    void devTokensInDevelopmentGenerateARandomSecret() {
        TokenVerifier first = unconfigured();
        first.devTokensRequested = true;
        first.init();
        TokenVerifier second = unconfigured();
        second.devTokensRequested = true;
        second.init();

        assertEquals(DevTokenMode.ON, first.devTokens());
        assertEquals(List.of("HS256"), first.algorithms());
        assertEquals(32, first.devTokenSecret().length);
        assertFalse(java.util.Arrays.equals(first.devTokenSecret(), second.devTokenSecret()));
    }

    @Test
    void devTokensUseTheConfiguredSecretWhenThereIsOne() {
        TokenVerifier tokens = unconfigured();
        tokens.devTokensRequested = true;
        tokens.hs256Secret = Optional.of(SECRET);
        tokens.init();

        assertEquals(SECRET, new String(tokens.devTokenSecret(), java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void devTokensAreRefusedInProduction() {
        TokenVerifier tokens = unconfigured();
        tokens.devTokensRequested = true;
        tokens.mode = "production";
        tokens.init();

        assertEquals(DevTokenMode.REFUSED, tokens.devTokens());
        assertNull(tokens.devTokenSecret());
        assertFalse(tokens.keyConfigured());
    }

    @Test
    void unknownModeRefusesDevTokensAndIsAConfigurationProblem() {
        TokenVerifier tokens = unconfigured();
        tokens.devTokensRequested = true;
        tokens.mode = "prod";
        tokens.init();

        assertEquals(DevTokenMode.REFUSED, tokens.devTokens());
        assertNull(tokens.devTokenSecret());
        assertNotNull(tokens.configurationProblems().get(0));
    }
}
