package dev.roomkeeper.bench;

import dev.roomkeeper.testing.Api;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads how the server is doing: heap and its own counters from {@code /metrics} (Prometheus text), and
 * resident memory and CPU time of a process from {@code /proc}. Any reading that fails is reported as
 * missing (-1), never as zero.
 */
final class ServerProbe {

    /** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
    private static final double TICKS_PER_SECOND = 100.0;

    private final Api metrics;
    private final Long pid;

    /**
     * @param pid the server's process id, or null when the server runs elsewhere and is not ours to watch
     */
    ServerProbe(URI base, Long pid) {
        this.metrics = new Api(base, null);
        this.pid = pid;
    }

    /**
     * One reading; fields are -1 where unknown.
     *
     * @param cpuReadAt when {@code cpuSeconds} was read ({@link System#nanoTime()}), for CPU percentages
     */
    record Sample(long heapUsed, long heapMax, long rssKb, long peakRssKb, double cpuSeconds, long cpuReadAt,
                  long sockets, long gcCount, double gcSeconds) {

        /** CPU used between {@code earlier} and this sample, in percent of one core, or -1. */
        double cpuPercentSince(Sample earlier) {
            if (cpuSeconds < 0 || earlier.cpuSeconds < 0 || cpuReadAt <= earlier.cpuReadAt) {
                return -1;
            }
            return 100 * (cpuSeconds - earlier.cpuSeconds) / ((cpuReadAt - earlier.cpuReadAt) / 1e9);
        }
    }

    Sample sample() {
        // /proc first: the metrics request may take long on a busy server
        long rss = -1;
        long peak = -1;
        double cpu = -1;
        long cpuAt = System.nanoTime();
        if (pid != null) {
            rss = statusKb(pid, "VmRSS:").orElse(-1);
            peak = statusKb(pid, "VmHWM:").orElse(-1);
            cpu = cpuSeconds(pid);
        }
        long heapUsed = -1;
        long heapMax = -1;
        long sockets = -1;
        long gcCount = -1;
        double gcSeconds = -1;
        try {
            Api.Reply reply = metrics.text("/metrics");
            if (reply.status() == 200) {
                String text = reply.body();
                heapUsed = (long) sum(text, "memory_usedHeap_bytes", "base_memory_usedHeap_bytes");
                heapMax = (long) sum(text, "memory_maxHeap_bytes", "base_memory_maxHeap_bytes");
                sockets = (long) sum(text, "roomkeeper_ws_connections", "application_roomkeeper_ws_connections");
                gcCount = (long) sum(text, "gc_total", "base_gc_total");
                gcSeconds = sum(text, "gc_time_seconds_total", "base_gc_time_total_seconds", "base_gc_time_seconds_total");
            }
        } catch (RuntimeException e) {
            // the server may be too busy to answer in time; the sample says so with -1
        }
        return new Sample(heapUsed, heapMax, rss, peak, cpu, cpuAt, sockets, gcCount, gcSeconds);
    }

    /**
     * The sum of every series of a metric (a GC metric has one per collector), or -1 when absent. Series
     * are lines {@code name value} or {@code name{labels} value}; a series listed twice counts once.
     * MicroProfile Metrics 5 names base metrics without a scope prefix ({@code memory_usedHeap_bytes
     * {mp_scope="base"}}); older servers prefix them ({@code base_memory_usedHeap_bytes}): pass both.
     */
    static double sum(String prometheus, String... names) {
        Set<String> wanted = Set.of(names);
        Map<String, Double> series = new LinkedHashMap<>();
        for (String line : prometheus.split("\n")) {
            int space = line.lastIndexOf(' ');
            if (line.startsWith("#") || space <= 0) {
                continue;
            }
            String key = line.substring(0, space).trim();
            String name = key.indexOf('{') >= 0 ? key.substring(0, key.indexOf('{')) : key;
            if (!wanted.contains(name)) {
                continue;
            }
            try {
                series.putIfAbsent(key, Double.parseDouble(line.substring(space + 1).trim()));
            } catch (NumberFormatException e) {
                // not a sample line
            }
        }
        return series.isEmpty() ? -1 : series.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** A {@code /proc/<pid>/status} line such as {@code VmRSS:  123456 kB}, in kB. */
    static OptionalLong statusKb(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith(field)) {
                    String[] parts = line.substring(field.length()).trim().split("\\s+");
                    return OptionalLong.of(Long.parseLong(parts[0]));
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process is gone or /proc is not Linux's
        }
        return OptionalLong.empty();
    }

    /** User plus system CPU time of a process, in seconds, or -1. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // fields after the command name (which may contain spaces) start at field 3 (state)
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long utime = Long.parseLong(fields[11]);
            long stime = Long.parseLong(fields[12]);
            return (utime + stime) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The 1-minute load average of the machine, or -1. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
