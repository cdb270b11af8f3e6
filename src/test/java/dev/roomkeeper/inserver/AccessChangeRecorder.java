package dev.roomkeeper.inserver;

import dev.roomkeeper.rooms.entity.AccessChange;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A feature of the test deployment that observes the typed access changes, as the transports and the cache do. */
@ApplicationScoped
public class AccessChangeRecorder {

    private final List<AccessChange> seen = new CopyOnWriteArrayList<>();

    void record(@Observes AccessChange change) {
        seen.add(change);
    }

    List<AccessChange> of(String roomId) {
        return seen.stream().filter(c -> c.roomId().equals(roomId)).toList();
    }
}
