package dev.roomkeeper.rooms.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.time.Instant;
import java.util.Objects;

/**
 * A room: a place people join to share live state. Open until an admin or the idle sweep closes it, then
 * closed for good (the row is kept, with its reason and who closed it, for audit).
 */
@Entity
@Table(name = "room")
public class Room {

    public static final int MAX_TITLE_LENGTH = 200;
    public static final int MAX_CLOSE_REASON_LENGTH = 200;
    /** Who closes rooms nobody used for the inactivity window ({@code closed_by}). */
    public static final String CLOSED_BY_IDLE_SWEEP = "system:idle-sweep";

    @Id
    @Column(name = "id", length = 36, nullable = false, updatable = false)
    private String id;

    @Column(name = "slug", length = Slug.MAX_LENGTH, nullable = false, updatable = false)
    private String slug;

    @Column(name = "title", length = MAX_TITLE_LENGTH, nullable = false)
    private String title;

    @Column(name = "kind", length = Kind.MAX_LENGTH, nullable = false)
    private String kind;

    @Convert(converter = RoomStateConverter.class)
    @Column(name = "state", length = 16, nullable = false)
    private RoomState state;

    @Column(name = "created_by", length = 128, nullable = false, updatable = false)
    private String createdBy;

    @Column(name = "created_at", nullable = false, updatable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    @Column(name = "closed_at")
    private Instant closedAt;

    @Column(name = "close_reason", length = MAX_CLOSE_REASON_LENGTH)
    private String closeReason;

    @Column(name = "closed_by", length = 128)
    private String closedBy;

    /**
     * The latest activity written for the room: its creation, then coalesced touches. Never written through
     * the entity after the insert: only the monotonic batch UPDATE of {@code ActivityWriter} moves it
     * (forward), so an entity read before that UPDATE cannot write an older value back when it is saved.
     */
    @Column(name = "last_activity_at", nullable = false, updatable = false)
    private Instant lastActivityAt;

    @Version
    @Column(name = "version", nullable = false)
    private long version;

    protected Room() {
        // for JPA
    }

    public Room(String id, String slug, String title, String kind, String createdBy, Instant now) {
        this.id = Objects.requireNonNull(id, "id");
        this.slug = Objects.requireNonNull(slug, "slug");
        this.title = Objects.requireNonNull(title, "title");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.createdBy = Objects.requireNonNull(createdBy, "createdBy");
        this.state = RoomState.OPEN;
        this.createdAt = Objects.requireNonNull(now, "now");
        this.updatedAt = now;
        this.lastActivityAt = now;
    }

    /**
     * Closes the room. Returns false, changing nothing, when it was already closed.
     *
     * @param closedBy an admin's user id, or {@link #CLOSED_BY_IDLE_SWEEP}
     */
    public boolean close(String reason, String closedBy, Instant now) {
        if (state == RoomState.CLOSED) {
            return false;
        }
        state = RoomState.CLOSED;
        closeReason = reason;
        this.closedBy = closedBy;
        closedAt = now;
        updatedAt = now;
        return true;
    }

    public boolean isOpen() {
        return state == RoomState.OPEN;
    }

    public RoomResponse toResponse() {
        return new RoomResponse(id, slug, title, kind, state.wireName(), createdBy, createdAt, updatedAt, closedAt,
                closeReason, closedBy);
    }

    public String getId() {
        return id;
    }

    public String getSlug() {
        return slug;
    }

    public String getTitle() {
        return title;
    }

    public String getKind() {
        return kind;
    }

    public RoomState getState() {
        return state;
    }

    public String getCreatedBy() {
        return createdBy;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
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

    public Instant getLastActivityAt() {
        return lastActivityAt;
    }

    public long getVersion() {
        return version;
    }
}
