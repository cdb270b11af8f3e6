package dev.roomkeeper.polls.boundary;

import dev.roomkeeper.auth.boundary.AdminOnly;
import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.auth.entity.Role;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.platform.control.StrictJsonReader;
import dev.roomkeeper.platform.entity.PageRequest;
import dev.roomkeeper.platform.entity.Problem;
import dev.roomkeeper.polls.control.PollBook;
import dev.roomkeeper.polls.control.PollRecords;
import dev.roomkeeper.polls.control.PollSettings;
import dev.roomkeeper.polls.entity.PollRecord;
import dev.roomkeeper.polls.entity.PollRequest;
import dev.roomkeeper.polls.entity.Tally;
import dev.roomkeeper.polls.entity.VoteRecord;
import dev.roomkeeper.polls.entity.VoteRequest;
import dev.roomkeeper.rooms.control.RoomAccess;
import dev.roomkeeper.rooms.control.RoomDirectory;
import dev.roomkeeper.rooms.entity.Access;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
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

import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Polls over REST ({@code src/docs/polls.md}): create and close (hosts), vote (members but observers), a room's
 * polls with their results (members; admins for any room), one poll with its votes (hosts, admins).
 */
@Path("rooms/{room}/polls")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "polls", description = "Live polls with exact tallies, kept for audit")
public class PollsResource {

    private static final JsonProvider JSON = JsonProvider.provider();
    private static final Set<String> NO_ENVELOPE = Set.of();

    @Inject
    PollBook book;

    @Inject
    PollRecords records;

    @Inject
    PollSettings settings;

    @Inject
    RoomAccess access;

    @Inject
    RoomDirectory directory;

    @Inject
    StrictJsonReader json;

    @Context
    SecurityContext security;

    @Context
    UriInfo uri;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a poll", description = "Hosts. Body: {question, options: [2-10 texts], multiple?, "
            + "closesAt? (epoch ms) | closesIn? (ms)}. Announced as poll.created.")
    @APIResponse(responseCode = "201", description = "The poll")
    @APIResponse(responseCode = "400", description = "Invalid fields",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "Not a host of the room",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "too-many-open-polls or too-many-polls",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response create(@PathParam("room") String room, String body) {
        PollRequest.Parsed parsed = PollRequest.parse(object(body), NO_ENVELOPE, settings.limits(), System.currentTimeMillis());
        Access granted = access.resolve(room, caller());
        requireValid(parsed.errors());
        JsonObject poll = book.create(granted, caller().userId(), parsed.request()).toJson();
        return Response.created(uri.getAbsolutePathBuilder().path(poll.getString("pollId")).build()).entity(poll).build();
    }

    @POST
    @Path("{pollId}/votes")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Vote", description = "Members but observers. Body: {options: [option ids]}. Voting again "
            + "changes the vote while the poll is open; it counts once.")
    @APIResponse(responseCode = "200", description = "{pollId, options, changed, version}")
    @APIResponse(responseCode = "400", description = "Invalid fields, or invalid-option",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "An observer, or not a member",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "poll-not-found",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "poll-closed or poll-full",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public JsonObject vote(@PathParam("room") String room, @PathParam("pollId") String pollId, String body) {
        requirePollId(pollId);
        VoteRequest.Parsed parsed = VoteRequest.parse(object(body), NO_ENVELOPE);
        Access granted = access.resolve(room, caller());
        requireValid(parsed.errors());
        return book.vote(granted, caller().userId(), pollId, parsed.request()).toJson();
    }

    @POST
    @Path("{pollId}/close")
    @Operation(summary = "Close a poll", description = "Hosts. Answers the poll with its final tally; closing a "
            + "closed poll answers the same, announcing nothing again.")
    @APIResponse(responseCode = "200", description = "The poll with counts and totalVoters")
    @APIResponse(responseCode = "403", description = "Not a host of the room",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "poll-not-found",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public JsonObject close(@PathParam("room") String room, @PathParam("pollId") String pollId) {
        requirePollId(pollId);
        Access granted = access.resolve(room, caller());
        return book.closeByHost(granted, caller().userId(), pollId).toJson();
    }

    @GET
    @Operation(summary = "A room's polls and results", description = "Members of the open room (observers too); admins "
            + "for any room. Newest first; open polls with their live counts, closed ones with their final counts.")
    @APIResponse(responseCode = "200", description = "{items, offset, limit, total}")
    @APIResponse(responseCode = "400", description = "Invalid paging",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "Not a member",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public JsonObject list(@PathParam("room") String room, @QueryParam("offset") String offset,
                           @QueryParam("limit") String limit) {
        List<Problem.FieldError> errors = new ArrayList<>();
        PageRequest page = PageRequest.parse(offset, limit, errors);
        requireValid(errors);
        String roomId = readable(room, false);
        Map<String, PollBook.Closed> live = new HashMap<>();
        try {
            book.live(roomId).forEach(p -> live.put(p.poll().id(), p));
        } catch (ProblemException e) {
            // the live state is unreachable: the recorded polls still answer
        }
        JsonArrayBuilder items = JSON.createArrayBuilder();
        for (PollRecord record : records.ofRoom(roomId, page.offset(), page.limit())) {
            PollBook.Closed current = live.get(record.getId());
            items.add(current != null && record.isOpen() ? current.toJson() : json(record).build());
        }
        return JSON.createObjectBuilder().add("items", items).add("offset", page.offset()).add("limit", page.limit())
                .add("total", records.countOfRoom(roomId)).build();
    }

    @GET
    @Path("{pollId}")
    @Operation(summary = "One poll with its votes", description = "Hosts of the open room, admins for any room: "
            + "the poll, its counts and every counted vote (live while open, recorded once closed).")
    @APIResponse(responseCode = "200", description = "The poll with counts, totalVoters and votes [{userId, options, at}]")
    @APIResponse(responseCode = "403", description = "Not a host nor an admin",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "poll-not-found",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public JsonObject one(@PathParam("room") String room, @PathParam("pollId") String pollId) {
        requirePollId(pollId);
        String roomId = readable(room, true);
        Optional<PollRecord> record = records.find(pollId).filter(r -> r.getRoomId().equals(roomId));
        if (record.isPresent() && !record.get().isOpen()) {
            JsonArrayBuilder votes = JSON.createArrayBuilder();
            for (VoteRecord vote : records.votes(pollId)) {
                votes.add(JSON.createObjectBuilder().add("userId", vote.getUserId())
                        .add("options", JSON.createArrayBuilder(vote.getOptions()))
                        .add("at", vote.getVotedAt().toEpochMilli()).add("seq", vote.getSeq()));
            }
            return json(record.get()).add("votes", votes).build();
        }
        PollBook.Closed live = book.one(roomId, pollId).orElseThrow(() -> new ProblemException(404, "poll-not-found",
                "No such poll", "The room has no poll " + pollId + "."));
        JsonArrayBuilder votes = JSON.createArrayBuilder();
        for (Tally.Vote vote : live.tally().votes()) {
            votes.add(JSON.createObjectBuilder().add("userId", vote.userId())
                    .add("options", JSON.createArrayBuilder(vote.options())).add("at", vote.at()).add("seq", vote.version()));
        }
        return JSON.createObjectBuilder(live.toJson()).add("votes", votes).build();
    }

    /** A recorded poll as clients see it: the poll, and for a closed one its final counts. */
    static JsonObjectBuilder json(PollRecord record) {
        JsonObjectBuilder json = JSON.createObjectBuilder()
                .add("pollId", record.getId())
                .add("room", record.getRoomId())
                .add("question", record.getQuestion())
                .add("options", read("{\"o\":" + record.getOptions() + "}").getJsonArray("o"))
                .add("multiple", record.isMultiple())
                .add("createdBy", record.getCreatedBy())
                .add("createdAt", record.getCreatedAt().toEpochMilli());
        if (record.getClosesAt() != null) {
            json.add("closesAt", record.getClosesAt().toEpochMilli());
        }
        json.add("state", record.getState());
        if (!record.isOpen()) {
            json.add("closedAt", record.getClosedAt().toEpochMilli()).add("closeReason", record.getCloseReason());
            if (record.getClosedBy() != null) {
                json.add("closedBy", record.getClosedBy());
            }
            json.add("counts", read(record.getCounts())).add("totalVoters", record.getTotalVoters());
        }
        return json;
    }

    /** The body as a JSON object (the strict body filter checked it is one strict JSON value); null otherwise. */
    private JsonObject object(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        JsonValue value = json.read(body);
        return value.getValueType() == JsonValue.ValueType.OBJECT ? value.asJsonObject() : null;
    }

    private static JsonObject read(String text) {
        try (JsonReader reader = JSON.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    /** The room's id when the caller may read it: admins any room; members the open room (hosts only for votes). */
    private String readable(String room, boolean hostsOnly) {
        Caller caller = caller();
        if (security.isUserInRole(AdminOnly.ROLE)) {
            return directory.get(room).id();
        }
        Access granted = access.resolve(room, caller);
        if (hostsOnly && granted.role() != Role.HOST) {
            throw ProblemException.forbidden("Only admins and the room's hosts may read a poll's votes.");
        }
        return granted.roomId();
    }

    private Caller caller() {
        if (!(security != null && security.getUserPrincipal() instanceof Caller caller)) {
            throw ProblemException.unauthorized("This call needs a bearer token.");
        }
        return caller;
    }

    private static void requirePollId(String pollId) {
        if (!dev.roomkeeper.polls.entity.PollKeys.isPollId(pollId)) {
            throw new ProblemException(404, "poll-not-found", "No such poll", "A poll id is 16 characters of a-z 0-9.");
        }
    }

    private static void requireValid(List<Problem.FieldError> errors) {
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
    }
}
