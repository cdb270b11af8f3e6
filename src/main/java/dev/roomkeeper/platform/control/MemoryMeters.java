package dev.roomkeeper.platform.control;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/** Counters held in memory and gauges ignored: what {@link Meters} falls back to, and what tests read. */
final class MemoryMeters implements Meters.Backend {

    private final Map<String, Meters.Counter> counters = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public Meters.Counter counter(String name, String... tags) {
        return counters.computeIfAbsent(name + (tags.length == 0 ? "" : String.join(",", tags)), key -> new Count());
    }

    @Override
    public <T> void gauge(String name, T source, ToDoubleFunction<T> value) {
        // nothing collects gauges here
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
