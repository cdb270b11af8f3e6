package dev.roomkeeper.rooms.entity;

import dev.roomkeeper.auth.entity.RoleConverter;

import dev.roomkeeper.auth.entity.Role;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.time.Instant;
import java.util.Objects;

/**
 * An invite link to a room: whoever redeems it becomes a member in its role, while it lasts. Only the
 * SHA-256 of its token is stored; the token itself is shown once, to whoever created the invite.
 */
@Entity
@Table(name = "invite")
public class Invite {

    /** The most uses an invite may allow. */
    public static final int MAX_USES_LIMIT = 10_000;

    @Id
    @Column(name = "id", length = 36, nullable = false, updatable = false)
    private String id;

    @Column(name = "room_id", length = 36, nullable = false, updatable = false)
    private String roomId;

    @Column(name = "token_hash", length = 64, nullable = false, updatable = false, unique = true)
    private String tokenHash;

    @Convert(converter = RoleConverter.class)
    @Column(name = "role", length = 16, nullable = false, updatable = false)
    private Role role;

    @Column(name = "max_uses", updatable = false)
    private Integer maxUses;

    @Column(name = "uses", nullable = false)
    private int uses;

    @Column(name = "expires_at", updatable = false)
    private Instant expiresAt;

    @Column(name = "created_by", length = Membership.MAX_USER_ID_LENGTH, nullable = false, updatable = false)
    private String createdBy;

    @Column(name = "created_at", nullable = false, updatable = false)
    private Instant createdAt;

    @Column(name = "revoked_at")
    private Instant revokedAt;

    @Version
    @Column(name = "version", nullable = false)
    private long version;

    protected Invite() {
        // for JPA
    }

    /**
     * @param maxUses   how many redemptions may count, or null for no limit
     * @param expiresAt when the invite stops working, or null for never (the room's inactivity still ends it)
     */
    public Invite(String id, String roomId, String tokenHash, Role role, Integer maxUses, Instant expiresAt,
                  String createdBy, Instant now) {
        this.id = Objects.requireNonNull(id, "id");
        this.roomId = Objects.requireNonNull(roomId, "roomId");
        this.tokenHash = Objects.requireNonNull(tokenHash, "tokenHash");
        this.role = Objects.requireNonNull(role, "role");
        if (maxUses != null && (maxUses < 1 || maxUses > MAX_USES_LIMIT)) {
            throw new IllegalArgumentException("maxUses must be 1 to " + MAX_USES_LIMIT);
        }
        this.maxUses = maxUses;
        this.expiresAt = expiresAt;
        this.createdBy = Objects.requireNonNull(createdBy, "createdBy");
        this.createdAt = Objects.requireNonNull(now, "now");
    }

    /** Revokes the invite. Returns false, changing nothing, when it was already revoked. */
    public boolean revoke(Instant now) {
        if (revokedAt != null) {
            return false;
        }
        revokedAt = Objects.requireNonNull(now, "now");
        return true;
    }

    public boolean isRevoked() {
        return revokedAt != null;
    }

    /** True once {@code now} has reached the expiry, if there is one. */
    public boolean isExpired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    public boolean isUsedUp() {
        return maxUses != null && uses >= maxUses;
    }

    /** Counts one redemption. Callers hold a lock on the invite and have checked {@link #isUsedUp()}. */
    public void countUse() {
        if (isUsedUp()) {
            throw new IllegalStateException("invite " + id + " is used up");
        }
        uses++;
    }

    public InviteResponse toResponse() {
        return new InviteResponse(id, roomId, role.wireName(), maxUses, uses, expiresAt, createdBy, createdAt,
                revokedAt);
    }

    public String getId() {
        return id;
    }

    public String getRoomId() {
        return roomId;
    }

    public String getTokenHash() {
        return tokenHash;
    }

    public Role getRole() {
        return role;
    }

    public Integer getMaxUses() {
        return maxUses;
    }

    public int getUses() {
        return uses;
    }

    public Instant getExpiresAt() {
        return expiresAt;
    }

    public String getCreatedBy() {
        return createdBy;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getRevokedAt() {
        return revokedAt;
    }

    public long getVersion() {
        return version;
    }
}
