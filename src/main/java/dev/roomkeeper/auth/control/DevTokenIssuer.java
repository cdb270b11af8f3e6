package dev.roomkeeper.auth.control;

import dev.roomkeeper.auth.entity.DevTokenResponse;
import dev.roomkeeper.auth.entity.IssueDevTokenRequest;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.platform.entity.Problem;
import dev.roomkeeper.auth.entity.Role;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.spi.JsonProvider;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * Mints HS256 tokens for development, when {@code roomkeeper.auth.dev-tokens} is on outside production.
 * They carry the configured issuer and audience, so they pass the same checks as real tokens.
 */
@ApplicationScoped
public class DevTokenIssuer {
    /** Looked up once: {@code Json.create*} asks the ServiceLoader on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();


    private static final Logger LOG = Logger.getLogger(DevTokenIssuer.class.getName());
    private static final JsonObject HEADER = JSON.createObjectBuilder().add("alg", "HS256").add("typ", "JWT").build();

    @Inject
    TokenVerifier tokens;

    Clock clock = Clock.systemUTC();

    /**
     * @throws ProblemException 404 when dev tokens are off or refused, 400 with field errors for a bad request
     */
    public DevTokenResponse issue(IssueDevTokenRequest request) {
        byte[] secret = tokens.devTokenSecret();
        if (secret == null) {
            // indistinguishable from a path that does not exist
            throw ProblemException.notFound("There is nothing at this path.");
        }
        if (request == null) {
            throw ProblemException.invalid(List.of(new Problem.FieldError("body", "a JSON body with at least sub is required")));
        }
        List<Problem.FieldError> errors = request.fieldErrors();
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        Instant issuedAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant expiresAt = issuedAt.plus(request.ttl());
        String token = sign(claims(request, issuedAt, expiresAt), secret);
        LOG.info(() -> "minted a dev token for " + request.sub() + (request.isAdmin() ? " (admin)" : "") + " until " + expiresAt);
        return new DevTokenResponse(token, expiresAt.toString(), request.sub());
    }

    private JsonObject claims(IssueDevTokenRequest request, Instant issuedAt, Instant expiresAt) {
        JsonObjectBuilder claims = JSON.createObjectBuilder().add("sub", request.sub());
        if (request.name() != null && !request.name().isBlank()) {
            claims.add("name", request.name().strip());
        }
        if (request.avatar() != null && !request.avatar().isBlank()) {
            claims.add("avatar", request.avatar().strip());
        }
        JsonArrayBuilder groups = JSON.createArrayBuilder();
        if (request.isAdmin()) {
            groups.add(tokens.adminGroup());
        }
        claims.add("groups", groups);
        JsonObjectBuilder rooms = JSON.createObjectBuilder();
        Map<String, String> grants = request.rooms() == null ? Map.of() : new TreeMap<>(request.rooms());
        grants.forEach((room, role) -> rooms.add(room, Role.fromWire(role).orElseThrow().wireName()));
        claims.add("rooms", rooms);
        tokens.issuer().ifPresent(iss -> claims.add("iss", iss));
        tokens.audience().ifPresent(aud -> claims.add("aud", aud));
        return claims.add("iat", issuedAt.getEpochSecond()).add("exp", expiresAt.getEpochSecond()).build();
    }

    static String sign(JsonObject claims, byte[] secret) {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        String signingInput = base64.encodeToString(HEADER.toString().getBytes(StandardCharsets.UTF_8)) + "."
                + base64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return signingInput + "." + base64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks HmacSHA256", e);
        }
    }
}
