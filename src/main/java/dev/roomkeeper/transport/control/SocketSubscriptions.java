package dev.roomkeeper.transport.control;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.rooms.entity.AccessChange;
import dev.roomkeeper.stream.control.Hub;
import dev.roomkeeper.stream.control.RoomSubscription;
import dev.roomkeeper.stream.entity.Replay;
import dev.roomkeeper.transport.entity.OutboundFrame;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.function.Consumer;

/**
 * Which rooms each socket follows: subscribing a socket to a room's stream on the hub, unsubscribing it, and
 * ending the subscriptions that lose access ({@link AccessChange}) right after the event announcing it, with an
 * {@code unsubscribed} frame.
 */
@ApplicationScoped
public class SocketSubscriptions {

    @Inject
    Hub hub;

    @Inject
    @ConfigProperty(name = "roomkeeper.ws.max-subscriptions", defaultValue = "100")
    int maxSubscriptions;

    /** How many rooms one socket may follow. */
    public int maxSubscriptions() {
        return maxSubscriptions;
    }

    /**
     * Subscribes the socket to a room it does not follow yet; {@code beforeEvents} sends the reply that must
     * precede the room's events (the ack).
     */
    public void follow(SocketConnection connection, String roomId, Long since, String epoch, Consumer<Replay> beforeEvents) {
        RoomSubscription subscription = hub.subscribe(roomId, connection, since, epoch, beforeEvents);
        connection.subscriptions().put(roomId, subscription);
        if (!connection.open()) {
            // closed while subscribing: do not leave the subscription behind
            unfollow(connection, roomId);
        }
    }

    /** Ends the socket's subscription of a room; false when it had none. */
    public boolean unfollow(SocketConnection connection, String roomId) {
        RoomSubscription subscription = connection.subscriptions().remove(roomId);
        if (subscription == null) {
            return false;
        }
        hub.unsubscribe(subscription);
        return true;
    }

    /** Ends every subscription of a socket that closed. */
    void unfollowAll(SocketConnection connection) {
        for (RoomSubscription subscription : connection.subscriptions().values()) {
            hub.unsubscribe(subscription);
        }
        connection.subscriptions().clear();
    }

    /**
     * A member lost access, or the room closed: each of this node's sockets concerned stops following the room
     * right after the announcing event, and is told so ({@code unsubscribed}).
     */
    void onAccessChange(@Observes AccessChange change) {
        if (!change.revokes()) {
            return;
        }
        for (RoomSubscription subscription : hub.subscriptionsOf(change.roomId())) {
            if (subscription.sink() instanceof SocketConnection connection) {
                Caller caller = connection.caller();
                if (caller != null && change.concerns(caller.userId())) {
                    subscription.endAfter(change.seq(), () -> {
                        if (connection.subscriptions().remove(change.roomId(), subscription)) {
                            hub.unsubscribe(subscription);
                            connection.send(new OutboundFrame.Unsubscribed(change.roomId(), change.kind().reason(),
                                    System.currentTimeMillis()));
                        }
                    });
                }
            }
        }
    }
}
