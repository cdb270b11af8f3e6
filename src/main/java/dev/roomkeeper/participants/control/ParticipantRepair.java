package dev.roomkeeper.participants.control;

import dev.roomkeeper.participants.entity.Channel;
import dev.roomkeeper.participants.entity.Target;
import dev.roomkeeper.platform.control.Meters;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Repairs the cache from LiveKit's room service when webhooks were missed: each channel this node heard of
 * (webhooks, reads) periodically (the job {@code participants-reconcile}), and a channel a read finds missing from
 * the cache or not reconciled for {@code roomkeeper.participants.max-age}, in the background. Off when no LiveKit URL
 * is configured. Counts runs and corrections.
 */
@ApplicationScoped
public class ParticipantRepair {

    private static final Logger LOG = Logger.getLogger(ParticipantRepair.class.getName());
    static final int KNOWN_MAX = 10_000;

    @Inject
    ParticipantCache cache;

    @Inject
    LiveKitRooms livekit;

    @Inject
    ParticipantSettings settings;

    @Inject
    Meters metrics;

    @Resource
    ManagedExecutorService executor;

    /** The channels this node heard of, with their LiveKit room's name and when. */
    private final Map<Target, Known> known = new ConcurrentHashMap<>();
    private final Set<Target> running = ConcurrentHashMap.newKeySet();
    private Meters.Counter ok;
    private Meters.Counter unavailable;
    private Meters.Counter ended;
    private Meters.Counter applied;

    private record Known(String livekitRoom, long seenAt) {
    }

    @PostConstruct
    void init() {
        ok = metrics.counter("roomkeeper.participants.reconciles", "result", "ok");
        unavailable = metrics.counter("roomkeeper.participants.reconciles", "result", "unavailable");
        ended = metrics.counter("roomkeeper.participants.corrections", "kind", "left");
        applied = metrics.counter("roomkeeper.participants.corrections", "kind", "joined-or-updated");
    }

    public boolean enabled() {
        return livekit.enabled();
    }

    /** A channel this node ingested a webhook for. */
    public void seen(Target target, String livekitRoom) {
        if (!enabled()) {
            return;
        }
        if (known.size() >= KNOWN_MAX && !known.containsKey(target)) {
            forgetOldest();
        }
        known.put(target, new Known(livekitRoom, System.currentTimeMillis()));
    }

    /** After a read: a channel the cache missed, or one not reconciled for max-age, is reconciled in the background. */
    public void afterRead(String roomId, ParticipantCache.Members members, String channel) {
        if (!enabled() || channel == null) {
            return;
        }
        Target target = new Target(roomId, channel);
        Channel record = members.channels().stream().filter(c -> c.channel().equals(channel)).findFirst().orElse(null);
        String livekitRoom = record != null && !record.livekitRoom().isEmpty() ? record.livekitRoom()
                : known.containsKey(target) ? known.get(target).livekitRoom() : null;
        long age = System.currentTimeMillis() - (record == null ? 0 : record.syncedAt());
        if (livekitRoom == null || age < settings.maxAge().toMillis()) {
            return;
        }
        String name = livekitRoom;
        try {
            if (executor != null) {
                executor.execute(() -> reconcile(target, name));
            }
        } catch (RejectedExecutionException e) {
            // the next periodic run repairs it
        }
    }

    /** One run of the job: every channel heard of within the participants' ttl. */
    public int reconcileKnown() {
        long forgetBefore = System.currentTimeMillis() - settings.ttl().toMillis();
        known.entrySet().removeIf(e -> e.getValue().seenAt() < forgetBefore);
        int done = 0;
        for (Map.Entry<Target, Known> entry : new ArrayList<>(known.entrySet())) {
            if (reconcile(entry.getKey(), entry.getValue().livekitRoom())) {
                done++;
            }
        }
        return done;
    }

    /** Reconciles one channel now; false when LiveKit could not be asked. */
    public boolean reconcile(Target target, String livekitRoom) {
        if (!running.add(target)) {
            return true;
        }
        try {
            long listedAt = System.currentTimeMillis();
            LiveKitRooms.Listing listing = livekit.list(livekitRoom);
            if (listing.status() == LiveKitRooms.Status.UNAVAILABLE) {
                unavailable.inc();
                return false;
            }
            ParticipantCache.Corrections corrections = cache.reconcile(target, livekitRoom, listing.participants(),
                    listedAt);
            ok.inc();
            ended.inc(corrections.ended());
            applied.inc(corrections.applied());
            if (corrections.ended() + corrections.applied() > 0) {
                LOG.info(() -> "reconciled " + livekitRoom + " with LiveKit: " + corrections.ended() + " ended, "
                        + corrections.applied() + " joined or updated");
            }
            return true;
        } catch (RuntimeException e) {
            unavailable.inc();
            LOG.log(Level.FINE, "could not reconcile " + livekitRoom, e);
            return false;
        } finally {
            running.remove(target);
        }
    }

    private void forgetOldest() {
        List<Map.Entry<Target, Known>> entries = new ArrayList<>(known.entrySet());
        entries.sort(Map.Entry.comparingByValue((a, b) -> Long.compare(a.seenAt(), b.seenAt())));
        entries.subList(0, Math.max(1, entries.size() / 10)).forEach(e -> known.remove(e.getKey()));
    }
}
