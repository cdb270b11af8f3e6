package dev.roomkeeper.roomstate.control;

import dev.roomkeeper.keyed.entity.KeyedLimits;
import dev.roomkeeper.platform.entity.WholeNumber;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.OptionalLong;
import java.util.logging.Logger;

/**
 * The quotas of a room's state, read once at boot within bounds: {@code roomkeeper.state.max-keys} (100, 1 to
 * 10,000), {@code roomkeeper.state.max-bytes} (65,536, 1,024 to 16 MiB) and {@code roomkeeper.state.max-value-bytes}
 * (1,024, 16 to 1 MiB, and at most max-bytes). A value that is not a whole number within its bounds is logged and
 * replaced by the default, so a typo never stops deployment.
 */
@ApplicationScoped
public class StateSettings {

    private static final Logger LOG = Logger.getLogger(StateSettings.class.getName());

    public static final int DEFAULT_MAX_KEYS = 100;
    public static final long DEFAULT_MAX_BYTES = 65_536;
    public static final int DEFAULT_MAX_VALUE_BYTES = 1_024;

    @Inject
    @ConfigProperty(name = "roomkeeper.state.max-keys", defaultValue = "" + DEFAULT_MAX_KEYS)
    String maxKeys;

    @Inject
    @ConfigProperty(name = "roomkeeper.state.max-bytes", defaultValue = "" + DEFAULT_MAX_BYTES)
    String maxBytes;

    @Inject
    @ConfigProperty(name = "roomkeeper.state.max-value-bytes", defaultValue = "" + DEFAULT_MAX_VALUE_BYTES)
    String maxValueBytes;

    private KeyedLimits limits;

    /** Reads the settings when the application starts, so a bad one is reported at boot. */
    void boot(@Observes @Initialized(ApplicationScoped.class) Object started) {
        limits();
    }

    @PostConstruct
    void read() {
        limits = read(maxKeys, maxBytes, maxValueBytes, LOG::warning);
    }

    /** The limits of every room's state. */
    public KeyedLimits limits() {
        return limits;
    }

    /** The limits the three settings give, each out-of-bounds one reported through {@code warn} and defaulted. */
    static KeyedLimits read(String keys, String bytes, String valueBytes, java.util.function.Consumer<String> warn) {
        long k = bounded("roomkeeper.state.max-keys", keys, 1, 10_000, DEFAULT_MAX_KEYS, warn);
        long b = bounded("roomkeeper.state.max-bytes", bytes, 1_024, 16L * 1024 * 1024, DEFAULT_MAX_BYTES, warn);
        long v = bounded("roomkeeper.state.max-value-bytes", valueBytes, 16, 1024 * 1024, DEFAULT_MAX_VALUE_BYTES, warn);
        if (v > b) {
            warn.accept("roomkeeper.state.max-value-bytes=" + v + " is more than roomkeeper.state.max-bytes=" + b
                    + "; using " + b);
            v = b;
        }
        return new KeyedLimits((int) k, b, (int) v);
    }

    private static long bounded(String key, String value, long min, long max, long fallback,
                                java.util.function.Consumer<String> warn) {
        String given = value == null ? "" : value.strip();
        OptionalLong parsed = WholeNumber.parse(given, min, max);
        if (parsed.isPresent()) {
            return parsed.getAsLong();
        }
        warn.accept(key + "=" + given + " is not a whole number from " + min + " to " + max + "; using " + fallback);
        return fallback;
    }
}
