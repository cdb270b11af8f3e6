package dev.roomkeeper.auth.control;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.roomkeeper.auth.entity.DevTokenResponse;
import dev.roomkeeper.auth.entity.IssueDevTokenRequest;
import dev.roomkeeper.auth.entity.Role;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.platform.entity.Problem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * Mints HS256 tokens for development, when {@code roomkeeper.auth.dev-tokens} is on outside production, signed
 * with nimbus-jose-jwt. They carry the configured issuer and audience, so they pass the same checks as real tokens.
 */
@ApplicationScoped
public class DevTokenIssuer {

    private static final Logger LOG = Logger.getLogger(DevTokenIssuer.class.getName());
    private static final JWSHeader HEADER = new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build();

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
        List<Problem.FieldError> errors = new ArrayList<>(request.fieldErrors());
        if (errors.stream().noneMatch(e -> e.field().equals("ttlSeconds"))
                && request.ttl().compareTo(tokens.maxTokenLifetime()) > 0) {
            // it would be refused by this very server
            errors.add(new Problem.FieldError("ttlSeconds", "ttlSeconds must be at most "
                    + tokens.maxTokenLifetime().toSeconds() + " (roomkeeper.auth.max-token-lifetime)"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        Instant issuedAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant expiresAt = issuedAt.plus(request.ttl());
        String token = sign(claims(request, issuedAt, expiresAt), secret);
        LOG.info(() -> "minted a dev token for " + request.sub() + (request.isAdmin() ? " (admin)" : "") + " until " + expiresAt);
        return new DevTokenResponse(token, expiresAt.toString(), request.sub());
    }

    private JWTClaimsSet claims(IssueDevTokenRequest request, Instant issuedAt, Instant expiresAt) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject(request.sub());
        if (request.name() != null && !request.name().isBlank()) {
            claims.claim("name", request.name().strip());
        }
        if (request.avatar() != null && !request.avatar().isBlank()) {
            claims.claim("avatar", request.avatar().strip());
        }
        claims.claim("groups", request.isAdmin() ? List.of(tokens.adminGroup()) : List.of());
        Map<String, String> rooms = new TreeMap<>();
        if (request.rooms() != null) {
            request.rooms().forEach((room, role) -> rooms.put(room, Role.fromWire(role).orElseThrow().wireName()));
        }
        claims.claim("rooms", rooms);
        tokens.issuer().ifPresent(claims::issuer);
        tokens.audience().ifPresent(claims::audience);
        return claims.issueTime(Date.from(issuedAt)).expirationTime(Date.from(expiresAt)).build();
    }

    static String sign(JWTClaimsSet claims, byte[] secret) {
        SignedJWT jwt = new SignedJWT(HEADER, claims);
        try {
            jwt.sign(new MACSigner(secret));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a dev token: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }
}
