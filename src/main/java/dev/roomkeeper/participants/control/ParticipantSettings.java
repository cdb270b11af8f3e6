package dev.roomkeeper.participants.control;

import dev.roomkeeper.keyed.entity.KeyedLimits;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The configuration of media participants ({@code roomkeeper.livekit.*}: how LiveKit reaches us and we reach it;
 * {@code roomkeeper.participants.*}: the cache), each value checked against its bounds: a value out of them is logged
 * and the default used (see the README's configuration table). Secrets come from configuration only (environment
 * variables in production), never from the repository.
 */
@ApplicationScoped
public class ParticipantSettings {

    private static final Logger LOG = Logger.getLogger(ParticipantSettings.class.getName());

    /** {@code key:secret} pairs separated by commas; several for key rotation. */
    @Inject
    @ConfigProperty(name = "roomkeeper.livekit.keys")
    Optional<String> keys;

    /** LiveKit's HTTP(S) URL, for its room service (reconciliation); none: never asked. */
    @Inject
    @ConfigProperty(name = "roomkeeper.livekit.url")
    Optional<String> url;

    @Inject
    @ConfigProperty(name = "roomkeeper.livekit.channel-separator", defaultValue = "-")
    String separator;

    @Inject
    @ConfigProperty(name = "roomkeeper.livekit.max-body-bytes", defaultValue = "262144")
    String maxBody;

    @Inject
    @ConfigProperty(name = "roomkeeper.livekit.rate-limit", defaultValue = "2000")
    String rateLimit;

    @Inject
    @ConfigProperty(name = "roomkeeper.livekit.timeout", defaultValue = "PT2S")
    String timeout;

    @Inject
    @ConfigProperty(name = "roomkeeper.livekit.reconcile-interval", defaultValue = "PT1M")
    String reconcileInterval;

    @Inject
    @ConfigProperty(name = "roomkeeper.participants.ttl", defaultValue = "PT6H")
    String ttl;

    @Inject
    @ConfigProperty(name = "roomkeeper.participants.left-ttl", defaultValue = "PT15M")
    String leftTtl;

    @Inject
    @ConfigProperty(name = "roomkeeper.participants.channel-ttl", defaultValue = "PT24H")
    String channelTtl;

    @Inject
    @ConfigProperty(name = "roomkeeper.participants.max-age", defaultValue = "PT5M")
    String maxAge;

    @Inject
    @ConfigProperty(name = "roomkeeper.participants.max-keys", defaultValue = "20000")
    String maxKeys;

    @Inject
    @ConfigProperty(name = "roomkeeper.participants.max-value-bytes", defaultValue = "65536")
    String maxValueBytes;

    private volatile Map<String, String> pairs;
    private volatile KeyedLimits limits;

    /** API key to secret, in the order configured; empty when none is (the webhook is then off). */
    public Map<String, String> keyPairs() {
        Map<String, String> p = pairs;
        if (p == null) {
            p = parsePairs(keys == null ? "" : keys.orElse(""));
            pairs = p;
        }
        return p;
    }

    /** LiveKit's URL for its room service; empty when reconciliation is off. */
    public Optional<String> url() {
        return url == null ? Optional.empty() : url.map(String::strip).filter(u -> !u.isEmpty());
    }

    /** What separates the Roomkeeper room from the channel in a LiveKit room's name (1 to 8 characters). */
    public String separator() {
        String s = separator == null ? "" : separator;
        if (s.isEmpty() || s.length() > 8 || s.contains("\n")) {
            LOG.warning(() -> "roomkeeper.livekit.channel-separator=" + separator + " is not 1 to 8 characters; using -");
            return "-";
        }
        return s;
    }

    public int maxBodyBytes() {
        return bounded("roomkeeper.livekit.max-body-bytes", maxBody, 262_144, 4096, 4 * 1024 * 1024);
    }

    /** Deliveries a second from one source address. */
    public int rateLimit() {
        return bounded("roomkeeper.livekit.rate-limit", rateLimit, 2000, 1, 100_000);
    }

    /** How long one call to LiveKit may take (PT0.1S to PT30S). */
    public Duration timeout() {
        return duration("roomkeeper.livekit.timeout", timeout, Duration.ofSeconds(2), Duration.ofMillis(100),
                Duration.ofSeconds(30));
    }

    /** How often each node reconciles the cached channels with LiveKit (PT10S to PT1H). */
    public Duration reconcileInterval() {
        return duration("roomkeeper.livekit.reconcile-interval", reconcileInterval, Duration.ofMinutes(1),
                Duration.ofSeconds(10), Duration.ofHours(1));
    }

    /** How long a present participant is kept without any news of it (PT1M to P7D). */
    public Duration ttl() {
        return duration("roomkeeper.participants.ttl", ttl, Duration.ofHours(6), Duration.ofMinutes(1), Duration.ofDays(7));
    }

    /** How long a session that left is remembered, against late deliveries (PT1M to PT24H). */
    public Duration leftTtl() {
        return duration("roomkeeper.participants.left-ttl", leftTtl, Duration.ofMinutes(15), Duration.ofMinutes(1),
                Duration.ofHours(24));
    }

    /** How long a channel's finished room sessions are remembered (PT1H to P30D). */
    public Duration channelTtl() {
        return duration("roomkeeper.participants.channel-ttl", channelTtl, Duration.ofHours(24), Duration.ofHours(1),
                Duration.ofDays(30));
    }

    /** How old a channel's last reconciliation may be before a read asks LiveKit again (PT10S to PT24H). */
    public Duration maxAge() {
        return duration("roomkeeper.participants.max-age", maxAge, Duration.ofMinutes(5), Duration.ofSeconds(10),
                Duration.ofHours(24));
    }

    /** The limits of a room's {@code participants} space: keys (sessions, tombstones, channels) and value size. */
    public KeyedLimits limits() {
        KeyedLimits l = limits;
        if (l == null) {
            int keysLimit = bounded("roomkeeper.participants.max-keys", maxKeys, 20_000, 100, 1_000_000);
            int valueLimit = bounded("roomkeeper.participants.max-value-bytes", maxValueBytes, 65_536, 1024, 1024 * 1024);
            l = new KeyedLimits(keysLimit, (long) keysLimit * valueLimit, valueLimit);
            limits = l;
        }
        return l;
    }

    /** {@code key:secret[,key:secret...]}; blank entries are skipped, malformed ones logged and skipped. */
    static Map<String, String> parsePairs(String text) {
        Map<String, String> parsed = new LinkedHashMap<>();
        for (String entry : text.split(",")) {
            String pair = entry.strip();
            if (pair.isEmpty()) {
                continue;
            }
            int colon = pair.indexOf(':');
            if (colon <= 0 || colon == pair.length() - 1) {
                // never log the entry: it may hold a secret
                LOG.warning("roomkeeper.livekit.keys has an entry that is not key:secret; it is ignored");
                continue;
            }
            parsed.putIfAbsent(pair.substring(0, colon).strip(), pair.substring(colon + 1).strip());
        }
        return Collections.unmodifiableMap(parsed);
    }

    static int bounded(String name, String value, int fallback, int min, int max) {
        try {
            int parsed = Integer.parseInt(value == null ? "" : value.strip());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // logged below
        }
        LOG.warning(() -> name + "=" + value + " is not a whole number from " + min + " to " + max + "; using " + fallback);
        return fallback;
    }

    static Duration duration(String name, String value, Duration fallback, Duration min, Duration max) {
        try {
            Duration parsed = Duration.parse(value == null ? "" : value.strip());
            if (parsed.compareTo(min) >= 0 && parsed.compareTo(max) <= 0) {
                return parsed;
            }
        } catch (DateTimeParseException e) {
            // logged below
        }
        LOG.warning(() -> name + "=" + value + " is not an ISO-8601 duration from " + min + " to " + max + "; using "
                + fallback);
        return fallback;
    }
}
