package dev.roomkeeper.participants.boundary;

import dev.roomkeeper.auth.boundary.Public;
import dev.roomkeeper.participants.control.ParticipantSettings;
import dev.roomkeeper.participants.control.WebhookIngest;
import dev.roomkeeper.participants.control.WebhookProblems;
import dev.roomkeeper.participants.entity.Outcome;
import dev.roomkeeper.platform.boundary.RawBody;
import dev.roomkeeper.platform.entity.Problem;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.IOException;
import java.io.InputStream;
import java.util.logging.Logger;

/**
 * Where a LiveKit server sends its webhooks ({@code src/docs/participants.md}). No bearer token: the delivery's own
 * signature is the credential. The body is read as bytes, no further than the configured limit, and handed unparsed
 * to the verification.
 */
@Path("livekit/webhook")
@RequestScoped
@Tag(name = "participants", description = "Media participants from LiveKit webhooks")
public class LiveKitWebhookResource {

    /** Looked up once: {@code Json.create*} asks the ServiceLoader on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();
    private static final Logger LOG = Logger.getLogger(LiveKitWebhookResource.class.getName());

    @Inject
    WebhookIngest ingest;

    @Inject
    ParticipantSettings settings;

    @Context
    HttpServletRequest request;

    @POST
    @Public
    @RawBody
    @Consumes({"application/webhook+json", MediaType.APPLICATION_JSON, "*/*"})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A LiveKit webhook delivery", description = "Verified with LiveKit's SDK: the Authorization "
            + "JWT (HS256, issuer = a configured API key) and the SHA-256 of the exact body. Answers 200 with what became "
            + "of it: recorded, duplicate, out-of-order, unmapped, ignored, over-limit.")
    @APIResponse(responseCode = "200", description = "{\"result\": \"recorded\" | ...}")
    @APIResponse(responseCode = "401", description = "invalid-webhook: not verified, nothing read",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "livekit-not-configured: no API key is configured",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "webhook-too-large",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "429", description = "webhook-rate-limited (Retry-After)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "The cache or the room directory cannot be reached, or the body "
            + "could not be read: LiveKit retries",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public JsonObject receive(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, InputStream body) {
        if (!ingest.configured()) {
            throw WebhookProblems.notConfigured();
        }
        ingest.admit(request == null ? null : request.getRemoteAddr());
        int limit = settings.maxBodyBytes();
        byte[] bytes;
        try {
            bytes = body == null ? new byte[0] : body.readNBytes(limit + 1);
        } catch (IOException e) {
            // the body's connection broke (a client gone, a node stopping): a 503 LiveKit retries, not a 500
            LOG.fine(() -> "webhook body unreadable: " + e);
            throw WebhookProblems.unavailable();
        }
        if (bytes.length > limit) {
            throw ingest.tooLarge(limit);
        }
        Outcome outcome = ingest.ingest(bytes, authorization);
        return JSON.createObjectBuilder().add("result", outcome.tag()).build();
    }
}
