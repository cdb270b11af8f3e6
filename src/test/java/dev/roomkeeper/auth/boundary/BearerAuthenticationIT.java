package dev.roomkeeper.auth.boundary;

import dev.roomkeeper.testing.Api;
import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.Servers;
import dev.roomkeeper.testing.TestTokens;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tokens over REST on a running node: hostile ones get the documented 401 problem, never a 500 and never a stack
 * trace in the log.
 */
class BearerAuthenticationIT {

    PayaraNode node;

    @BeforeEach
    void node() {
        node = Servers.embedded();
    }

    /**
     * Payara loads its own nimbus-jose-jwt before the WAR's (auth.md): whichever it is, it must be a 10.x from
     * 10.0.2 on, where deep nesting is refused and Gson is shaded. WildFlyIT checks that WildFly uses the WAR's.
     */
    @Test
    void theNodeNamesTheJwsLibraryInUseAndItIsRecentEnough() throws IOException {
        java.util.regex.Matcher named = java.util.regex.Pattern.compile("\\(nimbus-jose-jwt (\\d+)\\.(\\d+)(?:\\.(\\d+))?[^)]*\\)")
                .matcher(Files.readString(node.log()));
        assertTrue(named.find(), () -> "no nimbus-jose-jwt version in " + node.log());
        int[] version = {Integer.parseInt(named.group(1)), Integer.parseInt(named.group(2)),
                named.group(3) == null ? 0 : Integer.parseInt(named.group(3))};

        assertEquals(10, version[0], named.group());
        assertTrue(version[1] > 0 || version[2] >= 2, named.group());
    }

    @Test
    void aHeaderNestedVeryDeepIsAnInvalidTokenNotAFailure() throws IOException {
        String deepHeader = "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"x\":" + "[".repeat(1_500) + "]".repeat(1_500) + "}";
        String deepPayload = TestTokens.forUser("ada").json().toString().replaceFirst("}$",
                ",\"x\":" + "[".repeat(1_500) + "]".repeat(1_500) + "}");
        long logBefore = Files.size(node.log());

        assertInvalidToken(signed(deepHeader, TestTokens.forUser("ada").json().toString()));
        assertInvalidToken(signed(TestTokens.header("HS256").toString(), deepPayload));

        String logged = logSince(logBefore);
        // a stack trace through the verifier would name it, or the library
        assertFalse(logged.contains("StackOverflowError") || logged.contains("com.nimbusds")
                || logged.contains("dev.roomkeeper.auth.control"), logged);
    }

    @Test
    void invalidUtf8IsAnInvalidToken() {
        byte[] header = "{\"alg\":\"HS256\",\"kid\":\"\u00ff\"}".getBytes(StandardCharsets.ISO_8859_1);
        String input = TestTokens.base64Url(header) + "." + TestTokens.base64Url(TestTokens.forUser("ada").json().toString());

        assertInvalidToken(input + "." + TestTokens.base64Url(TestTokens.hmacSha256(
                Servers.SECRET.getBytes(StandardCharsets.UTF_8), input.getBytes(StandardCharsets.US_ASCII))));
    }

    @Test
    void anotherKindOfJwtIsRefusedByItsTypeAndAnAccessTokenTypeIsAccepted() {
        JsonObject logout = Json.createObjectBuilder().add("alg", "HS256").add("typ", "logout+jwt").build();
        JsonObject access = Json.createObjectBuilder().add("alg", "HS256").add("typ", "at+jwt").build();

        assertInvalidToken(signed(logout.toString(), TestTokens.forUser("ada").json().toString()));
        Api.Reply accepted = new Api(node.base(), signed(access.toString(), TestTokens.forUser("ada").json().toString()))
                .get("/api/me/rooms");
        assertEquals(200, accepted.status(), accepted::toString);
    }

    @Test
    void aTokenLivingLongerThanTheMaximumIsRefused() {
        String yearLong = TestTokens.forUser("ada").issuedAt(java.time.Instant.now())
                .expiresIn(java.time.Duration.ofDays(365)).hs256(Servers.SECRET);

        assertInvalidToken(yearLong);
    }

    private void assertInvalidToken(String token) {
        Api.Reply reply = new Api(node.base(), token).get("/api/me/rooms");
        assertEquals(401, reply.status(), reply::toString);
        assertTrue(reply.isProblem(), reply::toString);
        assertEquals("urn:roomkeeper:problem:unauthorized", reply.json().getString("type"));
        assertTrue(reply.raw().headers().firstValue("WWW-Authenticate").orElse("").contains("error=\"invalid_token\""),
                reply::toString);
    }

    private static String signed(String header, String payload) {
        String input = TestTokens.base64Url(header) + "." + TestTokens.base64Url(payload);
        return input + "." + TestTokens.base64Url(TestTokens.hmacSha256(Servers.SECRET.getBytes(StandardCharsets.UTF_8),
                input.getBytes(StandardCharsets.US_ASCII)));
    }

    private String logSince(long offset) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(node.log().toFile(), "r")) {
            byte[] tail = new byte[(int) Math.max(0, file.length() - offset)];
            file.seek(offset);
            file.readFully(tail);
            return new String(tail, StandardCharsets.UTF_8);
        }
    }
}
