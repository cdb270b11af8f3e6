package dev.roomkeeper.bench;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The side-by-side table of {@code --target both} (src/docs/benchmarks.md, "Comparison with a Node ws server"):
 * one column per target, every run's figure in round order, the median when there were several rounds, and
 * Roomkeeper's median over the reference server's.
 */
final class Comparison {

    private static final double MIB_KB = 1024.0;

    private Comparison() {
    }

    static String render(List<RunResult> results, LoadOptions options, String args, String stamp) {
        List<Target> targets = results.stream().map(RunResult::target).distinct().toList();
        boolean ratio = targets.contains(Target.ROOMKEEPER) && targets.contains(Target.NODE);
        StringBuilder out = new StringBuilder();
        out.append("# ").append(String.join(" and ", targets.stream().map(Target::title).toList()))
                .append(", side by side (").append(stamp).append(")\n\n");
        out.append("- command: `mvn -q -Pbench exec:java -Dexec.args=\"").append(args).append("\"`\n");
        out.append(String.format(Locale.ROOT, "- machine: %d cores, %s %s; the load client on the same machine%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.runtime.version")));
        out.append("- scenario: ").append(scenario(options)).append('\n');
        out.append("- runs, in order:");
        for (RunResult r : results) {
            out.append(String.format(Locale.ROOT, " %s #%d (load %.2f → %.2f, `%s`);", r.target().title(), r.round(),
                    r.loadBefore(), r.loadAfter(), r.summary()));
        }
        out.setLength(out.length() - 1);
        out.append("\n\n");
        out.append("| ").append(options.connections()).append(" sockets |");
        targets.forEach(t -> out.append(' ').append(t.title()).append(" |"));
        out.append(ratio ? " ratio (Roomkeeper / Node ws) |\n" : "\n");
        out.append("|---|").append("---|".repeat(targets.size())).append(ratio ? "---|\n" : "\n");
        Table table = new Table(out, results, targets, ratio);
        Set<String> windows = new LinkedHashSet<>();
        results.forEach(r -> r.windows().forEach(w -> windows.add(w.name())));
        for (String name : windows) {
            table.heading(name);
            Function<RunResult, RunResult.Window> w = r -> r.window(name).orElse(null);
            boolean publishes = results.stream().anyMatch(r -> w.apply(r) != null && w.apply(r).publish() != null);
            boolean joins = results.stream().anyMatch(r -> w.apply(r) != null && w.apply(r).join() != null);
            if (publishes) {
                table.row(String.format(Locale.ROOT, "publishes sent/s (%.0f asked)", options.fanoutRate()), "%.1f", false,
                        r -> of(w.apply(r), x -> x.publish() == null ? -1 : x.publishesSent() / x.seconds()));
                table.row("publish → receive: deliveries/s", "%.0f", true,
                        r -> of(w.apply(r), x -> x.publish() == null ? -1 : x.publish().getTotalCount() / x.seconds()));
                table.row("  received of expected (%)", "%.1f", false,
                        r -> of(w.apply(r), x -> percentOf(x.publish(), x.publishExpected())));
                latencyRows(table, "publish → receive", r -> w.apply(r) == null ? null : w.apply(r).publish());
            }
            if (joins) {
                table.row(String.format(Locale.ROOT, "leave+joins sent/s (%.0f asked)", options.joinRate()), "%.1f", false,
                        r -> of(w.apply(r), x -> x.join() == null ? -1 : x.joinsSent() / x.seconds()));
                table.row("join → presence: deliveries/s", "%.0f", true,
                        r -> of(w.apply(r), x -> x.join() == null ? -1 : x.join().getTotalCount() / x.seconds()));
                table.row("  received of expected (%)", "%.1f", false,
                        r -> of(w.apply(r), x -> percentOf(x.join(), x.joinExpected())));
                latencyRows(table, "join → presence", r -> w.apply(r) == null ? null : w.apply(r).join());
            }
            table.row("server CPU per 1,000 deliveries (ms)", "%.1f", true, r -> of(w.apply(r), RunResult.Window::serverCpuMsPerThousand));
            table.row("server CPU (% of one core)", "%.0f", true, r -> of(w.apply(r), RunResult.Window::serverCpuPercent));
            table.row("harness CPU (% of one core)", "%.0f", true, r -> of(w.apply(r), RunResult.Window::harnessCpuPercent));
            table.row("heartbeats sent/s", "%.0f", false, r -> of(w.apply(r), x -> x.heartbeats() / x.seconds()));
        }
        table.heading("whole run");
        table.row("sockets joined", "%.0f", false, r -> r.joined());
        table.row("sessions expired while heartbeating", "%.0f", false, r -> r.expiredSessions());
        table.row("presence-expired errors", "%.0f", false, r -> r.presenceExpiredErrors());
        table.row("server RSS, highest sampled (MiB)", "%.0f", true, r -> r.maxRssKb() < 0 ? -1 : r.maxRssKb() / MIB_KB);
        table.row("server RSS peak, VmHWM (MiB)", "%.0f", true, r -> r.peakRssKb() < 0 ? -1 : r.peakRssKb() / MIB_KB);
        table.row("server heap used, highest sampled (MiB)", "%.0f", false,
                r -> r.maxHeapBytes() < 0 ? -1 : r.maxHeapBytes() / MIB_KB / MIB_KB);
        table.row("errors / closes received", "%.0f", false, r -> r.errors() + r.closes());
        table.row("load average before", "%.2f", false, RunResult::loadBefore);
        table.row("load average after", "%.2f", false, RunResult::loadAfter);
        out.append("\nCPU is the server process's user + system time from /proc/<pid>/stat between two readings around the "
                + "measured window (the window plus a 3 s drain), per 1,000 deliveries measured (messages and presence.join "
                + "events received) and as % of one core over the same time. Latencies are HdrHistogram percentiles of "
                + "receive time − send time on the harness's clock. With several rounds a cell lists every run, then the "
                + "median; the ratio is of the medians. — : not measured (the reference server has no JVM heap).\n");
        return out.toString();
    }

    private static String scenario(LoadOptions o) {
        String rooms = String.format(Locale.ROOT, "%d sockets in rooms of %d, every socket in presence with a heartbeat every %d s",
                o.connections(), o.roomSize(), o.heartbeat().toSeconds());
        String window = String.format(Locale.ROOT, "%d s measured after %d s of warm-up", o.duration().toSeconds(), o.warmup().toSeconds());
        if (o.scenario() == Scenario.COMBINED) {
            return String.format(Locale.ROOT, "combined: %s; %.0f publishes/s (%.0f deliveries/s) and %.0f leave+joins/s at the same time; %s",
                    rooms, o.fanoutRate(), o.fanoutRate() * o.roomSize(), o.joinRate(), window);
        }
        return String.format(Locale.ROOT, "separate: %s; a join phase at %.0f leave+joins/s, then a fan-out phase at %.0f publishes/s "
                + "(%.0f deliveries/s); %s each", rooms, o.joinRate(), o.fanoutRate(), o.fanoutRate() * o.roomSize(), window);
    }

    private static void latencyRows(Table table, String what, Function<RunResult, Histogram> histogram) {
        for (double percentile : new double[] {50, 99, 99.9}) {
            table.row(String.format(Locale.ROOT, "%s p%s (ms)", what, percentile == 99.9 ? "99.9" : String.valueOf((int) percentile)),
                    "%.1f", true, r -> {
                        Histogram h = histogram.apply(r);
                        return h == null || h.getTotalCount() == 0 ? -1 : h.getValueAtPercentile(percentile) / 1000.0;
                    });
        }
    }

    private static double of(RunResult.Window window, ToDoubleFunction<RunResult.Window> value) {
        return window == null ? -1 : value.applyAsDouble(window);
    }

    private static double percentOf(Histogram received, long expected) {
        return received == null || expected <= 0 ? -1 : 100.0 * received.getTotalCount() / expected;
    }

    /** The median of the known values (NaN when none is known). */
    static double median(double... values) {
        double[] known = Arrays.stream(values).filter(v -> v >= 0).sorted().toArray();
        if (known.length == 0) {
            return Double.NaN;
        }
        int mid = known.length / 2;
        return known.length % 2 == 1 ? known[mid] : (known[mid - 1] + known[mid]) / 2;
    }

    /** Roomkeeper's median over the reference server's, {@code 2.31×}; "—" when either is unknown or zero. */
    static String ratio(double roomkeeper, double node) {
        if (Double.isNaN(roomkeeper) || Double.isNaN(node) || node == 0) {
            return "—";
        }
        return String.format(Locale.ROOT, "%.2f×", roomkeeper / node);
    }

    /** Writes rows; a value below zero is unknown. */
    private record Table(StringBuilder out, List<RunResult> results, List<Target> targets, boolean withRatios) {

        void heading(String name) {
            out.append("| **").append(name).append("** |").append(" |".repeat(targets.size())).append(withRatios ? " |\n" : "\n");
        }

        void row(String label, String format, boolean withRatio, ToDoubleFunction<RunResult> value) {
            out.append("| ").append(label).append(" |");
            List<Double> medians = new ArrayList<>();
            for (Target target : targets) {
                double[] values = results.stream().filter(r -> r.target() == target).mapToDouble(value).toArray();
                double median = median(values);
                medians.add(median);
                out.append(' ').append(cell(values, median, format)).append(" |");
            }
            if (withRatios) {
                out.append(' ').append(withRatio ? Comparison.ratio(medians.get(0), medians.get(1)) : "").append(" |");
            }
            out.append('\n');
        }

        private static String cell(double[] values, double median, String format) {
            List<String> shown = new ArrayList<>();
            for (double v : values) {
                shown.add(v < 0 || Double.isNaN(v) ? "—" : String.format(Locale.ROOT, format, v));
            }
            String all = String.join(", ", shown);
            if (values.length > 1 && !Double.isNaN(median)) {
                all += " (median " + String.format(Locale.ROOT, format, median) + ")";
            }
            return all;
        }
    }
}
