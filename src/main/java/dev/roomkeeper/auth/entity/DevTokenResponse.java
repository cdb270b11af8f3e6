package dev.roomkeeper.auth.entity;

/**
 * A freshly minted development token.
 *
 * @param token     the compact JWT, to send as {@code Authorization: Bearer <token>}
 * @param expiresAt when it expires, ISO-8601 in UTC
 * @param userId    the {@code sub} it speaks for
 */
public record DevTokenResponse(String token, String expiresAt, String userId) {
}
