package dev.roomkeeper.participants.control;

import dev.roomkeeper.platform.control.ProblemException;

import java.util.List;

/** The webhook's refusals, as problem+json (see {@code participants.md}). */
public final class WebhookProblems extends ProblemException {

    private WebhookProblems(int status, String type, String title, String detail, int retryAfterSeconds) {
        super(status, type, title, detail, List.of(), retryAfterSeconds);
    }

    /** 404: no key pair is configured, so no delivery could be verified. */
    public static ProblemException notConfigured() {
        return new WebhookProblems(404, "livekit-not-configured", "LiveKit webhooks are off",
                "No LiveKit API key is configured (roomkeeper.livekit.keys).", 0);
    }

    /** 401: the delivery is not verified; nothing of it was read. */
    public static ProblemException refused() {
        return new WebhookProblems(401, "invalid-webhook", "Webhook not verified",
                "The Authorization token or the body's hash does not verify with a configured LiveKit key.", 0);
    }

    /** 400: verified, but not a LiveKit webhook event. */
    public static ProblemException unreadable() {
        return new WebhookProblems(400, "invalid-webhook-body", "Not a webhook event",
                "The body is not a LiveKit webhook event.", 0);
    }

    /** 413: the body is longer than the configured limit. */
    public static ProblemException tooLarge(int limit) {
        return new WebhookProblems(413, "webhook-too-large", "Webhook too large",
                "A webhook body is at most " + limit + " bytes (roomkeeper.livekit.max-body-bytes).", 0);
    }

    /**
     * 503: the delivery could not be read or recorded now (the engine or database failed in an unexpected way, the
     * body's connection broke); LiveKit retries, and the retry is safe.
     */
    public static ProblemException unavailable() {
        return new WebhookProblems(503, "participants-unavailable", "Participants unavailable",
                "The delivery could not be recorded now; retry.", 1);
    }

    /** 429: this source sent more deliveries this second than the configured rate. */
    public static ProblemException tooMany(int rate) {
        return new WebhookProblems(429, "webhook-rate-limited", "Too many webhooks",
                "One source may deliver " + rate + " webhooks a second (roomkeeper.livekit.rate-limit).", 1);
    }
}
