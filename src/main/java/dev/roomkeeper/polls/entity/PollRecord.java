package dev.roomkeeper.polls.entity;

import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.io.StringReader;
import java.time.Instant;
import java.util.List;

/**
 * A poll kept for audit: written when it is created, completed with its final tally when it closes. Options and
 * counts are kept as the JSON text clients see ({@code [{"id":"a","text":..}]}, {@code {"a":3,"b":1}}).
 */
@Entity
@Table(name = "poll")
public class PollRecord {

    @Id
    @Column(name = "id", length = 16, nullable = false, updatable = false)
    private String id;

    @Column(name = "room_id", length = 36, nullable = false, updatable = false)
    private String roomId;

    @Column(name = "question", length = 1000, nullable = false, updatable = false)
    private String question;

    @Column(name = "options", length = 16000, nullable = false, updatable = false)
    private String options;

    @Column(name = "multiple", nullable = false, updatable = false)
    private boolean multiple;

    @Column(name = "created_by", length = 128, nullable = false, updatable = false)
    private String createdBy;

    @Column(name = "created_at", nullable = false, updatable = false)
    private Instant createdAt;

    @Column(name = "closes_at", updatable = false)
    private Instant closesAt;

    @Column(name = "state", length = 16, nullable = false)
    private String state;

    @Column(name = "closed_at")
    private Instant closedAt;

    @Column(name = "close_reason", length = 16)
    private String closeReason;

    @Column(name = "closed_by", length = 128)
    private String closedBy;

    @Column(name = "total_voters")
    private Integer totalVoters;

    @Column(name = "counts", length = 1000)
    private String counts;

    protected PollRecord() {
        // for JPA
    }

    /** The record of a poll just created. */
    public PollRecord(Poll poll, String optionsJson) {
        this.id = poll.id();
        this.roomId = poll.roomId();
        this.question = poll.question();
        this.options = optionsJson;
        this.multiple = poll.multiple();
        this.createdBy = poll.createdBy();
        this.createdAt = Instant.ofEpochMilli(poll.createdAt());
        this.closesAt = poll.closesAt() > 0 ? Instant.ofEpochMilli(poll.closesAt()) : null;
        this.state = "open";
    }

    /** Records the close: when, why, by whom, and the final counts. */
    public void close(Instant at, CloseReason reason, String by, int voters, String countsJson) {
        this.state = "closed";
        this.closedAt = at;
        this.closeReason = reason.wireName();
        this.closedBy = by;
        this.totalVoters = voters;
        this.counts = countsJson;
    }

    public boolean isOpen() {
        return "open".equals(state);
    }

    public String getId() {
        return id;
    }

    public String getRoomId() {
        return roomId;
    }

    public String getQuestion() {
        return question;
    }

    public String getOptions() {
        return options;
    }

    public boolean isMultiple() {
        return multiple;
    }

    public String getCreatedBy() {
        return createdBy;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getClosesAt() {
        return closesAt;
    }

    public String getState() {
        return state;
    }

    public Instant getClosedAt() {
        return closedAt;
    }

    public String getCloseReason() {
        return closeReason;
    }

    public String getClosedBy() {
        return closedBy;
    }

    public Integer getTotalVoters() {
        return totalVoters;
    }

    public String getCounts() {
        return counts;
    }

    /** The poll as it was created (open, no votes): what the sweep records when its live state is lost. */
    public Poll asCreated() {
        List<PollOption> parsed;
        try (JsonReader reader = JsonProvider.provider().createReader(new StringReader(options))) {
            parsed = reader.readArray().getValuesAs(JsonValue::asJsonObject).stream()
                    .map(o -> new PollOption(o.getString("id"), o.getString("text"))).toList();
        }
        return new Poll(id, roomId, question, parsed, multiple, createdBy, createdAt.toEpochMilli(),
                closesAt == null ? 0 : closesAt.toEpochMilli(), false, 0, null, null);
    }
}
