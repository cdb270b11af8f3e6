package dev.roomkeeper.platform.control;

import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.util.AnnotationLiteral;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

import java.util.function.ToDoubleFunction;

/** {@link Meters} on MicroProfile Metrics' application registry (Payara). Loaded only where that API exists. */
final class MicroProfileMeters implements Meters.Backend {

    private final MetricRegistry registry;

    private MicroProfileMeters(MetricRegistry registry) {
        this.registry = registry;
    }

    /** The application registry, or null when the server has the API but no registry bean. */
    static Meters.Backend lookup(Instance<Object> beans) {
        Instance<MetricRegistry> found = beans.select(MetricRegistry.class, new ApplicationRegistry());
        return found.isResolvable() ? new MicroProfileMeters(found.get()) : null;
    }

    @Override
    public String name() {
        return "microprofile-metrics";
    }

    @Override
    public Meters.Counter counter(String name, String... tags) {
        org.eclipse.microprofile.metrics.Counter counter = registry.counter(name, tags(tags));
        return new Meters.Counter() {
            @Override
            public void inc() {
                counter.inc();
            }

            @Override
            public void inc(long n) {
                counter.inc(n);
            }

            @Override
            public long count() {
                return counter.getCount();
            }
        };
    }

    @Override
    public <T> void gauge(String name, String[] tags, T source, ToDoubleFunction<T> value) {
        registry.gauge(name, source, Meters.boxed(value), tags(tags));
    }

    private static Tag[] tags(String... pairs) {
        Tag[] tags = new Tag[pairs.length / 2];
        for (int i = 0; i < tags.length; i++) {
            tags[i] = new Tag(pairs[2 * i], pairs[2 * i + 1]);
        }
        return tags;
    }

    @SuppressWarnings("all")
    private static final class ApplicationRegistry extends AnnotationLiteral<RegistryScope> implements RegistryScope {
        @Override
        public String scope() {
            return MetricRegistry.APPLICATION_SCOPE;
        }
    }
}
