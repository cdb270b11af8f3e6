package dev.roomkeeper.roomstate.boundary;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.keyed.entity.Condition;
import dev.roomkeeper.keyed.entity.KeyedEntry;
import dev.roomkeeper.keyed.entity.KeyedResult;
import dev.roomkeeper.keyed.entity.KeyedWrite;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.platform.entity.Problem;
import dev.roomkeeper.platform.entity.Problem.FieldError;
import dev.roomkeeper.platform.entity.WholeNumber;
import dev.roomkeeper.rooms.entity.Access;
import dev.roomkeeper.roomstate.control.RoomStateKeeper;
import dev.roomkeeper.roomstate.entity.StateKey;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
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

import java.io.StringReader;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A room's state over REST, for members (bearer token). Compare-and-set uses HTTP's own conditional requests: a
 * key's ETag is its version ({@code "42"}); {@code If-Match: "42"} writes only at that version,
 * {@code If-Match: *} only when the key exists, {@code If-None-Match: *} only when it does not; a condition that
 * fails is 412 {@code version-conflict} with the key's current version and value ({@code src/docs/roomstate.md}).
 */
@Path("rooms/{room}/state")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "room state", description = "A room's shared keys: JSON values with versions, quotas and events")
public class RoomStateResource {

    private static final JsonProvider JSON = JsonProvider.provider();
    private static final Pattern STRONG_TAG = Pattern.compile("\"([1-9][0-9]{0,18})\"");
    private static final Set<String> INCREMENT_FIELDS = Set.of("by", "ttlMs");

    @Inject
    RoomStateKeeper keeper;

    @Context
    SecurityContext security;

    @GET
    @Operation(summary = "A snapshot of the room's state",
            description = "Every member. The live keys under prefix (all without one), valid at the returned seq of the "
                    + "room's stream: apply the state.* events with a greater seq.")
    @APIResponse(responseCode = "200", description = "{room, epoch, seq, prefix, keys, bytes, limits, entries}")
    @APIResponse(responseCode = "400", description = "A prefix that no key can start with",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "Not a member",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such room",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response snapshot(@PathParam("room") String room, @QueryParam("prefix") String prefix) {
        String given = prefix == null ? "" : prefix;
        return json(StateJson.snapshot(keeper.snapshot(access(room), given), keeper.limits(), given)).build();
    }

    @GET
    @Path("{key: .+}")
    @Operation(summary = "One key", description = "Every member. The ETag is the key's version.")
    @APIResponse(responseCode = "200", description = "{room, key, exists: true, value, version[, expiresAt]}")
    @APIResponse(responseCode = "404", description = "No such room, or no such key (key-not-found)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response get(@PathParam("room") String room, @PathParam("key") String key) {
        Access access = access(room);
        StateKey stateKey = key(key);
        KeyedEntry entry = keeper.get(access, stateKey).orElseThrow(() -> notFound(stateKey));
        return json(StateJson.entry(access.roomId(), stateKey.name(), entry)).tag(tag(entry.version())).build();
    }

    @PUT
    @Path("{key: .+}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set a key to the JSON value in the body",
            description = "Members who may write the key (see the rules). If-Match: \"<version>\" (compare-and-set), "
                    + "If-Match: * (only an existing key) or If-None-Match: * (create only); ttlMs gives a time to live; "
                    + "an Idempotency-Key header makes a retry safe.")
    @APIResponse(responseCode = "200", description = "{room, key, exists, value, version[, expiresAt][, duplicate]}; ETag")
    @APIResponse(responseCode = "400", description = "Invalid key, value, header or ttlMs",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "Not the caller's to write",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "quota-exceeded (max-keys, max-bytes) with limit and usage",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "412", description = "version-conflict, with the key's current version and value",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "quota-exceeded (max-value-bytes)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response put(@PathParam("room") String room, @PathParam("key") String key,
                        @QueryParam("ttlMs") String ttlMs,
                        @HeaderParam("If-Match") String ifMatch, @HeaderParam("If-None-Match") String ifNoneMatch,
                        @HeaderParam("Idempotency-Key") String idempotencyKey, String body) {
        Access access = access(room);
        StateKey stateKey = key(key);
        if (body == null || body.isBlank()) {
            throw ProblemException.invalid(List.of(new FieldError("body", "must be the key's new value: any JSON value")));
        }
        KeyedResult result = keeper.set(access, caller(), stateKey, parse(body), condition(ifMatch, ifNoneMatch),
                ttl(ttlMs), idempotency(idempotencyKey));
        return written(access, result);
    }

    @POST
    @Path("{key: .+}/increment")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Add to the integer at a key",
            description = "Body {\"by\": n, \"ttlMs\": n}, both optional (by 1). An absent key counts as 0.")
    @APIResponse(responseCode = "200", description = "{room, key, exists, value, version[, expiresAt]}; ETag")
    @APIResponse(responseCode = "409", description = "not-a-number, out-of-range, or quota-exceeded",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response increment(@PathParam("room") String room, @PathParam("key") String key,
                              @HeaderParam("Idempotency-Key") String idempotencyKey, String body) {
        Access access = access(room);
        StateKey stateKey = key(key);
        long by = 1;
        long ttl = 0;
        if (body != null && !body.isBlank()) {
            JsonValue value = parse(body);
            if (value.getValueType() != JsonValue.ValueType.OBJECT
                    || !INCREMENT_FIELDS.containsAll(value.asJsonObject().keySet())) {
                throw ProblemException.invalid(List.of(new FieldError("body", "must be an object with by and ttlMs, both optional")));
            }
            JsonObject fields = value.asJsonObject();
            by = whole(fields, "by", -KeyedWrite.MAX_COUNTER, KeyedWrite.MAX_COUNTER, 1);
            ttl = whole(fields, "ttlMs", 1, KeyedWrite.MAX_TTL_MILLIS, 0);
        }
        return written(access, keeper.increment(access, caller(), stateKey, by, ttl, idempotency(idempotencyKey)));
    }

    @DELETE
    @Path("{key: .+}")
    @Operation(summary = "Delete a key", description = "If-Match: \"<version>\" deletes only that version.")
    @APIResponse(responseCode = "200", description = "{room, key, deleted: true, version}: version is the delete event's seq")
    @APIResponse(responseCode = "404", description = "No such key (key-not-found)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "412", description = "version-conflict, with the key's current version and value",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response delete(@PathParam("room") String room, @PathParam("key") String key,
                             @HeaderParam("If-Match") String ifMatch, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        Access access = access(room);
        StateKey stateKey = key(key);
        KeyedResult result = keeper.delete(access, caller(), stateKey, condition(ifMatch, null), idempotency(idempotencyKey));
        if (result.outcome() == KeyedResult.Outcome.ABSENT) {
            throw notFound(stateKey);
        }
        return json(StateJson.deleted(access.roomId(), result)).build();
    }

    /** A 200 with a JSON body, sent as text: the same bytes on every server, whatever its JSON providers. */
    private static Response.ResponseBuilder json(JsonObject body) {
        return Response.ok(body.toString(), MediaType.APPLICATION_JSON_TYPE);
    }

    private Response written(Access access, KeyedResult result) {
        Response.ResponseBuilder response = json(StateJson.written(access.roomId(), result));
        if (result.entry() != null) {
            response.tag(tag(result.entry().version()));
        }
        return response.build();
    }

    private Access access(String room) {
        return keeper.access(room, caller());
    }

    private Caller caller() {
        if (security != null && security.getUserPrincipal() instanceof Caller caller) {
            return caller;
        }
        throw ProblemException.unauthorized("This call needs a bearer token.");
    }

    private static StateKey key(String key) {
        if (!StateKey.valid(key)) {
            throw ProblemException.invalid(List.of(new FieldError("key", StateKey.RULE)));
        }
        return new StateKey(key);
    }

    private static ProblemException notFound(StateKey key) {
        return new ProblemException(404, "key-not-found", "No such key", "The room's state has no key \"" + key.name() + "\".");
    }

    private static jakarta.ws.rs.core.EntityTag tag(long version) {
        return new jakarta.ws.rs.core.EntityTag(Long.toString(version));
    }

    /**
     * The condition of the conditional headers: {@code If-Match: "<version>"} (one strong tag) or {@code *}, and
     * {@code If-None-Match: *}; not both, and no other form.
     */
    static Condition condition(String ifMatch, String ifNoneMatch) {
        if (ifMatch != null && ifNoneMatch != null) {
            throw ProblemException.invalid(List.of(new FieldError("If-None-Match", "cannot go with If-Match")));
        }
        if (ifNoneMatch != null) {
            if (!ifNoneMatch.strip().equals("*")) {
                throw ProblemException.invalid(List.of(new FieldError("If-None-Match", "must be * (create only)")));
            }
            return Condition.ifAbsent();
        }
        if (ifMatch == null) {
            return Condition.always();
        }
        String given = ifMatch.strip();
        if (given.equals("*")) {
            return Condition.ifPresent();
        }
        Matcher version = STRONG_TAG.matcher(given);
        if (!version.matches()) {
            throw ProblemException.invalid(List.of(new FieldError("If-Match",
                    "must be * or one strong entity tag: the key's version in quotes, such as \"42\"")));
        }
        return Condition.ifVersion(Long.parseLong(version.group(1)));
    }

    private static long ttl(String ttlMs) {
        if (ttlMs == null) {
            return 0;
        }
        OptionalLong ttl = WholeNumber.parse(ttlMs.strip(), 1, KeyedWrite.MAX_TTL_MILLIS);
        if (ttl.isEmpty()) {
            throw ProblemException.invalid(List.of(new FieldError("ttlMs", "must be a whole number of ms from 1 to "
                    + KeyedWrite.MAX_TTL_MILLIS)));
        }
        return ttl.getAsLong();
    }

    private static String idempotency(String key) {
        if (key != null && !key.matches("[A-Za-z0-9_.:-]{1,64}")) {
            throw ProblemException.invalid(List.of(new FieldError("Idempotency-Key",
                    "must be 1 to 64 characters of A-Z a-z 0-9 _ . : -")));
        }
        return key;
    }

    private static long whole(JsonObject fields, String name, long min, long max, long fallback) {
        JsonValue value = fields.get(name);
        if (value == null || value == JsonValue.NULL) {
            return fallback;
        }
        OptionalLong exact = value instanceof JsonNumber number ? WholeNumber.of(number, min, max) : OptionalLong.empty();
        if (exact.isEmpty()) {
            throw ProblemException.invalid(List.of(new FieldError(name, "must be an integer from " + min + " to " + max)));
        }
        return exact.getAsLong();
    }

    /** The body, which the strict body filter has already checked is exactly one JSON value. */
    private static JsonValue parse(String body) {
        try (JsonReader reader = JSON.createReader(new StringReader(body))) {
            return reader.readValue();
        } catch (RuntimeException e) {
            throw new ProblemException(400, "malformed-body", "Malformed body", "The body is not one JSON value.");
        }
    }
}
