package dev.roomkeeper.polls.entity;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import java.io.StringReader;
import java.util.List;
import java.util.Objects;

/**
 * A poll as the room's live state holds it (the value of its key {@code poll/<id>} in the space {@code polls}).
 * Open until closed once: a closed poll is never written again, so the version of its key is the seq of the close.
 *
 * @param id          16 characters of a-z 0-9, unique
 * @param roomId      the room's id
 * @param question    the question
 * @param options     2 to 10 options, ids {@code a}, {@code b}, ...
 * @param multiple    true when a voter may choose several options, false for exactly one
 * @param createdBy   the host who created it
 * @param createdAt   epoch ms
 * @param closesAt    epoch ms when it closes by itself; 0 for never (until a host or the room closes it)
 * @param closed      whether it is closed
 * @param closedAt    epoch ms; 0 while open
 * @param closeReason why it closed; null while open
 * @param closedBy    the host who closed it (reason {@code host}); else null
 */
public record Poll(String id, String roomId, String question, List<PollOption> options, boolean multiple,
                   String createdBy, long createdAt, long closesAt, boolean closed, long closedAt,
                   CloseReason closeReason, String closedBy) {

    private static final JsonProvider JSON = JsonProvider.provider();

    public Poll {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(question, "question");
        options = List.copyOf(options);
        if (closed != (closeReason != null)) {
            throw new IllegalArgumentException("a closed poll has a reason, an open one none");
        }
    }

    /** This poll closed at {@code at} for {@code reason} (by a host, or null). */
    public Poll closedAt(long at, CloseReason reason, String by) {
        return new Poll(id, roomId, question, options, multiple, createdBy, createdAt, closesAt, true, at, reason, by);
    }

    public boolean hasOption(String optionId) {
        return options.stream().anyMatch(o -> o.id().equals(optionId));
    }

    public List<String> optionIds() {
        return options.stream().map(PollOption::id).toList();
    }

    /** The poll as clients see it (and as it is stored). */
    public JsonObject toJson() {
        JsonArrayBuilder opts = JSON.createArrayBuilder();
        options.forEach(o -> opts.add(JSON.createObjectBuilder().add("id", o.id()).add("text", o.text())));
        JsonObjectBuilder json = JSON.createObjectBuilder()
                .add("pollId", id)
                .add("room", roomId)
                .add("question", question)
                .add("options", opts)
                .add("multiple", multiple)
                .add("createdBy", createdBy)
                .add("createdAt", createdAt);
        if (closesAt > 0) {
            json.add("closesAt", closesAt);
        }
        json.add("state", closed ? "closed" : "open");
        if (closed) {
            json.add("closedAt", closedAt).add("closeReason", closeReason.wireName());
            if (closedBy != null) {
                json.add("closedBy", closedBy);
            }
        }
        return json.build();
    }

    public String toValue() {
        return toJson().toString();
    }

    /** Reads a stored poll. */
    public static Poll fromValue(String value) {
        JsonObject json;
        try (JsonReader reader = JSON.createReader(new StringReader(value))) {
            json = reader.readObject();
        }
        List<PollOption> options = json.getJsonArray("options").getValuesAs(JsonValue::asJsonObject).stream()
                .map(o -> new PollOption(o.getString("id"), o.getString("text"))).toList();
        boolean closed = "closed".equals(json.getString("state"));
        return new Poll(json.getString("pollId"), json.getString("room"), json.getString("question"), options,
                json.getBoolean("multiple"), json.getString("createdBy"), json.getJsonNumber("createdAt").longValue(),
                json.containsKey("closesAt") ? json.getJsonNumber("closesAt").longValue() : 0, closed,
                closed ? json.getJsonNumber("closedAt").longValue() : 0,
                closed ? CloseReason.fromWire(json.getString("closeReason")).orElse(CloseReason.LOST) : null,
                json.getString("closedBy", null));
    }
}
