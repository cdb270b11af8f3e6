package dev.roomkeeper.rooms.entity;

import dev.roomkeeper.auth.entity.Role;

import dev.roomkeeper.platform.entity.Problem;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The rules the request records check themselves ({@code fieldErrors()}), with the fields and messages they report. */
class RequestValidationTest {

    private static List<String> invalidFields(Object request) {
        return fields(errorsOf(request));
    }

    private static List<Problem.FieldError> errorsOf(Object request) {
        if (request instanceof CreateRoomRequest create) {
            return create.fieldErrors();
        }
        if (request instanceof AddMemberRequest add) {
            return add.fieldErrors();
        }
        if (request instanceof ChangeRoleRequest change) {
            return change.fieldErrors();
        }
        if (request instanceof CloseRoomRequest close) {
            return close.fieldErrors();
        }
        if (request instanceof CreateInviteRequest invite) {
            return invite.fieldErrors();
        }
        throw new IllegalArgumentException(String.valueOf(request));
    }

    private static List<String> fields(List<Problem.FieldError> errors) {
        return errors.stream()
                .map(Problem.FieldError::field)
                .distinct()
                .sorted()
                .toList();
    }

    @Test
    void aRoomNeedsOnlyATitle() {
        assertEquals(List.of(), invalidFields(new CreateRoomRequest(null, "Daily", null)));
        assertEquals(List.of(), invalidFields(new CreateRoomRequest("daily-2", "Daily", "town_hall-1")));
    }

    @Test
    void aBlankOrOverlongTitleIsInvalid() {
        assertEquals(List.of("title"), invalidFields(new CreateRoomRequest(null, null, null)));
        assertEquals(List.of("title"), invalidFields(new CreateRoomRequest(null, "   ", null)));
        assertEquals(List.of("title"), invalidFields(new CreateRoomRequest(null, "x".repeat(201), null)));
        assertEquals(List.of(), invalidFields(new CreateRoomRequest(null, "x".repeat(200), null)));
    }

    @Test
    void slugsFollowTheSlugRules() {
        for (String bad : List.of("ab", "a".repeat(65), "Daily", "-daily", "daily-", "dai ly", "dai_ly",
                UUID.randomUUID().toString())) {
            assertEquals(List.of("slug"), invalidFields(new CreateRoomRequest(bad, "Daily", null)), bad);
        }
    }

    @Test
    void kindsAreOneToThirtyTwoLowerCaseLettersDigitsDashesOrUnderscores() {
        for (String bad : List.of("", "Huddle", "town hall", "k".repeat(33), "café")) {
            assertEquals(List.of("kind"), invalidFields(new CreateRoomRequest(null, "Daily", bad)), bad);
        }
        assertEquals(List.of(), invalidFields(new CreateRoomRequest(null, "Daily", "k".repeat(32))));
    }

    @Test
    void aMemberNeedsAUserIdAndAKnownRole() {
        assertEquals(List.of(), invalidFields(new AddMemberRequest("bob", "observer")));
        assertEquals(List.of(), invalidFields(new AddMemberRequest("bob", " HOST ")));
        assertEquals(List.of("role", "userId"), invalidFields(new AddMemberRequest(" ", "owner")));
        assertEquals(List.of("role", "userId"), invalidFields(new AddMemberRequest(null, null)));
        assertEquals(List.of("userId"), invalidFields(new AddMemberRequest("u".repeat(129), "host")));
    }

    @Test
    void aRoleChangeNeedsAKnownRole() {
        assertEquals(List.of(), invalidFields(new ChangeRoleRequest("presenter")));
        assertEquals(List.of("role"), invalidFields(new ChangeRoleRequest("admin")));
        assertEquals(List.of("role"), invalidFields(new ChangeRoleRequest(null)));
    }

    @Test
    void aCloseReasonIsOptionalAndAtMostTwoHundredCharacters() {
        assertEquals(List.of(), invalidFields(new CloseRoomRequest(null)));
        assertEquals(List.of(), invalidFields(new CloseRoomRequest("r".repeat(200))));
        assertEquals(List.of("reason"), invalidFields(new CloseRoomRequest("r".repeat(201))));
    }

    @Test
    void namesAndReasonsPeopleReadHoldNoControlCharacters() {
        // NUL cannot even be stored (PostgreSQL text), the others break layouts and log lines: refused, not cleaned
        for (String control : new String[]{"\u0000", "\n", "\t", "\u001b", "\u007f", "\u0085", "\u009f"}) {
            assertEquals(List.of("title"), invalidFields(new CreateRoomRequest(null, "Daily" + control + "review", null)), control);
            assertEquals(List.of("reason"), invalidFields(new CloseRoomRequest("done" + control)), control);
            assertEquals(List.of("userId"), invalidFields(new AddMemberRequest("ada" + control, "host")), control);
        }
        assertEquals("must not contain control characters (U+0000 to U+001F, U+007F to U+009F)",
                new CreateRoomRequest(null, "a\u0000b", null).fieldErrors().get(0).message());
        assertEquals(List.of("title", "kind"), new CreateRoomRequest(null, "a\u0000", "no way").fieldErrors().stream()
                .map(Problem.FieldError::field).toList(), "every invalid field, not the first");
        assertEquals(List.of(), invalidFields(new CreateRoomRequest(null, "Café \ud83d\ude00 — Überblick", null)),
                "other text is fine");
        assertEquals(List.of(), invalidFields(new AddMemberRequest("ada@example.org", "host")));
    }

    @Test
    void theRolePatternAcceptsExactlyTheWireNames() {
        for (Role role : Role.values()) {
            assertEquals(List.of(), invalidFields(new ChangeRoleRequest(role.wireName())));
        }
        assertEquals(List.of("role"), invalidFields(new ChangeRoleRequest("hosts")));
    }

    @Test
    void theMessagesAreTheOnesTheConstraintsUsedToGive() {
        assertEquals(List.of(new Problem.FieldError("slug", Slug.RULE),
                        new Problem.FieldError("title", "must not be blank"),
                        new Problem.FieldError("kind", Kind.RULE)),
                new CreateRoomRequest("-x", " ", "K").fieldErrors());
        assertEquals(List.of(new Problem.FieldError("title", "size must be between 0 and 200")),
                new CreateRoomRequest(null, "x".repeat(201), null).fieldErrors());
        assertEquals(List.of(new Problem.FieldError("userId", "must not be blank"),
                        new Problem.FieldError("role", "must not be null")),
                new AddMemberRequest(null, null).fieldErrors());
        assertEquals(List.of(new Problem.FieldError("userId", "size must be between 0 and 128"),
                        new Problem.FieldError("role", Role.RULE)),
                new AddMemberRequest("u".repeat(129), "owner").fieldErrors());
        assertEquals(List.of(new Problem.FieldError("role", "must not be null")), new ChangeRoleRequest(null).fieldErrors());
        assertEquals(List.of(new Problem.FieldError("reason", "size must be between 0 and 200")),
                new CloseRoomRequest("r".repeat(201)).fieldErrors());
    }

    @Test
    void anInviteNeedsNothingAndDefaultsToParticipantWithoutLimits() {
        CreateInviteRequest empty = new CreateInviteRequest(null, null, null);

        assertEquals(List.of(), invalidFields(empty));
        assertEquals(Role.PARTICIPANT, empty.roleOrDefault());
        assertEquals(Optional.empty(), empty.expiry());
    }

    @Test
    void anInvitesRoleIsAWireNameInAnyCase() {
        assertEquals(Role.HOST, new CreateInviteRequest(" HOST ", null, null).roleOrDefault());
        assertEquals(List.of("role"), invalidFields(new CreateInviteRequest("admin", null, null)));
        assertEquals(List.of("role"), invalidFields(new CreateInviteRequest("", null, null)));
    }

    @Test
    void anInviteAllowsOneToTenThousandUses() {
        assertEquals(List.of(), invalidFields(new CreateInviteRequest(null, 1, null)));
        assertEquals(List.of(), invalidFields(new CreateInviteRequest(null, 10_000, null)));
        assertEquals(List.of(new Problem.FieldError("maxUses", "must be from 1 to 10000")),
                new CreateInviteRequest(null, 0, null).fieldErrors());
        assertEquals(List.of("maxUses"), invalidFields(new CreateInviteRequest(null, 10_001, null)));
        assertEquals(List.of("maxUses"), invalidFields(new CreateInviteRequest(null, -1, null)));
    }

    @Test
    void anInvitesExpiryIsAnIsoDateTimeWithAnOffset() {
        assertEquals(Optional.of(Instant.parse("2025-03-01T18:00:00Z")),
                new CreateInviteRequest(null, null, "2025-03-01T18:00:00Z").expiry());
        assertEquals(Optional.of(Instant.parse("2025-03-01T18:00:00Z")),
                new CreateInviteRequest(null, null, " 2025-03-01T19:00:00+01:00 ").expiry());
        for (String bad : List.of("", "tomorrow", "2025-03-01", "2025-03-01T18:00:00", "1740852000")) {
            assertEquals(List.of(new Problem.FieldError("expiresAt", CreateInviteRequest.EXPIRES_AT_RULE)),
                    new CreateInviteRequest(null, null, bad).fieldErrors(), bad);
        }
    }
}
