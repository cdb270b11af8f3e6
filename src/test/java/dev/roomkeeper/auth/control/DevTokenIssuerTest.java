package dev.roomkeeper.auth.control;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.auth.entity.DevTokenResponse;
import dev.roomkeeper.auth.entity.IssueDevTokenRequest;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.auth.entity.Role;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DevTokenIssuerTest {

    static final Instant NOW = Instant.parse("2025-03-01T12:00:00.750Z");

    static DevTokenIssuer issuer(TokenVerifier tokens) {
        DevTokenIssuer issuer = new DevTokenIssuer();
        issuer.tokens = tokens;
        issuer.clock = Clock.fixed(NOW, ZoneOffset.UTC);
        return issuer;
    }

    static TokenVerifier devTokensOn() {
        TokenVerifier tokens = TokenVerifierTest.unconfigured();
        tokens.devTokensRequested = true;
        tokens.init();
        return tokens;
    }

    static JwtVerifier verifierAt(byte[] secret, Instant now) {
        return JwtVerifier.builder().hs256Secret(secret).clock(Clock.fixed(now, ZoneOffset.UTC)).build();
    }

    @Test
    void issuedTokenVerifiesIntoTheRequestedCaller() throws Exception {
        TokenVerifier tokens = devTokensOn();
        IssueDevTokenRequest request = new IssueDevTokenRequest("alice", "Alice", "https://example.org/a.png", true,
                Map.of("r1", "Host", "standup", "observer"), 600L);

        DevTokenResponse response = issuer(tokens).issue(request);
        Caller caller = verifierAt(tokens.devTokenSecret(), NOW).verify(response.token());

        assertEquals("alice", response.userId());
        assertEquals("2025-03-01T12:10:00Z", response.expiresAt());
        assertEquals("alice", caller.userId());
        assertEquals("Alice", caller.name());
        assertEquals("https://example.org/a.png", caller.avatar());
        assertTrue(caller.admin());
        assertEquals(Map.of("r1", Role.HOST, "standup", Role.OBSERVER), caller.roomGrants());
        assertEquals(Instant.parse("2025-03-01T12:10:00Z"), caller.expiresAt());
    }

    @Test
    void issuedTokenExpiresAfterItsTtl() throws Exception {
        TokenVerifier tokens = devTokensOn();
        String token = issuer(tokens).issue(new IssueDevTokenRequest("bob", null, null, false, null, null)).token();

        Caller caller = verifierAt(tokens.devTokenSecret(), NOW).verify(token);
        assertFalse(caller.admin());
        assertTrue(caller.roomGrants().isEmpty());
        InvalidTokenException e = assertThrows(InvalidTokenException.class,
                () -> verifierAt(tokens.devTokenSecret(), NOW.plusSeconds(3600 + 31)).verify(token));
        assertEquals(InvalidTokenException.Reason.EXPIRED, e.reason());
    }

    @Test
    void issuedTokenCarriesConfiguredIssuerAudienceAndAdminGroup() throws Exception {
        TokenVerifier tokens = TokenVerifierTest.unconfigured();
        tokens.devTokensRequested = true;
        tokens.issuer = Optional.of("https://id.example.org");
        tokens.audience = Optional.of("roomkeeper");
        tokens.adminGroup = "ops";
        tokens.clock = Clock.fixed(NOW, ZoneOffset.UTC);
        tokens.init();

        String token = issuer(tokens).issue(new IssueDevTokenRequest("carol", null, null, true, null, null)).token();

        assertTrue(tokens.verify(token).admin());
    }

    @Test
    void nothingIsIssuedWhenDevTokensAreOffOrRefused() {
        TokenVerifier off = TokenVerifierTest.unconfigured();
        off.hs256Secret = Optional.of(TokenVerifierTest.SECRET);
        off.init();
        TokenVerifier production = TokenVerifierTest.unconfigured();
        production.devTokensRequested = true;
        production.mode = "production";
        production.init();

        for (TokenVerifier tokens : new TokenVerifier[]{off, production}) {
            ProblemException e = assertThrows(ProblemException.class,
                    () -> issuer(tokens).issue(new IssueDevTokenRequest("alice", null, null, false, null, null)));
            assertEquals(404, e.status());
        }
    }

    @Test
    void ttlBeyondTheMaximumTokenLifetimeIsA400RatherThanATokenThisServerRefuses() throws Exception {
        TokenVerifier tokens = TokenVerifierTest.unconfigured();
        tokens.devTokensRequested = true;
        tokens.maxTokenLifetime = "PT1H";
        tokens.init();

        ProblemException tooLong = assertThrows(ProblemException.class,
                () -> issuer(tokens).issue(new IssueDevTokenRequest("alice", null, null, false, null, 3601L)));
        String longest = issuer(tokens).issue(new IssueDevTokenRequest("alice", null, null, false, null, 3600L)).token();

        assertEquals(400, tooLong.status());
        assertEquals("ttlSeconds", tooLong.errors().get(0).field());
        assertEquals("alice", verifierAt(tokens.devTokenSecret(), NOW).verify(longest).userId());
    }

    @Test
    void invalidRequestIsA400WithFieldErrors() {
        DevTokenIssuer issuer = issuer(devTokensOn());

        ProblemException invalid = assertThrows(ProblemException.class,
                () -> issuer.issue(new IssueDevTokenRequest("not valid", null, null, false, null, 0L)));
        ProblemException missing = assertThrows(ProblemException.class, () -> issuer.issue(null));

        assertEquals(400, invalid.status());
        assertEquals(2, invalid.errors().size());
        assertEquals(400, missing.status());
    }
}
