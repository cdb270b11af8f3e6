package dev.roomkeeper.auth.entity;

import dev.roomkeeper.platform.entity.Problem;
import dev.roomkeeper.auth.entity.Role;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Asks for a development token.
 *
 * @param sub        the user id: 1 to 128 characters of {@code A-Z a-z 0-9 . _ @ : -}
 * @param name       display name, optional, at most 200 characters
 * @param avatar     an http(s) URL, optional
 * @param admin      whether the token carries the admin group (absent: no)
 * @param rooms      room id or slug to role ({@code host}, {@code presenter}, {@code participant}, {@code observer})
 * @param ttlSeconds lifetime, 1 to 86400; 3600 when absent
 */
public record IssueDevTokenRequest(String sub, String name, String avatar, Boolean admin,
                                   Map<String, String> rooms, Long ttlSeconds) {

    public static final long DEFAULT_TTL_SECONDS = 3600;
    public static final long MAX_TTL_SECONDS = 86_400;
    public static final int MAX_NAME_LENGTH = 200;
    public static final int MAX_ROOM_LENGTH = 128;
    public static final int MAX_ROOMS = 100;
    private static final Pattern SUB = Pattern.compile("[A-Za-z0-9._@:-]{1,128}");

    /** True when the token is to carry the admin group. */
    public boolean isAdmin() {
        return Boolean.TRUE.equals(admin);
    }

    /** What is wrong with this request, one entry per field; empty when it may be issued. */
    public List<Problem.FieldError> fieldErrors() {
        List<Problem.FieldError> errors = new ArrayList<>();
        if (sub == null || !SUB.matcher(sub).matches()) {
            errors.add(new Problem.FieldError("sub", "sub is required: 1 to 128 characters of A-Z a-z 0-9 . _ @ : -"));
        }
        if (name != null && name.length() > MAX_NAME_LENGTH) {
            errors.add(new Problem.FieldError("name", "name must be at most " + MAX_NAME_LENGTH + " characters"));
        }
        if (avatar != null && !avatar.isBlank() && !isHttpUrl(avatar)) {
            errors.add(new Problem.FieldError("avatar", "avatar must be an http or https URL"));
        }
        if (rooms != null) {
            if (rooms.size() > MAX_ROOMS) {
                errors.add(new Problem.FieldError("rooms", "at most " + MAX_ROOMS + " rooms may be granted"));
            } else if (rooms.keySet().stream().anyMatch(r -> r == null || r.isBlank() || r.length() > MAX_ROOM_LENGTH)) {
                errors.add(new Problem.FieldError("rooms", "room ids and slugs must be 1 to " + MAX_ROOM_LENGTH + " characters"));
            } else if (rooms.values().stream().anyMatch(role -> Role.fromWire(role).isEmpty())) {
                errors.add(new Problem.FieldError("rooms", "roles must be host, presenter, participant or observer"));
            }
        }
        if (ttlSeconds != null && (ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS)) {
            errors.add(new Problem.FieldError("ttlSeconds", "ttlSeconds must be between 1 and " + MAX_TTL_SECONDS));
        }
        return errors;
    }

    /** The requested lifetime, or the default. */
    public Duration ttl() {
        return Duration.ofSeconds(ttlSeconds == null ? DEFAULT_TTL_SECONDS : ttlSeconds);
    }

    private static boolean isHttpUrl(String value) {
        try {
            URI uri = new URI(value.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && value.length() <= 2048;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
