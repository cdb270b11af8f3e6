package dev.roomkeeper.auth.entity;

import dev.roomkeeper.auth.entity.Role;

import java.security.Principal;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Who is calling, as proven by a verified token.
 *
 * @param userId     the token's {@code sub}
 * @param name       the token's {@code name}, or the user id when absent
 * @param avatar     the token's {@code avatar} URL, or null
 * @param admin      true when the token carries the configured admin group
 * @param roomGrants rooms granted inside the token ({@code rooms} claim): room id or slug to role
 * @param expiresAt  when the token stops being valid
 */
public record Caller(String userId, String name, String avatar, boolean admin,
                     Map<String, Role> roomGrants, Instant expiresAt) implements Principal {

    public Caller {
        Objects.requireNonNull(userId, "userId");
        name = name == null || name.isBlank() ? userId : name;
        roomGrants = roomGrants == null ? Map.of() : Map.copyOf(roomGrants);
    }

    @Override
    public String getName() {
        return userId;
    }
}
