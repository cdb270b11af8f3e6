package dev.roomkeeper.rooms.entity;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The Bean Validation constraints on the request records, checked with the validator Payara ships. */
class RequestValidationTest {

    private static ValidatorFactory factory;
    private static Validator validator;

    @BeforeAll
    static void validator() {
        factory = Validation.buildDefaultValidatorFactory();
        validator = factory.getValidator();
    }

    @AfterAll
    static void close() {
        factory.close();
    }

    private static List<String> invalidFields(Object request) {
        return validator.validate(request).stream()
                .map(ConstraintViolation::getPropertyPath)
                .map(Object::toString)
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
    void theRolePatternAcceptsExactlyTheWireNames() {
        for (Role role : Role.values()) {
            assertEquals(List.of(), invalidFields(new ChangeRoleRequest(role.wireName())));
        }
        assertEquals(List.of("role"), invalidFields(new ChangeRoleRequest("hosts")));
    }
}
