package dev.roomkeeper.playback.boundary;

import dev.roomkeeper.auth.boundary.AdminOnly;
import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.auth.entity.Role;
import dev.roomkeeper.keyed.entity.KeyedEntry;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.platform.control.StrictJsonReader;
import dev.roomkeeper.platform.entity.PageRequest;
import dev.roomkeeper.platform.entity.Problem;
import dev.roomkeeper.platform.entity.Problem.FieldError;
import dev.roomkeeper.platform.entity.WholeNumber;
import dev.roomkeeper.playback.control.HostHandoff;
import dev.roomkeeper.playback.control.PlaybackRefusal;
import dev.roomkeeper.playback.control.PlaybackSettings;
import dev.roomkeeper.playback.control.StreamRecords;
import dev.roomkeeper.playback.control.Timelines;
import dev.roomkeeper.playback.entity.CommandType;
import dev.roomkeeper.playback.entity.LogEntry;
import dev.roomkeeper.playback.entity.PlaybackCommand;
import dev.roomkeeper.playback.entity.PlaybackEvent;
import dev.roomkeeper.playback.entity.PlaybackStream;
import dev.roomkeeper.playback.entity.StreamRequest;
import dev.roomkeeper.rooms.control.RoomDirectory;
import dev.roomkeeper.rooms.entity.Access;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
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
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Playback over REST ({@code src/docs/playback.md}): the room's timelines (members), create a stream and send
 * commands (hosts, and the member control was handed to), a stream's event log (hosts, admins).
 */
@Path("rooms/{room}/playback")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "playback", description = "Host-controlled synchronized playback: streams, timelines, event log")
public class PlaybackResource {

    private static final JsonProvider JSON = JsonProvider.provider();

    @Inject
    Timelines timelines;

    @Inject
    StreamRecords records;

    @Inject
    HostHandoff handoff;

    @Inject
    PlaybackSettings settings;

    @Inject
    RoomDirectory directory;

    @Inject
    StrictJsonReader json;

    @Context
    SecurityContext security;

    @Context
    UriInfo uri;

    @GET
    @Operation(summary = "The room's playback timelines", description = "Members. Every stream's timeline, valid at "
            + "the returned seq of the room's stream: apply the playback.set events with a greater seq. Read from the "
            + "engine, never the database.")
    @APIResponse(responseCode = "200", description = "{room, epoch, seq, serverTime, streams: [{version, timeline}]}")
    @APIResponse(responseCode = "403", description = "Not a member",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public JsonObject snapshot(@PathParam("room") String room) {
        return PlaybackJson.snapshot(timelines.snapshot(timelines.access(room, caller())));
    }

    @POST
    @Path("streams")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a stream", description = "Hosts. Body: {mediaUrl, title?, syncEnabled?, toleranceMs?, "
            + "waitForAll?, eventId?}. Announced as playback.set; paused at 0.")
    @APIResponse(responseCode = "201", description = "{room, stream, seq, timeline[, duplicate]}")
    @APIResponse(responseCode = "400", description = "Invalid fields",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "not-host (viewOnly), or not a member",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "too-many-streams",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "429", description = "rate-limited, with retryAfterMs",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response create(@PathParam("room") String room, String body) {
        StreamRequest.Parsed parsed = StreamRequest.parse(object(body), settings.defaultToleranceMs());
        Access access = timelines.access(room, caller());
        requireValid(parsed.errors());
        Timelines.Outcome outcome = timelines.create(access, caller(), parsed.request());
        return Response.created(uri.getAbsolutePathBuilder().path(outcome.timeline().stream()).build())
                .entity(outcome.toJson(access.roomId())).build();
    }

    @GET
    @Path("streams/{stream}")
    @Operation(summary = "One stream's timeline", description = "Members.")
    @APIResponse(responseCode = "200", description = "{room, stream, version, serverTime, timeline}")
    @APIResponse(responseCode = "404", description = "stream-not-found",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public JsonObject one(@PathParam("room") String room, @PathParam("stream") String stream) {
        String id = PlaybackJson.streamId(stream, "stream");
        Access access = timelines.access(room, caller());
        KeyedEntry entry = timelines.entry(access.roomId(), id).orElseThrow(() -> PlaybackRefusal.streamNotFound(id));
        return PlaybackJson.timeline(access.roomId(), entry);
    }

    @POST
    @Path("streams/{stream}/{action: play|pause|seek|rate|media}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "A command: play, pause, seek, rate or media", description = "Hosts, and the member control "
            + "was handed to. Body: {eventId, positionMs?, rate? (rate), mediaUrl? and title? (media)}. The same eventId "
            + "again is applied once and answered with duplicate: true. Announced as playback.set.")
    @APIResponse(responseCode = "200", description = "{room, stream, seq, timeline[, duplicate]}")
    @APIResponse(responseCode = "400", description = "Invalid fields",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "not-host (viewOnly), or not a member",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "stream-not-found",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "busy",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "429", description = "rate-limited, with retryAfterMs",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public JsonObject command(@PathParam("room") String room, @PathParam("stream") String stream,
                              @PathParam("action") String action, String body) {
        String id = PlaybackJson.streamId(stream, "stream");
        JsonObject given = object(body);
        if (given == null) {
            throw ProblemException.invalid(List.of(new FieldError("body", "must be a JSON object with at least eventId")));
        }
        PlaybackCommand.Parsed parsed = PlaybackCommand.parse(CommandType.fromWire(action).orElseThrow(), given);
        Access access = timelines.access(room, caller());
        requireValid(parsed.errors());
        return timelines.command(access, caller(), id, parsed.command()).toJson(access.roomId());
    }

    @POST
    @Path("streams/{stream}/handoff")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Hand control over", description = "Hosts, and the member control was handed to. Body: "
            + "{to: user id}, a member who is not an observer; announced as playback.set with cause handoff.")
    @APIResponse(responseCode = "200", description = "{room, stream, seq, timeline}")
    @APIResponse(responseCode = "400", description = "to is not a member (or an observer)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "not-host",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public JsonObject handOver(@PathParam("room") String room, @PathParam("stream") String stream, String body) {
        String id = PlaybackJson.streamId(stream, "stream");
        JsonObject given = object(body);
        String to = given == null ? null : given.getString("to", null);
        if (to == null || to.isBlank() || to.length() > 128) {
            throw ProblemException.invalid(List.of(new FieldError("to", "is required: the user id of a member")));
        }
        Access access = timelines.access(room, caller());
        return handoff.handOver(access, caller(), id, to).toJson(access.roomId());
    }

    @GET
    @Path("streams/{stream}/events")
    @Operation(summary = "A stream's event log", description = "Hosts of the room, admins. Oldest first; filter by "
            + "type (play, pause, seek, rate, media, sync_request, buffer_start, buffer_end, position, handoff) and by "
            + "server time (from inclusive, to exclusive, epoch ms). Written in batches: the last seconds may be missing.")
    @APIResponse(responseCode = "200", description = "{items, offset, limit, total}")
    @APIResponse(responseCode = "400", description = "Invalid filter or paging",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "Not a host nor an admin",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "stream-not-found",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public JsonObject events(@PathParam("room") String room, @PathParam("stream") String stream,
                             @QueryParam("type") String type, @QueryParam("from") String from,
                             @QueryParam("to") String to, @QueryParam("offset") String offset,
                             @QueryParam("limit") String limit) {
        String id = PlaybackJson.streamId(stream, "stream");
        List<FieldError> errors = new ArrayList<>();
        PageRequest page = PageRequest.parse(offset, limit, errors);
        if (type != null && !LogEntry.TYPES.contains(type)) {
            errors.add(new FieldError("type", "must be one of " + String.join(", ", LogEntry.TYPES.stream().sorted().toList())));
        }
        Long fromMs = time(from, "from", errors);
        Long toMs = time(to, "to", errors);
        requireValid(errors);
        String roomId = hostOrAdmin(room);
        PlaybackStream row = records.stream(id).filter(s -> s.getRoomId().equals(roomId))
                .orElseThrow(() -> PlaybackRefusal.streamNotFound(id));
        StreamRecords.EventFilter filter = new StreamRecords.EventFilter(type, fromMs, toMs);
        JsonArrayBuilder items = JSON.createArrayBuilder();
        for (PlaybackEvent event : records.events(row.getId(), filter, page.offset(), page.limit())) {
            items.add(PlaybackJson.event(event));
        }
        return JSON.createObjectBuilder().add("items", items).add("offset", page.offset()).add("limit", page.limit())
                .add("total", records.countEvents(row.getId(), filter)).build();
    }

    private static Long time(String value, String field, List<FieldError> errors) {
        if (value == null || value.isBlank()) {
            return null;
        }
        OptionalLong parsed = WholeNumber.parse(value, 0, Long.MAX_VALUE / 2);
        if (parsed.isEmpty()) {
            errors.add(new FieldError(field, "must be a time in epoch ms (a whole number, 0 or more)"));
            return null;
        }
        return parsed.getAsLong();
    }

    /** The room's id when the caller is an admin, or a host of the open room. */
    private String hostOrAdmin(String room) {
        if (security.isUserInRole(AdminOnly.ROLE)) {
            return directory.get(room).id();
        }
        Access access = timelines.access(room, caller());
        if (access.role() != Role.HOST) {
            throw ProblemException.forbidden("Only admins and the room's hosts may read a stream's event log.");
        }
        return access.roomId();
    }

    private JsonObject object(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        JsonValue value = json.read(body);
        return value.getValueType() == JsonValue.ValueType.OBJECT ? value.asJsonObject() : null;
    }

    private Caller caller() {
        if (!(security != null && security.getUserPrincipal() instanceof Caller caller)) {
            throw ProblemException.unauthorized("This call needs a bearer token.");
        }
        return caller;
    }

    private static void requireValid(List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
    }
}
