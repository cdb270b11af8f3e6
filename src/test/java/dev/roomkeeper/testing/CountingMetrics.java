package dev.roomkeeper.testing;

import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * A {@link MetricRegistry} for unit tests: counters that count, gauges that can be read, by name (tags
 * appended as {@code name{k=v,...}}). Anything else it is asked for throws.
 */
public final class CountingMetrics {

    private final Map<String, CountingCounter> counters = new ConcurrentHashMap<>();
    private final Map<String, Supplier<Number>> gauges = new ConcurrentHashMap<>();
    private final MetricRegistry registry;

    public CountingMetrics() {
        registry = (MetricRegistry) Proxy.newProxyInstance(CountingMetrics.class.getClassLoader(),
                new Class<?>[]{MetricRegistry.class}, (proxy, method, args) -> {
                    if (method.getName().equals("counter") && args[0] instanceof String name) {
                        Tag[] tags = args.length > 1 && args[1] instanceof Tag[] t ? t : new Tag[0];
                        return counters.computeIfAbsent(key(name, tags), n -> new CountingCounter());
                    }
                    if (method.getName().equals("gauge") && args.length >= 3 && args[0] instanceof String name
                            && args[2] instanceof Function<?, ?> read) {
                        Object source = args[1];
                        @SuppressWarnings("unchecked")
                        Function<Object, Number> f = (Function<Object, Number>) read;
                        gauges.put(name, () -> f.apply(source));
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    public MetricRegistry registry() {
        return registry;
    }

    /** A counter's count; 0 when it was never asked for. */
    public long count(String name, Tag... tags) {
        CountingCounter counter = counters.get(key(name, tags));
        return counter == null ? 0 : counter.count.get();
    }

    /** A gauge's current value. */
    public double gauge(String name) {
        Supplier<Number> gauge = gauges.get(name);
        if (gauge == null) {
            throw new AssertionError("no gauge " + name + "; gauges: " + gauges.keySet());
        }
        return gauge.get().doubleValue();
    }

    private static String key(String name, Tag... tags) {
        if (tags.length == 0) {
            return name;
        }
        Map<String, String> sorted = new TreeMap<>();
        Arrays.stream(tags).forEach(t -> sorted.put(t.getTagName(), t.getTagValue()));
        return name + sorted.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(",", "{", "}"));
    }

    private static final class CountingCounter implements Counter {
        final AtomicLong count = new AtomicLong();

        @Override
        public void inc() {
            count.incrementAndGet();
        }

        @Override
        public void inc(long n) {
            count.addAndGet(n);
        }

        @Override
        public long getCount() {
            return count.get();
        }
    }
}
