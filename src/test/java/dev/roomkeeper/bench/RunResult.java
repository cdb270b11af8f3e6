package dev.roomkeeper.bench;

import org.HdrHistogram.Histogram;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What one run of the harness against one target measured, for the side-by-side table. Readings that
 * failed are -1.
 *
 * @param windows         the measured windows: the join phase and the fan-out phase, or the combined one
 * @param maxHeapBytes    Roomkeeper's heap used, highest sampled (-1 for the reference server: no JVM)
 * @param maxRssKb        the server's VmRSS, highest sampled
 * @param peakRssKb       the server's VmHWM at the end
 * @param expiredSessions distinct sessions announced as expired until the measuring ended (before the server was
 *                        stopped), when every session was heartbeating
 * @param summary         the run's plain-text summary
 */
record RunResult(Target target, int round, int connections, int joined, List<Window> windows, long maxHeapBytes,
                 long maxRssKb, long peakRssKb, long expiredSessions, long presenceExpiredErrors, long errors,
                 long closes, double loadBefore, double loadAfter, Path summary) {

    Optional<Window> window(String name) {
        return windows.stream().filter(w -> w.name().equals(name)).findFirst();
    }

    /**
     * One measured window: publish → receive and join → presence latencies (null when not measured in it)
     * with the deliveries the ready members should have received, and the CPU both processes used.
     *
     * @param publishesSent    publishes the client sent in the window (fewer than asked when sockets were not ready)
 * @param joinsSent        leave+join cycles sent (a socket whose previous join is not acknowledged yet is skipped)
 * @param seconds          how long actions were sent
     * @param wallSeconds      between the CPU readings: the window plus the drain after it
     * @param serverCpuSeconds the server's user + system CPU between the readings, or -1
     * @param harnessCpuSeconds the harness's CPU between the same readings, or -1
     * @param heartbeats       heartbeats sent during the window
     */
    record Window(String name, long publishesSent, Histogram publish, long publishExpected, long joinsSent, Histogram join,
                  long joinExpected, double seconds, double wallSeconds, double serverCpuSeconds, double harnessCpuSeconds,
                  long heartbeats) {

        /** Deliveries measured: messages and presence.join events received. */
        long deliveries() {
            return (publish == null ? 0 : publish.getTotalCount()) + (join == null ? 0 : join.getTotalCount());
        }

        /** Server CPU per 1,000 measured deliveries, in ms, or -1. */
        double serverCpuMsPerThousand() {
            return serverCpuSeconds < 0 || deliveries() == 0 ? -1 : serverCpuSeconds * 1e6 / deliveries();
        }

        /** Server CPU over the window, in % of one core, or -1. */
        double serverCpuPercent() {
            return serverCpuSeconds < 0 || wallSeconds <= 0 ? -1 : 100 * serverCpuSeconds / wallSeconds;
        }

        double harnessCpuPercent() {
            return harnessCpuSeconds < 0 || wallSeconds <= 0 ? -1 : 100 * harnessCpuSeconds / wallSeconds;
        }
    }
}
