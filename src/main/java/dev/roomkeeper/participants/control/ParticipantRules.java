package dev.roomkeeper.participants.control;

import dev.roomkeeper.participants.entity.Channel;
import dev.roomkeeper.participants.entity.LiveKitEvent;
import dev.roomkeeper.participants.entity.Outcome;
import dev.roomkeeper.participants.entity.Participant;
import dev.roomkeeper.participants.entity.Track;

import java.util.ArrayList;
import java.util.List;

/**
 * What a LiveKit event does to a participant's session, as pure functions of what the cache holds and the event, so
 * that deliveries in any order, repeated any number of times, end in the same state:
 * <ul>
 *     <li>a session is a participant sid; once it left, nothing about it applies again (a late {@code joined} after its
 *     {@code left} resurrects nobody; a re-join comes with a new sid, so it is a new session);</li>
 *     <li>other events apply only when newer than what the cache holds: LiveKit's version of the participant's info,
 *     then the event's creation time; at an equal stamp a track event still applies its track (LiveKit's times are
 *     whole seconds), a participant event does not;</li>
 *     <li>an event of a LiveKit room session that finished applies to nobody;</li>
 *     <li>an event id the session already recorded is a duplicate.</li>
 * </ul>
 */
public final class ParticipantRules {

    public static final String JOINED = "participants.joined";
    public static final String UPDATED = "participants.updated";
    public static final String LEFT = "participants.left";
    public static final String CHANNEL_ENDED = "participants.channel-ended";

    private ParticipantRules() {
    }

    /**
     * What to do.
     *
     * @param outcome how the delivery is counted
     * @param next    the session to store (null: write nothing)
     * @param change  the event to publish once {@code next} is stored (null: store silently, announce nothing)
     */
    public record Decision(Outcome outcome, Participant next, String change) {

        static Decision of(Outcome outcome) {
            return new Decision(outcome, null, null);
        }
    }

    /**
     * What a participant or track event does.
     *
     * @param current the session as cached (null when the cache has none)
     * @param channel the channel as cached (null when the cache has none)
     * @param event   the event (of a kind {@link LiveKitEvent.Kind#aboutParticipant about a participant})
     * @param name    the channel the event maps to
     */
    public static Decision decide(Participant current, Channel channel, LiveKitEvent event, String name) {
        if (current != null && !event.id().isEmpty() && current.events().contains(event.id())) {
            return Decision.of(Outcome.DUPLICATE);
        }
        if (current != null && current.left()) {
            return Decision.of(Outcome.OUT_OF_ORDER);
        }
        if (channel != null && channel.finished(event.roomSid(), event.createdAt())) {
            return Decision.of(Outcome.OUT_OF_ORDER);
        }
        Participant incoming = incoming(event, name, current);
        if (event.kind().ends()) {
            Participant base = current != null ? current : incoming;
            Participant ended = base.ended(event.kind() == LiveKitEvent.Kind.PARTICIPANT_ABORTED ? "aborted" : "left",
                    event.createdAt(), event.id());
            String change = current != null ? LEFT : null;
            return new Decision(Outcome.RECORDED, ended.announcing(change), change);
        }
        if (current != null) {
            int order = compare(incoming, current);
            boolean trackEvent = event.kind() == LiveKitEvent.Kind.TRACK_PUBLISHED
                    || event.kind() == LiveKitEvent.Kind.TRACK_UNPUBLISHED;
            if (order < 0 || order == 0 && !trackEvent) {
                return Decision.of(Outcome.OUT_OF_ORDER);
            }
            if (order == 0) {
                // same stamp: the event's own track is what it adds to what the cache knows
                incoming = withTrack(current.recording(event.id()), event);
            }
        }
        String change = current == null ? JOINED : incoming.differsForClients(current) ? UPDATED : null;
        return new Decision(Outcome.RECORDED, incoming.announcing(change), change);
    }

    /** Whether a {@code room_finished} (or a newer room session's {@code room_started}) ends this session. */
    public static boolean endedBy(Participant session, LiveKitEvent roomEvent) {
        if (!session.present()) {
            return false;
        }
        boolean known = !session.roomSid().isEmpty() && !roomEvent.roomSid().isEmpty();
        if (roomEvent.kind() == LiveKitEvent.Kind.ROOM_FINISHED) {
            return known ? session.roomSid().equals(roomEvent.roomSid()) : session.at() <= roomEvent.createdAt();
        }
        // a room session started: sessions of an earlier room session missed their room_finished
        return known && !session.roomSid().equals(roomEvent.roomSid()) && session.at() < roomEvent.createdAt();
    }

    /** Orders two states of one session: LiveKit's info version, then the event's time. */
    static int compare(Participant a, Participant b) {
        if (a.version() != b.version()) {
            return Long.compare(a.version(), b.version());
        }
        return Long.compare(a.at(), b.at());
    }

    /** The session as the event tells it, in {@code channel}, remembering the event's id after the current ones. */
    private static Participant incoming(LiveKitEvent event, String channel, Participant current) {
        Participant info = event.participant();
        List<String> events = Participant.remember(current == null ? List.of() : current.events(), event.id());
        String roomSid = !event.roomSid().isEmpty() ? event.roomSid() : current != null ? current.roomSid() : "";
        Participant told = new Participant(channel, info.sid(), info.identity(), info.name(), info.metadata(),
                info.joinedAt() > 0 ? info.joinedAt() : current != null ? current.joinedAt() : 0, info.tracks(), roomSid,
                info.version(), event.createdAt(), false, null, events, null);
        return withTrack(told, event);
    }

    /** {@code session} with the event's track added (published) or removed (unpublished). */
    private static Participant withTrack(Participant session, LiveKitEvent event) {
        Track track = event.track();
        if (track == null) {
            return session;
        }
        List<Track> tracks = new ArrayList<>(session.tracks());
        tracks.removeIf(t -> t.sid().equals(track.sid()));
        if (event.kind() == LiveKitEvent.Kind.TRACK_PUBLISHED) {
            tracks.add(track);
        } else if (event.kind() != LiveKitEvent.Kind.TRACK_UNPUBLISHED) {
            return session;
        }
        return session.withTracks(tracks);
    }
}
