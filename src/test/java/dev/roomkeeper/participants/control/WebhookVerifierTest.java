package dev.roomkeeper.participants.control;

import dev.roomkeeper.participants.entity.LiveKitEvent;
import dev.roomkeeper.testing.LiveKitDeliveries;
import dev.roomkeeper.testing.LiveKitDeliveries.Delivery;
import livekit.LivekitModels;
import livekit.LivekitWebhook;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Deliveries signed with the SDK's own token class: only what LiveKit signed with a configured key passes. */
class WebhookVerifierTest {

    private static final String KEY = "APIkeyOne";
    private static final String SECRET = "secret-one-0123456789abcdef0123456789";
    private static final String OLD_KEY = "APIkeyOld";
    private static final String OLD_SECRET = "secret-old-0123456789abcdef0123456789";

    private final WebhookVerifier verifier = new WebhookVerifier(pairs());

    private static Map<String, String> pairs() {
        Map<String, String> pairs = new LinkedHashMap<>();
        pairs.put(KEY, SECRET);
        pairs.put(OLD_KEY, OLD_SECRET);
        return pairs;
    }

    private static LivekitWebhook.WebhookEvent joined() {
        return LiveKitDeliveries.event("participant_joined", "EV_abc", 1_700_000_000L,
                        LiveKitDeliveries.room("lounge-General Lounge", "RM_1"))
                .setParticipant(LiveKitDeliveries.participant("PA_1", "ada", 3, 1_699_999_999L,
                        List.of(LiveKitDeliveries.track("TR_1", LivekitModels.TrackType.AUDIO, true))))
                .build();
    }

    @Test
    void aDeliverySignedWithAConfiguredKeyIsVerifiedAndRead() throws Exception {
        Delivery delivery = LiveKitDeliveries.signed(joined(), KEY, SECRET);

        LiveKitEvent event = verifier.verify(delivery.body(), delivery.authorization());

        assertEquals(LiveKitEvent.Kind.PARTICIPANT_JOINED, event.kind());
        assertEquals("EV_abc", event.id());
        assertEquals(1_700_000_000_000L, event.createdAt());
        assertEquals("lounge-General Lounge", event.roomName());
        assertEquals("RM_1", event.roomSid());
        assertEquals("PA_1", event.participant().sid());
        assertEquals("ada", event.participant().identity());
        assertEquals(3, event.participant().version());
        assertEquals(1_699_999_999_000L, event.participant().joinedAt());
        assertEquals("audio", event.participant().tracks().get(0).kind());
        assertEquals("microphone", event.participant().tracks().get(0).source());
        assertTrue(event.participant().tracks().get(0).muted());
    }

    @Test
    void everyConfiguredKeyVerifiesSoKeysCanRotate() throws Exception {
        Delivery delivery = LiveKitDeliveries.signed(joined(), OLD_KEY, OLD_SECRET);

        assertEquals("EV_abc", verifier.verify(delivery.body(), delivery.authorization()).id());
        assertEquals("EV_abc", verifier.verify(delivery.body(), "Bearer " + delivery.authorization()).id());
    }

    @Test
    void aWrongSecretIsRefused() {
        Delivery delivery = LiveKitDeliveries.signed(joined(), KEY, "another-secret-0123456789abcdef0123");

        assertRefused(WebhookVerifier.Refusal.INVALID_SIGNATURE, delivery.body(), delivery.authorization());
    }

    @Test
    void aTamperedBodyIsRefused() {
        Delivery delivery = LiveKitDeliveries.signed(joined(), KEY, SECRET);
        byte[] tampered = delivery.text().replace("\"ada\"", "\"eve\"").getBytes(StandardCharsets.UTF_8);
        assertFalse(Arrays.equals(tampered, delivery.body()));

        assertRefused(WebhookVerifier.Refusal.INVALID_SIGNATURE, tampered, delivery.authorization());
        byte[] trailingSpace = (delivery.text() + " ").getBytes(StandardCharsets.UTF_8);
        assertRefused(WebhookVerifier.Refusal.INVALID_SIGNATURE, trailingSpace, delivery.authorization());
    }

    @Test
    void aMissingHeaderIsRefused() {
        Delivery delivery = LiveKitDeliveries.signed(joined(), KEY, SECRET);

        assertRefused(WebhookVerifier.Refusal.MISSING_HEADER, delivery.body(), null);
        assertRefused(WebhookVerifier.Refusal.MISSING_HEADER, delivery.body(), " ");
        assertRefused(WebhookVerifier.Refusal.INVALID_SIGNATURE, delivery.body(), "not-a-token");
    }

    @Test
    void anUnknownKeyIsRefused() {
        Delivery delivery = LiveKitDeliveries.signed(joined(), "APIunknown", SECRET);

        assertRefused(WebhookVerifier.Refusal.UNKNOWN_KEY, delivery.body(), delivery.authorization());
    }

    @Test
    void anExpiredTokenIsRefused() {
        byte[] body = LiveKitDeliveries.json(joined()).getBytes(StandardCharsets.UTF_8);
        String expired = LiveKitDeliveries.token(body, KEY, SECRET, new Date(System.currentTimeMillis() - 3_600_000));

        assertRefused(WebhookVerifier.Refusal.INVALID_SIGNATURE, body, expired);
    }

    @Test
    void aBodyThatIsNotUtf8IsRefused() {
        byte[] body = {'{', (byte) 0xC3, '}'};

        assertRefused(WebhookVerifier.Refusal.NOT_UTF8, body, LiveKitDeliveries.token(body, KEY, SECRET, null));
    }

    @Test
    void aVerifiedBodyThatIsNotAnEventIsUnreadable() {
        byte[] body = "[1,2]".getBytes(StandardCharsets.UTF_8);

        assertRefused(WebhookVerifier.Refusal.UNREADABLE, body, LiveKitDeliveries.token(body, KEY, SECRET, null));
    }

    @Test
    void otherEventsAndParticipantEventsWithoutAParticipantAreOther() throws Exception {
        Delivery egress = LiveKitDeliveries.signed(LiveKitDeliveries.event("egress_started", "EV_e", 1L,
                LiveKitDeliveries.room("r", "RM_r")), KEY, SECRET);
        Delivery bare = LiveKitDeliveries.signed(LiveKitDeliveries.event("participant_joined", "EV_b", 1L,
                LiveKitDeliveries.room("r", "RM_r")), KEY, SECRET);

        assertEquals(LiveKitEvent.Kind.OTHER, verifier.verify(egress.body(), egress.authorization()).kind());
        assertEquals(LiveKitEvent.Kind.OTHER, verifier.verify(bare.body(), bare.authorization()).kind());
    }

    @Test
    void keyPairsAreReadFromConfiguration() {
        Map<String, String> parsed = ParticipantSettings.parsePairs(" k1:s1 , bad, k2:s:2,,:x, k1:other");

        assertEquals(Map.of("k1", "s1", "k2", "s:2"), parsed);
        assertEquals(List.of("k1", "k2"), List.copyOf(parsed.keySet()));
        assertTrue(ParticipantSettings.parsePairs("").isEmpty());
    }

    private void assertRefused(WebhookVerifier.Refusal reason, byte[] body, String authorization) {
        WebhookVerifier.RefusedException refused = assertThrows(WebhookVerifier.RefusedException.class,
                () -> verifier.verify(body, authorization));
        assertEquals(reason, refused.refusal());
    }
}
