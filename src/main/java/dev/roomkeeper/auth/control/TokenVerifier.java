package dev.roomkeeper.auth.control;

import dev.roomkeeper.auth.entity.Caller;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The application's one token verifier, configured from {@code roomkeeper.auth.*}; REST, SSE and
 * WebSocket all verify through it. Built once at startup. A configuration it cannot use is logged,
 * reported by the readiness check and makes every token fail: it never falls back to accepting less.
 */
@ApplicationScoped
public class TokenVerifier {

    private static final Logger LOG = Logger.getLogger(TokenVerifier.class.getName());
    private static final String PEM_BEGIN = "-----BEGIN PUBLIC KEY-----";
    private static final String PEM_END = "-----END PUBLIC KEY-----";
    /** The JWS library as loaded, for the startup log: the WAR's copy, or on Payara the server's own (auth.md). */
    static final String LIBRARY = "nimbus-jose-jwt " + Optional.ofNullable(
            com.nimbusds.jose.JWSObject.class.getPackage().getImplementationVersion()).orElse("(version unknown)");

    @Inject
    @ConfigProperty(name = "roomkeeper.auth.hs256-secret")
    Optional<String> hs256Secret;

    @Inject
    @ConfigProperty(name = "roomkeeper.auth.public-key")
    Optional<String> publicKey;

    @Inject
    @ConfigProperty(name = "roomkeeper.auth.public-key-location")
    Optional<String> publicKeyLocation;

    @Inject
    @ConfigProperty(name = "roomkeeper.auth.issuer")
    Optional<String> issuer;

    @Inject
    @ConfigProperty(name = "roomkeeper.auth.audience")
    Optional<String> audience;

    @Inject
    @ConfigProperty(name = "roomkeeper.auth.clock-skew", defaultValue = "PT30S")
    String clockSkew;

    @Inject
    @ConfigProperty(name = "roomkeeper.auth.max-token-lifetime", defaultValue = "PT24H")
    String maxTokenLifetime;

    @Inject
    @ConfigProperty(name = "roomkeeper.auth.admin-group", defaultValue = JwtVerifier.DEFAULT_ADMIN_GROUP)
    String adminGroup;

    @Inject
    @ConfigProperty(name = "roomkeeper.auth.dev-tokens", defaultValue = "false")
    boolean devTokensRequested;

    @Inject
    @ConfigProperty(name = "roomkeeper.mode", defaultValue = "development")
    String mode;

    Clock clock = Clock.systemUTC();

    private JwtVerifier verifier;
    private Duration lifetime;
    private DevTokenMode devTokens;
    private byte[] devTokenSecret;
    private List<String> problems;

    /** Builds the verifier during deployment, so configuration mistakes show in the startup log. */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        LOG.fine(() -> "token verifier ready for " + algorithms());
    }

    @PostConstruct
    void init() {
        List<String> found = new ArrayList<>();
        JwtVerifier.Builder builder = JwtVerifier.builder().clock(clock);

        String modeName = mode == null ? "" : mode.strip().toLowerCase(Locale.ROOT);
        boolean development = modeName.equals("development");
        if (!development && !modeName.equals("production")) {
            found.add("roomkeeper.mode must be development or production");
        }

        byte[] secret = present(hs256Secret).map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(null);
        if (secret != null) {
            try {
                builder.hs256Secret(secret);
            } catch (IllegalArgumentException e) {
                found.add("roomkeeper.auth.hs256-secret is shorter than " + JwtVerifier.MIN_HS256_SECRET_BYTES + " bytes");
            }
        }
        present(publicKey).ifPresent(pem -> addKey(builder, pem, "roomkeeper.auth.public-key", found));
        present(publicKeyLocation).ifPresent(location -> {
            try {
                addKey(builder, Files.readString(Path.of(location.strip())), "roomkeeper.auth.public-key-location", found);
            } catch (IOException | InvalidPathException e) {
                found.add("roomkeeper.auth.public-key-location names a file that cannot be read");
            }
        });
        builder.issuer(present(issuer).orElse(null)).audience(present(audience).orElse(null));
        try {
            builder.clockSkew(Duration.parse(clockSkew.strip()));
        } catch (DateTimeParseException | IllegalArgumentException | NullPointerException e) {
            found.add("roomkeeper.auth.clock-skew must be a non-negative ISO-8601 duration such as PT30S");
        }
        try {
            Duration parsed = Duration.parse(maxTokenLifetime.strip());
            builder.maxLifetime(parsed);
            lifetime = parsed;
        } catch (DateTimeParseException | IllegalArgumentException | NullPointerException e) {
            found.add("roomkeeper.auth.max-token-lifetime must be a positive ISO-8601 duration such as PT24H");
        }
        try {
            builder.adminGroup(adminGroup);
        } catch (IllegalArgumentException e) {
            found.add("roomkeeper.auth.admin-group must not be blank");
        }

        devTokens = !devTokensRequested ? DevTokenMode.OFF : development ? DevTokenMode.ON : DevTokenMode.REFUSED;
        boolean generated = false;
        if (devTokens == DevTokenMode.ON && found.isEmpty()) {
            if (secret == null) {
                secret = new byte[32];
                new SecureRandom().nextBytes(secret);
                builder.hs256Secret(secret);
                generated = true;
            }
            devTokenSecret = secret;
        }

        problems = List.copyOf(found);
        verifier = problems.isEmpty() ? builder.build() : JwtVerifier.builder().build();
        logState(generated);
    }

    private void logState(boolean generatedSecret) {
        problems.forEach(p -> LOG.severe(() -> "auth configuration refused, every token will be rejected: " + p));
        if (devTokens == DevTokenMode.REFUSED) {
            LOG.severe("roomkeeper.auth.dev-tokens=true is refused because roomkeeper.mode is not development: "
                    + "POST /api/dev/tokens answers 404 and readiness stays DOWN until the flag is removed");
        }
        if (algorithms().isEmpty()) {
            if (problems.isEmpty()) {
                LOG.severe("no token verification key is configured, so every API call will be refused: set "
                        + "roomkeeper.auth.hs256-secret, roomkeeper.auth.public-key or roomkeeper.auth.public-key-location");
            }
            return;
        }
        LOG.info(() -> "accepting bearer tokens signed with " + String.join(", ", algorithms())
                + "; issuer " + issuer().orElse("not checked")
                + ", audience " + audience().orElse("not checked")
                + ", clock skew " + clockSkew.strip() + ", max token lifetime " + maxTokenLifetime.strip()
                + ", admin group " + adminGroup.strip() + " (" + LIBRARY + ")");
        if (devTokenSecret != null) {
            LOG.warning("""

                    ************************************************************************
                    *  DEV TOKENS ARE ON. Anyone who can reach POST /api/dev/tokens can    *
                    *  mint a token for any user, admin included. Never expose this.       *
                    *  Set roomkeeper.auth.dev-tokens=false, or roomkeeper.mode=production *
                    *  to make sure it can never happen.                                   *
                    ************************************************************************
                    dev tokens are signed with\s""" + (generatedSecret
                    ? "a random secret generated at startup: they stop working on restart and on other nodes"
                    : "roomkeeper.auth.hs256-secret"));
        }
    }

    private static void addKey(JwtVerifier.Builder builder, String pem, String key, List<String> found) {
        try {
            builder.publicKey(parsePem(pem));
        } catch (IllegalArgumentException e) {
            found.add(key + ": " + e.getMessage());
        }
    }

    private static Optional<String> present(Optional<String> value) {
        return value == null ? Optional.empty() : value.filter(s -> !s.isBlank());
    }

    /**
     * Reads a {@code -----BEGIN PUBLIC KEY-----} (SubjectPublicKeyInfo) PEM holding an RSA or EC key.
     * Literal {@code \n} sequences count as line breaks, for keys passed through environment variables.
     *
     * @throws IllegalArgumentException with a message fit for the log, never containing the key
     */
    static PublicKey parsePem(String text) {
        String pem = text.replace("\\n", "\n").strip();
        if (pem.contains("PRIVATE KEY")) {
            throw new IllegalArgumentException("holds a private key; configure the public key only");
        }
        if (pem.contains("BEGIN RSA PUBLIC KEY")) {
            throw new IllegalArgumentException("holds a PKCS#1 RSA key; convert it to a " + PEM_BEGIN + " PEM");
        }
        int begin = pem.indexOf(PEM_BEGIN);
        int end = pem.indexOf(PEM_END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("is not a PEM public key starting with " + PEM_BEGIN);
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.substring(begin + PEM_BEGIN.length(), end).strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("is not valid base64 between the PEM markers");
        }
        for (String algorithm : List.of("RSA", "EC")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (InvalidKeySpecException e) {
                LOG.log(Level.FINEST, "not an " + algorithm + " key", e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the JDK lacks " + algorithm, e);
            }
        }
        throw new IllegalArgumentException("is neither an RSA nor an EC public key");
    }

    /**
     * Verifies a token from any transport.
     *
     * @param token the compact JWS, without {@code Bearer }
     * @throws InvalidTokenException with a reason code safe to send to the client
     */
    public Caller verify(String token) throws InvalidTokenException {
        return verifier.verify(token);
    }

    /**
     * The first instant at which a token expiring at {@code expiresAt} is refused ({@code exp} plus
     * {@code roomkeeper.auth.clock-skew}); null (never) for null. The one rule for authentication, the socket sweep
     * and the stream sweep.
     */
    public Instant validUntil(Instant expiresAt) {
        return verifier.validUntil(expiresAt);
    }

    /** The algorithms tokens may use; empty when no usable key is configured. */
    public List<String> algorithms() {
        return verifier.algorithms();
    }

    /** True when some key (configured or generated for dev tokens) can verify tokens. */
    public boolean keyConfigured() {
        return !algorithms().isEmpty();
    }

    public DevTokenMode devTokens() {
        return devTokens;
    }

    /** Configuration that could not be used, one sentence each, free of secrets; empty when all is well. */
    public List<String> configurationProblems() {
        return problems;
    }

    /** The secret dev tokens are signed with, or null when dev tokens may not be minted. */
    byte[] devTokenSecret() {
        return devTokenSecret == null ? null : devTokenSecret.clone();
    }

    Optional<String> issuer() {
        return present(issuer).map(String::strip);
    }

    Optional<String> audience() {
        return present(audience).map(String::strip);
    }

    /** The longest lifetime a token may have ({@code roomkeeper.auth.max-token-lifetime}). */
    Duration maxTokenLifetime() {
        return lifetime == null ? JwtVerifier.DEFAULT_MAX_LIFETIME : lifetime;
    }

    String adminGroup() {
        return adminGroup.strip();
    }
}
