package dev.roomkeeper.rooms.entity;

import dev.roomkeeper.auth.entity.RoleConverter;

import dev.roomkeeper.auth.entity.Role;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/** A user's place in a room, with the role they hold there. One per room and user. */
@Entity
@Table(name = "membership")
@IdClass(Membership.Key.class)
public class Membership {

    public static final int MAX_USER_ID_LENGTH = 128;

    @Id
    @Column(name = "room_id", length = 36, nullable = false, updatable = false)
    private String roomId;

    @Id
    @Column(name = "user_id", length = MAX_USER_ID_LENGTH, nullable = false, updatable = false)
    private String userId;

    @Convert(converter = RoleConverter.class)
    @Column(name = "role", length = 16, nullable = false)
    private Role role;

    @Column(name = "created_at", nullable = false, updatable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    @Version
    @Column(name = "version", nullable = false)
    private long version;

    protected Membership() {
        // for JPA
    }

    public Membership(String roomId, String userId, Role role, Instant now) {
        this.roomId = Objects.requireNonNull(roomId, "roomId");
        this.userId = Objects.requireNonNull(userId, "userId");
        this.role = Objects.requireNonNull(role, "role");
        this.createdAt = Objects.requireNonNull(now, "now");
        this.updatedAt = now;
    }

    /** Gives the member another role. Returns false, changing nothing, when they already hold it. */
    public boolean changeRole(Role newRole, Instant now) {
        Objects.requireNonNull(newRole, "newRole");
        if (newRole == role) {
            return false;
        }
        role = newRole;
        updatedAt = now;
        return true;
    }

    public MemberResponse toResponse() {
        return new MemberResponse(roomId, userId, role.wireName(), createdAt, updatedAt);
    }

    public String getRoomId() {
        return roomId;
    }

    public String getUserId() {
        return userId;
    }

    public Role getRole() {
        return role;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }

    public long getVersion() {
        return version;
    }

    /** The composite primary key: room and user. */
    public static class Key implements Serializable {

        private static final long serialVersionUID = 1L;

        private String roomId;
        private String userId;

        public Key() {
            // for JPA
        }

        public Key(String roomId, String userId) {
            this.roomId = roomId;
            this.userId = userId;
        }

        public String getRoomId() {
            return roomId;
        }

        public String getUserId() {
            return userId;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && Objects.equals(roomId, key.roomId) && Objects.equals(userId, key.userId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(roomId, userId);
        }
    }
}
