package dev.roomkeeper.bench;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the clients count and time, shared by all of them. Times are nanoseconds since the harness
 * started ({@link #now()}), so stamps carried in frames are never negative.
 */
final class LoadStats {

    private final long origin = System.nanoTime();

    /** Socket opened until its first presence.join was acknowledged. */
    final Latency connect = new Latency();
    /** presence.join sent until a peer in the room received the presence.join event. */
    final Latency joinDelivery = new Latency();
    /** presence.join sent until its ack came back to the joiner. */
    final Latency joinAck = new Latency();
    /** publish sent until a subscriber of the room received the message event. */
    final Latency fanout = new Latency();

    final LongAdder heartbeats = new LongAdder();
    final LongAdder joins = new LongAdder();
    final LongAdder publishes = new LongAdder();
    final LongAdder publishAcks = new LongAdder();
    final LongAdder framesIn = new LongAdder();
    final LongAdder sendFailures = new LongAdder();
    final LongAdder connectFailures = new LongAdder();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> closes = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> events = new ConcurrentHashMap<>();
    /** sessions announced as ended with reason {@code expired}: every session of the harness heartbeats */
    private final Set<String> expiredSessions = ConcurrentHashMap.newKeySet();
    /** session id of a cycling join → when it was sent and by whom */
    private final Map<String, JoinStamp> joinStamps = new ConcurrentHashMap<>();

    record JoinStamp(int joiner, long sentAt) {
    }

    long now() {
        return System.nanoTime() - origin;
    }

    void stampJoin(String sessionId, int joiner, long sentAt) {
        joins.increment();
        joinStamps.put(sessionId, new JoinStamp(joiner, sentAt));
    }

    /** A presence.join event for {@code sessionId} reached client {@code receiver}. */
    void joinSeen(String sessionId, int receiver, long receivedAt) {
        JoinStamp stamp = sessionId == null ? null : joinStamps.get(sessionId);
        if (stamp != null && stamp.joiner() != receiver) {
            joinDelivery.recordNanos(receivedAt - stamp.sentAt());
        }
    }

    /** A presence.leave event said that {@code sessionId} ended because its heartbeats stopped. */
    void expiredSeen(String sessionId) {
        expiredSessions.add(sessionId == null ? "?" : sessionId);
    }

    /** Distinct sessions announced as expired so far. */
    int expiredSessions() {
        return expiredSessions.size();
    }

    /** Drops the stamps of a finished phase; events for them arriving later are not measured. */
    void forgetJoins() {
        joinStamps.clear();
    }

    void event(String type) {
        count(events, type == null ? "?" : type);
    }

    void error(String code) {
        count(errors, code == null ? "?" : code);
    }

    void closed(String reason) {
        count(closes, reason);
    }

    Map<String, Long> errors() {
        return snapshot(errors);
    }

    Map<String, Long> closes() {
        return snapshot(closes);
    }

    Map<String, Long> events() {
        return snapshot(events);
    }

    private static void count(Map<String, LongAdder> counters, String key) {
        counters.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> counters) {
        Map<String, Long> copy = new TreeMap<>();
        counters.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }
}
