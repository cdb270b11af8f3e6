package dev.roomkeeper.platform.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.logging.Logger;

/**
 * The application's counters and gauges, recorded through whichever metrics API the server offers:
 * <ul>
 *     <li>MicroProfile Metrics (Payara), exported at {@code /metrics};</li>
 *     <li>Micrometer (WildFly, which no longer ships MicroProfile Metrics), exported by its
 *     {@code micrometer} subsystem;</li>
 *     <li>neither: kept in memory only, so the application still deploys (and a warning says so).</li>
 * </ul>
 * Names are dotted ({@code roomkeeper.events.published}) and tags are key/value pairs; both exporters turn
 * them into the same Prometheus names ({@code roomkeeper_events_published_total{type="..."}}).
 * Features inject this bean instead of an API type, so the WAR loads on servers that lack one of them.
 */
@ApplicationScoped
public class Meters {

    private static final Logger LOG = Logger.getLogger(Meters.class.getName());
    private static final String MICROPROFILE = "org.eclipse.microprofile.metrics.MetricRegistry";
    private static final String MICROMETER = "io.micrometer.core.instrument.MeterRegistry";

    /** A monotonic count. */
    public interface Counter {
        void inc();

        void inc(long n);

        long count();
    }

    /** What a metrics API has to offer this application. */
    interface Backend {
        String name();

        Counter counter(String name, String... tags);

        <T> void gauge(String name, String[] tags, T source, ToDoubleFunction<T> value);
    }

    @Inject
    Instance<Object> beans;

    private Backend backend;

    /** For CDI. */
    public Meters() {
    }

    private Meters(Backend backend) {
        this.backend = backend;
    }

    /** Meters that only count in memory: for tests, and for servers without a metrics API. */
    public static Meters inMemory() {
        return new Meters(new MemoryMeters());
    }

    @PostConstruct
    void connect() {
        Backend found = null;
        // each backend class is loaded only when its API is there, so a missing one never breaks deployment
        if (available(MICROPROFILE)) {
            found = MicroProfileMeters.lookup(beans);
        }
        if (found == null && available(MICROMETER)) {
            found = MicrometerMeters.lookup(beans);
        }
        if (found == null) {
            LOG.warning("neither MicroProfile Metrics nor Micrometer is available: metrics are kept in memory only"
                    + " (on WildFly, add the micrometer subsystem: server-config/wildfly/configure.cli)");
            found = new MemoryMeters();
        }
        backend = found;
        LOG.info(() -> "application metrics recorded with " + backend.name());
    }

    /** The counter {@code name} with the given tags ({@code key, value, key, value, ...}), made on first use. */
    public Counter counter(String name, String... tags) {
        return backend.counter(name, pairs(tags));
    }

    /**
     * Registers a gauge that reads {@code value} from {@code source} whenever metrics are collected, with the
     * given tags ({@code key, value, ...}). Register each name and tags once: a second registration may keep
     * reading the first source. Micrometer holds the source weakly: it must be a field of a long-lived bean.
     */
    public <T> void gauge(String name, T source, ToDoubleFunction<T> value, String... tags) {
        backend.gauge(name, pairs(tags), source, value);
    }

    /**
     * A gauge's reading now, where this bean can read it back: only for {@link #inMemory()} meters (tests);
     * NaN otherwise, or when no gauge has that name and tags.
     */
    public double gauge(String name, String... tags) {
        return backend instanceof MemoryMeters memory ? memory.read(name, pairs(tags)) : Double.NaN;
    }

    /** Which API records the metrics: {@code microprofile-metrics}, {@code micrometer} or {@code memory}. */
    public String backend() {
        return backend.name();
    }

    private static String[] pairs(String[] tags) {
        if (tags.length % 2 != 0) {
            throw new IllegalArgumentException("tags come in key/value pairs: " + String.join(",", tags));
        }
        return tags;
    }

    private static boolean available(String className) {
        try {
            Class.forName(className, false, Meters.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Boxes a gauge's reading for APIs that want a {@code Number}. */
    static <T> Function<T, Double> boxed(ToDoubleFunction<T> value) {
        return source -> value.applyAsDouble(source);
    }
}
