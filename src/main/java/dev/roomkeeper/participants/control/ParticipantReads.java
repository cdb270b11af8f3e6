package dev.roomkeeper.participants.control;

import dev.roomkeeper.participants.entity.Participant;
import dev.roomkeeper.platform.control.Meters;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads of the cache for clients: a room's channels and their present participants, valid at a seq of the room's
 * stream. Counts hits (the cache knew the room or channel) and misses ({@code roomkeeper.participants.cache}).
 */
@ApplicationScoped
public class ParticipantReads {

    /** Looked up once: {@code Json.create*} asks the ServiceLoader on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();

    @Inject
    ParticipantCache cache;

    @Inject
    ParticipantRepair repair;

    @Inject
    Meters metrics;

    private Meters.Counter hits;
    private Meters.Counter misses;

    @PostConstruct
    void init() {
        hits = metrics.counter("roomkeeper.participants.cache", "result", "hit");
        misses = metrics.counter("roomkeeper.participants.cache", "result", "miss");
    }

    /**
     * The room's participants by channel.
     *
     * @param channel null: every channel; else that channel only ("" the unnamed one)
     */
    public JsonObject members(String roomId, String channel) {
        ParticipantCache.Members members = cache.members(roomId, channel);
        (members.cached() ? hits : misses).inc();
        repair.afterRead(roomId, members, channel);
        return json(members, channel);
    }

    static JsonObject json(ParticipantCache.Members members, String channel) {
        Map<String, List<Participant>> byChannel = new TreeMap<>();
        if (channel != null) {
            byChannel.put(channel, new ArrayList<>());
        }
        members.channels().forEach(c -> byChannel.computeIfAbsent(c.channel(), k -> new ArrayList<>()));
        members.present().forEach(p -> byChannel.computeIfAbsent(p.channel(), k -> new ArrayList<>()).add(p));
        JsonArrayBuilder channels = JSON.createArrayBuilder();
        byChannel.forEach((name, present) -> {
            JsonArrayBuilder list = JSON.createArrayBuilder();
            present.stream().sorted(Comparator.comparingLong(Participant::joinedAt).thenComparing(Participant::sid))
                    .forEach(p -> list.add(p.view()));
            channels.add(JSON.createObjectBuilder().add("channel", name).add("count", present.size())
                    .add("participants", list));
        });
        return JSON.createObjectBuilder().add("room", members.roomId()).add("epoch", members.epoch())
                .add("seq", members.seq()).add("channels", channels).build();
    }
}
