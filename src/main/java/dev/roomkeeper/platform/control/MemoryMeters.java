package dev.roomkeeper.platform.control;

import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.function.ToDoubleFunction;

/** Counters and gauges held in memory: what {@link Meters} falls back to, and what tests read. */
final class MemoryMeters implements Meters.Backend {

    private final Map<String, Meters.Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, DoubleSupplier> gauges = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public Meters.Counter counter(String name, String... tags) {
        return counters.computeIfAbsent(key(name, tags), key -> new Count());
    }

    @Override
    public <T> void gauge(String name, String[] tags, T source, ToDoubleFunction<T> value) {
        gauges.put(key(name, tags), () -> value.applyAsDouble(source));
    }

    /** The gauge's reading now, or NaN when no gauge has that name and tags. */
    double read(String name, String... tags) {
        DoubleSupplier gauge = gauges.get(key(name, tags));
        return gauge == null ? Double.NaN : gauge.getAsDouble();
    }

    /** {@code name{key=value,...}}, tags in the order given. */
    private static String key(String name, String[] tags) {
        StringJoiner key = new StringJoiner(",", name + "{", "}");
        for (int i = 0; i < tags.length; i += 2) {
            key.add(tags[i] + "=" + tags[i + 1]);
        }
        return key.toString();
    }

    private static final class Count implements Meters.Counter {
        private final AtomicLong count = new AtomicLong();

        @Override
        public void inc() {
            count.incrementAndGet();
        }

        @Override
        public void inc(long n) {
            count.addAndGet(n);
        }

        @Override
        public long count() {
            return count.get();
        }
    }
}
