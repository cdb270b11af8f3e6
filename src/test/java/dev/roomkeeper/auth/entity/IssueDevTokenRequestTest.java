package dev.roomkeeper.auth.entity;

import dev.roomkeeper.platform.entity.Problem;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IssueDevTokenRequestTest {

    static IssueDevTokenRequest request(String sub) {
        return new IssueDevTokenRequest(sub, null, null, false, null, null);
    }

    static List<String> fields(IssueDevTokenRequest request) {
        return request.fieldErrors().stream().map(Problem.FieldError::field).toList();
    }

    @Test
    void subAloneIsEnoughAndTtlDefaultsToAnHour() {
        IssueDevTokenRequest request = request("alice");

        assertTrue(request.fieldErrors().isEmpty());
        assertEquals(Duration.ofHours(1), request.ttl());
    }

    @Test
    void everyFieldWithinLimitsIsAccepted() {
        IssueDevTokenRequest request = new IssueDevTokenRequest("alice.b_c@example.org:1-2", "Alice", "https://example.org/a.png",
                true, Map.of("r1", "host", "standup", "Observer"), 86_400L);

        assertTrue(request.fieldErrors().isEmpty());
        assertEquals(Duration.ofDays(1), request.ttl());
    }

    @Test
    void subIsRequiredWithLimitedLengthAndCharacters() {
        assertEquals(List.of("sub"), fields(request(null)));
        assertEquals(List.of("sub"), fields(request("")));
        assertEquals(List.of("sub"), fields(request("x".repeat(129))));
        assertEquals(List.of("sub"), fields(request("alice smith")));
        assertEquals(List.of("sub"), fields(request("alice/../bob")));
        assertEquals(List.of("sub"), fields(request("ålice")));
        assertTrue(fields(request("x".repeat(128))).isEmpty());
    }

    @Test
    void ttlMustBeBetweenOneSecondAndOneDay() {
        assertEquals(List.of("ttlSeconds"), fields(new IssueDevTokenRequest("a", null, null, false, null, 0L)));
        assertEquals(List.of("ttlSeconds"), fields(new IssueDevTokenRequest("a", null, null, false, null, -5L)));
        assertEquals(List.of("ttlSeconds"), fields(new IssueDevTokenRequest("a", null, null, false, null, 86_401L)));
        assertTrue(fields(new IssueDevTokenRequest("a", null, null, false, null, 1L)).isEmpty());
    }

    @Test
    void roomsNeedKnownRolesAndSensibleIds() {
        assertEquals(List.of("rooms"), fields(new IssueDevTokenRequest("a", null, null, false, Map.of("r1", "owner"), null)));
        assertEquals(List.of("rooms"), fields(new IssueDevTokenRequest("a", null, null, false, Map.of(" ", "host"), null)));
        Map<String, String> nullRole = new HashMap<>();
        nullRole.put("r1", null);
        assertEquals(List.of("rooms"), fields(new IssueDevTokenRequest("a", null, null, false, nullRole, null)));
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i <= IssueDevTokenRequest.MAX_ROOMS; i++) {
            many.put("r" + i, "host");
        }
        assertEquals(List.of("rooms"), fields(new IssueDevTokenRequest("a", null, null, false, many, null)));
    }

    @Test
    void avatarMustBeHttpUrlAndNameBounded() {
        assertEquals(List.of("avatar"), fields(new IssueDevTokenRequest("a", null, "javascript:alert(1)", false, null, null)));
        assertEquals(List.of("name"), fields(new IssueDevTokenRequest("a", "n".repeat(201), null, false, null, null)));
    }

    @Test
    void everyInvalidFieldIsReportedAtOnce() {
        IssueDevTokenRequest request = new IssueDevTokenRequest(" ", null, "ftp://x", false, Map.of("r", "king"), 0L);

        assertEquals(List.of("sub", "avatar", "rooms", "ttlSeconds"), fields(request));
    }
}
