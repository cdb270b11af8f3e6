package dev.roomkeeper.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ServerProbeTest {

    private static final String METRICS = """
            # TYPE memory_usedHeap_bytes gauge
            memory_usedHeap_bytes{mp_scope="base"} 2.5E8
            gc_total{mp_scope="base",name="G1 Young Generation"} 63.0
            gc_total{mp_scope="base",name="G1 Old Generation"} 2.0
            roomkeeper_ws_connections{mp_scope="application"} 1000
            memory_usedHeap_bytes{mp_scope="base"} 2.6E8
            """;

    @Test
    void sumsTheSeriesOfAMetricAndCountsARepeatedSeriesOnce() {
        assertEquals(2.5E8, ServerProbe.sum(METRICS, "memory_usedHeap_bytes", "base_memory_usedHeap_bytes"));
        assertEquals(65.0, ServerProbe.sum(METRICS, "gc_total"));
        assertEquals(1000, ServerProbe.sum(METRICS, "roomkeeper_ws_connections"));
    }

    @Test
    void anAbsentMetricIsMinusOneNotZero() {
        assertEquals(-1, ServerProbe.sum(METRICS, "memory_maxHeap_bytes"));
    }

    @Test
    void readsThisProcesssResidentMemory() {
        long rss = ServerProbe.statusKb(ProcessHandle.current().pid(), "VmRSS:").orElse(-1);
        assertEquals(true, rss > 0, "VmRSS " + rss);
    }
}
