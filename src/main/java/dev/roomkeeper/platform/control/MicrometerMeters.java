package dev.roomkeeper.platform.control;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.enterprise.inject.Instance;

import java.util.function.ToDoubleFunction;

/**
 * {@link Meters} on Micrometer (WildFly's {@code micrometer} subsystem injects a {@link MeterRegistry}).
 * Loaded only where that API exists.
 */
final class MicrometerMeters implements Meters.Backend {

    private final MeterRegistry registry;

    private MicrometerMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The server's registry, or null when the API is visible but nothing produces a registry. */
    static Meters.Backend lookup(Instance<Object> beans) {
        Instance<MeterRegistry> found = beans.select(MeterRegistry.class);
        return found.isResolvable() ? new MicrometerMeters(found.get()) : null;
    }

    @Override
    public String name() {
        return "micrometer";
    }

    @Override
    public Meters.Counter counter(String name, String... tags) {
        io.micrometer.core.instrument.Counter counter = registry.counter(name, Tags.of(tags));
        return new Meters.Counter() {
            @Override
            public void inc() {
                counter.increment();
            }

            @Override
            public void inc(long n) {
                counter.increment(n);
            }

            @Override
            public long count() {
                return (long) counter.count();
            }
        };
    }

    @Override
    public <T> void gauge(String name, String[] tags, T source, ToDoubleFunction<T> value) {
        // through the registry's own gauge method: WildFly's per-deployment registry forwards that one to its
        // exporters, but keeps meters made with Gauge.builder(...).register(...) to itself. Micrometer holds
        // the source weakly; every source here is a field of an application-scoped bean.
        registry.gauge(name, Tags.of(tags), source, value);
    }
}
