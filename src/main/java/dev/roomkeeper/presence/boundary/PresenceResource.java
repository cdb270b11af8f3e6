package dev.roomkeeper.presence.boundary;

import dev.roomkeeper.auth.boundary.Public;
import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.platform.boundary.RawBody;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.platform.entity.Problem.FieldError;
import dev.roomkeeper.presence.control.ParsedMetadata;
import dev.roomkeeper.presence.control.PresenceMetadata;
import dev.roomkeeper.presence.control.PresenceRegistry;
import dev.roomkeeper.presence.entity.HeartbeatRequest;
import dev.roomkeeper.presence.entity.HeartbeatResponse;
import dev.roomkeeper.presence.entity.PresenceListResponse;
import dev.roomkeeper.presence.entity.UserRoomsResponse;
import dev.roomkeeper.presence.entity.Joined;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.spi.JsonProvider;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Presence for clients without a socket (Convex-style): heartbeat, list, and a disconnect that
 * {@code navigator.sendBeacon} can call without an Authorization header.
 */
@Path("presence")
@RequestScoped
@Tag(name = "presence", description = "Who is present, for clients without a socket")
public class PresenceResource {
    /** Looked up once: {@code Json.create*} asks the ServiceLoader on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();
    /** The most of a disconnect body that is read: a session token is well under 1 KB. */
    static final int MAX_BEACON_BYTES = 4096;


    @Inject
    ParsedMetadata metadata;

    @Inject
    PresenceRegistry registry;

    @Context
    SecurityContext security;

    @POST
    @Path("heartbeat")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Join or keep a session alive",
            description = "The first heartbeat of a session joins it; later ones keep it alive and may change its "
                    + "metadata (without meta, a live session keeps the metadata it has). Call again within the returned interval (ms). Returns a session token for "
                    + "/api/presence/disconnect and a room token for /api/presence/list; both stay the same for the session.")
    @APIResponse(responseCode = "200", description = "Alive",
            content = @Content(schema = @Schema(implementation = HeartbeatResponse.class)))
    @APIResponse(responseCode = "400", description = "Invalid fields")
    @APIResponse(responseCode = "403", description = "Not a member, or an observer claiming to speak or record")
    @APIResponse(responseCode = "404", description = "No such room")
    @APIResponse(responseCode = "409", description = "Room closed")
    public HeartbeatResponse heartbeat(HeartbeatRequest request) {
        if (request == null) {
            throw ProblemException.invalid(List.of(new FieldError("body", "a JSON body is required")));
        }
        // every invalid field at once, the metadata's too
        List<FieldError> errors = new ArrayList<>(request.fieldErrors());
        errors.addAll(PresenceMetadata.fieldErrors(request.meta()));
        if (!errors.isEmpty()) {
            errors.sort(java.util.Comparator.comparing(FieldError::field));
            throw ProblemException.invalid(errors);
        }
        Caller caller = (Caller) security.getUserPrincipal();
        Joined joined = registry.join(caller, request.room(), request.sessionId(), request.interval(), request.meta(), null);
        return new HeartbeatResponse(joined.access().roomId(), joined.access().slug(), joined.sessionId(),
                joined.interval().toMillis(), joined.sessionToken(), joined.roomToken(), joined.snapshot().seq(),
                joined.snapshot().epoch());
    }

    @GET
    @Path("list")
    @Public
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A room's presence by room token",
            description = "Needs no Authorization header: the room token from a heartbeat is the capability.")
    @APIResponse(responseCode = "200", description = "Online users with their sessions, and recently left users",
            content = @Content(schema = @Schema(implementation = PresenceListResponse.class)))
    @APIResponse(responseCode = "401", description = "Missing, forged or expired room token")
    public PresenceListResponse list(@QueryParam("roomToken") String roomToken) {
        String room = registry.roomOfToken(roomToken)
                .orElseThrow(() -> ProblemException.unauthorized("The room token is missing, invalid or expired."));
        return PresenceView.of(registry.snapshot(room), metadata);
    }

    @POST
    @Path("disconnect")
    @Public
    @Consumes({MediaType.TEXT_PLAIN, MediaType.APPLICATION_JSON, MediaType.APPLICATION_FORM_URLENCODED, "*/*"})
    @Operation(summary = "End a session (sendBeacon)",
            description = "The body is the session token, as text or as {\"sessionToken\":\"…\"}. Needs no Authorization "
                    + "header. Unknown, forged or already-used tokens are a harmless no-op.")
    @APIResponse(responseCode = "204", description = "Done (or nothing to do)")
    @RawBody
    public Response disconnect(InputStream body) throws IOException {
        String token = tokenOf(beacon(body));
        if (token != null) {
            registry.disconnect(token);
        }
        return Response.noContent().build();
    }

    @GET
    @Path("users/{userId}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The rooms a user is present in (admin, or the user)")
    @APIResponse(responseCode = "200", description = "Room ids",
            content = @Content(schema = @Schema(implementation = UserRoomsResponse.class)))
    @APIResponse(responseCode = "403", description = "Neither admin nor that user")
    public UserRoomsResponse roomsOf(@PathParam("userId") String userId) {
        Caller caller = (Caller) security.getUserPrincipal();
        if (!caller.userId().equals(userId) && !security.isUserInRole("admin")) {
            throw ProblemException.forbidden("Only admins may look at another user's presence.");
        }
        return new UserRoomsResponse(userId, registry.roomsOf(userId));
    }

    /**
     * The beacon's body as text, read no further than {@value #MAX_BEACON_BYTES} bytes: null when it holds more (such
     * a body names no session, and the server never holds more of it).
     */
    static String beacon(InputStream body) throws IOException {
        if (body == null) {
            return null;
        }
        byte[] bytes = body.readNBytes(MAX_BEACON_BYTES + 1);
        return bytes.length > MAX_BEACON_BYTES ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    static String tokenOf(String body) {
        if (body == null || body.isBlank() || body.length() > MAX_BEACON_BYTES) {
            return null;
        }
        String trimmed = body.strip();
        if (trimmed.startsWith("{")) {
            try {
                JsonObject json;
                try (JsonReader reader = JSON.createReader(new StringReader(trimmed))) {
                    json = reader.readObject();
                }
                JsonValue value = json.get("sessionToken");
                return value != null && value.getValueType() == JsonValue.ValueType.STRING ? json.getString("sessionToken") : null;
            } catch (RuntimeException e) {
                return null;
            }
        }
        if (trimmed.startsWith("sessionToken=")) {
            try {
                return java.net.URLDecoder.decode(trimmed.substring("sessionToken=".length()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null; // malformed percent-encoding names no session: as harmless as an unknown token
            }
        }
        return trimmed;
    }
}
