package dev.roomkeeper.auth.control;

import java.util.Optional;

/** A {@link TokenVerifier} configured as CDI would, for unit tests of other packages. */
public final class TokenVerifierFixture {

    private TokenVerifierFixture() {
    }

    /** Accepts HS256 tokens signed with {@code secret}, with {@code roomkeeper.auth.clock-skew} set to {@code clockSkew}. */
    public static TokenVerifier hs256(String secret, String clockSkew) {
        TokenVerifier tokens = new TokenVerifier();
        tokens.hs256Secret = Optional.of(secret);
        tokens.publicKey = Optional.empty();
        tokens.publicKeyLocation = Optional.empty();
        tokens.issuer = Optional.empty();
        tokens.audience = Optional.empty();
        tokens.clockSkew = clockSkew;
        tokens.maxTokenLifetime = "PT24H";
        tokens.adminGroup = JwtVerifier.DEFAULT_ADMIN_GROUP;
        tokens.devTokensRequested = false;
        tokens.mode = "development";
        tokens.init();
        if (!tokens.configurationProblems().isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", tokens.configurationProblems()));
        }
        return tokens;
    }
}
