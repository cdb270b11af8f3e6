package dev.roomkeeper.presence.control;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.platform.entity.Problem.FieldError;
import dev.roomkeeper.auth.entity.Role;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PresenceMetadataTest {

    private static final Caller ADA = caller("Ada", "https://avatars.example/ada.png");

    private static Caller caller(String name, String avatar) {
        return new Caller("ada", name, avatar, false, Map.of(), Instant.MAX);
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    private static JsonObject sanitized(String metaJson) {
        return json(PresenceMetadata.sanitize(metaJson == null ? null : json(metaJson), ADA, Role.PARTICIPANT));
    }

    private static List<FieldError> refused(String metaJson) {
        ProblemException problem = assertThrows(ProblemException.class,
                () -> PresenceMetadata.sanitize(json(metaJson), ADA, Role.PARTICIPANT));
        assertEquals(400, problem.status());
        assertEquals("validation", problem.type());
        return problem.errors();
    }

    private static List<String> fields(List<FieldError> errors) {
        return errors.stream().map(FieldError::field).toList();
    }

    private static String quoted(String s) {
        return Json.createValue(s).toString();
    }

    @Test
    void withoutMetadataTheTokenSuppliesNameAndAvatarInAFixedOrder() {
        assertEquals("{\"displayName\":\"Ada\",\"role\":\"participant\",\"avatarUrl\":\"https://avatars.example/ada.png\","
                + "\"isSpeaking\":false,\"isRecording\":false}", PresenceMetadata.sanitize(null, ADA, Role.PARTICIPANT));
    }

    @Test
    void unknownFieldsAreDroppedAndTheRoleComesFromMembership() {
        JsonObject meta = sanitized("{\"role\":\"host\",\"admin\":true,\"displayName\":\"Ada L.\"}");

        assertEquals("participant", meta.getString("role"));
        assertFalse(meta.containsKey("admin"));
        assertEquals("Ada L.", meta.getString("displayName"));
    }

    @Nested
    class DisplayName {

        @Test
        void isAtMost64Characters() {
            assertEquals("a".repeat(64), sanitized("{\"displayName\":\"" + "a".repeat(64) + "\"}").getString("displayName"));
            List<FieldError> errors = refused("{\"displayName\":\"" + "a".repeat(65) + "\"}");

            assertEquals(List.of(new FieldError("meta.displayName", "must be at most 64 characters")), errors);
        }

        @Test
        void losesControlCharactersAndSurroundingSpaceBeforeItIsMeasured() {
            String dirty = "\u0000 Ada\u001b L\u007fove\u009blace\n\t" + "\u0007".repeat(80);

            assertEquals("Ada Lovelace", sanitized("{\"displayName\":" + quoted(dirty) + "}").getString("displayName"));
        }

        @Test
        void blankOrOnlyControlCharactersFallsBackToTheTokensName() {
            assertEquals("Ada", sanitized("{\"displayName\":\"   \"}").getString("displayName"));
            assertEquals("Ada", sanitized("{\"displayName\":" + quoted("\u0001\u0002\r\n") + "}").getString("displayName"));
            assertEquals("Ada", sanitized("{\"displayName\":null}").getString("displayName"));
        }

        @Test
        void aLongTokenNameIsCutTo64CharactersAndCleaned() {
            Caller longName = caller("\u0000" + "b".repeat(100), null);

            JsonObject meta = json(PresenceMetadata.sanitize(null, longName, Role.HOST));

            assertEquals("b".repeat(64), meta.getString("displayName"));
        }

        @Test
        void mustBeAString() {
            assertEquals(List.of("meta.displayName"), fields(refused("{\"displayName\":42}")));
        }
    }

    @Nested
    class AvatarUrl {

        @Test
        void httpAndHttpsInAnyCaseAreAccepted() {
            for (String url : List.of("http://a.example/x.png", "https://a.example/x.png", "HTTPS://A.example/x.png")) {
                assertEquals(url, sanitized("{\"avatarUrl\":\"" + url + "\"}").getString("avatarUrl"));
            }
        }

        @Test
        void otherSchemesRelativeUrlsAndUrlsWithoutAHostAreRefused() {
            for (String url : List.of("javascript:alert(1)", "data:image/png;base64,AAAA", "ftp://a.example/x.png",
                    "mailto:ada@example.com", "/avatars/ada.png", "//a.example/x.png", "http:///x.png", "https://", "http://a b/")) {
                assertEquals(List.of(new FieldError("meta.avatarUrl", "must be an http or https URL")),
                        refused("{\"avatarUrl\":" + quoted(url) + "}"), url);
            }
        }

        @Test
        void isAtMost512Characters() {
            String prefix = "https://a.example/";
            String longest = prefix + "a".repeat(512 - prefix.length());

            assertEquals(longest, sanitized("{\"avatarUrl\":\"" + longest + "\"}").getString("avatarUrl"));
            assertEquals(List.of(new FieldError("meta.avatarUrl", "must be at most 512 characters")),
                    refused("{\"avatarUrl\":\"" + longest + "a\"}"));
        }

        @Test
        void aTokenAvatarThatIsNoHttpUrlIsLeftOutNotRefused() {
            JsonObject meta = json(PresenceMetadata.sanitize(null, caller("Ada", "javascript:alert(1)"), Role.PARTICIPANT));

            assertFalse(meta.containsKey("avatarUrl"), meta::toString);
        }
    }

    @Nested
    class Flags {

        @Test
        void defaultToFalseAndMustBeBooleans() {
            JsonObject meta = sanitized("{\"isSpeaking\":null}");
            assertFalse(meta.getBoolean("isSpeaking"));
            assertFalse(meta.getBoolean("isRecording"));

            assertEquals(List.of("meta.isSpeaking", "meta.isRecording"),
                    fields(refused("{\"isSpeaking\":\"yes\",\"isRecording\":1}")));
        }

        @Test
        void membersMaySpeakAndRecord() {
            JsonObject meta = sanitized("{\"isSpeaking\":true,\"isRecording\":true}");

            assertTrue(meta.getBoolean("isSpeaking"));
            assertTrue(meta.getBoolean("isRecording"));
        }

        @Test
        void observersMayNeitherSpeakNorRecordButMaySayTheyDoNot() {
            for (String flag : List.of("isSpeaking", "isRecording")) {
                ProblemException problem = assertThrows(ProblemException.class,
                        () -> PresenceMetadata.sanitize(json("{\"" + flag + "\":true}"), ADA, Role.OBSERVER));
                assertEquals(403, problem.status(), flag);
                assertEquals("forbidden", problem.type(), flag);
            }
            JsonObject meta = json(PresenceMetadata.sanitize(json("{\"isSpeaking\":false,\"isRecording\":false}"), ADA, Role.OBSERVER));
            assertEquals("observer", meta.getString("role"));
        }
    }

    @Nested
    class Custom {

        /** A custom object of exactly {@code bytes} bytes of JSON. */
        private String custom(int bytes) {
            return "{\"k\":\"" + "x".repeat(bytes - 8) + "\"}";
        }

        @Test
        void isAnyObjectOfAtMost1024BytesOfJson() {
            assertEquals(1024, custom(1024).getBytes(StandardCharsets.UTF_8).length);
            assertEquals(json(custom(1024)), sanitized("{\"custom\":" + custom(1024) + "}").getJsonObject("custom"));
            assertEquals(List.of(new FieldError("meta.custom", "must be at most 1024 bytes of JSON")),
                    refused("{\"custom\":" + custom(1025) + "}"));
        }

        @Test
        void isMeasuredInUtf8Bytes() {
            // 400 three-byte characters: 400 characters, 1,200 bytes
            assertEquals(List.of("meta.custom"), fields(refused("{\"custom\":{\"k\":\"" + "€".repeat(400) + "\"}}")));
        }

        @Test
        void mustBeAnObject() {
            assertEquals(List.of("meta.custom"), fields(refused("{\"custom\":[1,2]}")));
            assertEquals(List.of("meta.custom"), fields(refused("{\"custom\":\"text\"}")));
        }
    }

    @Test
    void theWholeMetadataIsAtMost2048Bytes() {
        // each field within its own limit, together over the total: 192 + 1,006 + 1,024 bytes and the rest
        String name = "€".repeat(64);
        String avatar = "https://a.example/" + "é".repeat(512 - 18);
        String custom = "{\"k\":\"" + "x".repeat(1016) + "\"}";

        List<FieldError> errors = refused("{\"displayName\":\"" + name + "\",\"avatarUrl\":\"" + avatar + "\",\"custom\":" + custom + "}");

        assertEquals(List.of(new FieldError("meta", "must be at most 2048 bytes")), errors);
    }

    @Test
    void everyInvalidFieldIsListedAtOnce() {
        assertEquals(List.of("meta.displayName", "meta.avatarUrl", "meta.isSpeaking", "meta.custom"),
                fields(refused("{\"displayName\":1,\"avatarUrl\":\"ftp://x\",\"isSpeaking\":0,\"custom\":3}")));
    }

    @Nested
    class WithRole {

        private final String speaking = PresenceMetadata.sanitize(
                json("{\"displayName\":\"Ada L.\",\"isSpeaking\":true,\"isRecording\":true,\"custom\":{\"hand\":\"up\"}}"),
                ADA, Role.PARTICIPANT);

        @Test
        void setsTheNewRoleAndKeepsEverythingElse() {
            JsonObject meta = json(PresenceMetadata.withRole(speaking, Role.HOST));

            assertEquals("host", meta.getString("role"));
            assertEquals("Ada L.", meta.getString("displayName"));
            assertTrue(meta.getBoolean("isSpeaking"));
            assertTrue(meta.getBoolean("isRecording"));
            assertEquals("up", meta.getJsonObject("custom").getString("hand"));
        }

        @Test
        void anObserverStopsSpeakingAndRecording() {
            JsonObject meta = json(PresenceMetadata.withRole(speaking, Role.OBSERVER));

            assertEquals("observer", meta.getString("role"));
            assertFalse(meta.getBoolean("isSpeaking"));
            assertFalse(meta.getBoolean("isRecording"));
            assertEquals("Ada L.", meta.getString("displayName"));
        }
    }
}
