package dev.roomkeeper.participants.control;

import dev.roomkeeper.participants.entity.LiveKitEvent;
import dev.roomkeeper.participants.entity.Participant;
import dev.roomkeeper.participants.entity.Track;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * What really happened to participant sessions, as the LiveKit events that tell it, in their true order: each session
 * joins, publishes and unpublishes tracks (LiveKit's info version grows with each, times are whole seconds and often
 * equal), and leaves or stays. Tests deliver the events shuffled and repeated and compare the result with
 * {@link #present()}. Public for the ITs, which deliver the same histories over HTTP.
 */
public final class SessionHistory {

    public final List<LiveKitEvent> events = new ArrayList<>();
    /** The sessions present at the end, with their final tracks. */
    private final List<Participant> present = new ArrayList<>();

    public static SessionHistory random(Random random, String roomName, String roomSid, int sessions, long startSeconds) {
        SessionHistory history = new SessionHistory();
        for (int s = 0; s < sessions; s++) {
            history.session(random, roomName, roomSid, "PA_" + s + "_" + Long.toString(random.nextLong() & 0xffffff, 36),
                    "user-" + random.nextInt(Math.max(1, sessions / 2)), startSeconds + random.nextInt(60));
        }
        return history;
    }

    private void session(Random random, String roomName, String roomSid, String sid, String identity, long start) {
        List<Track> tracks = new ArrayList<>();
        int version = 1;
        long at = start;
        events.add(event(LiveKitEvent.Kind.PARTICIPANT_JOINED, roomName, roomSid, sid, identity, version, at, start,
                tracks, null));
        int changes = random.nextInt(6);
        int nextTrack = 0;
        for (int c = 0; c < changes; c++) {
            version++;
            at += random.nextInt(2);
            if (tracks.isEmpty() || random.nextBoolean()) {
                Track track = new Track(sid + "_TR" + nextTrack++, nextTrack % 2 == 0 ? "audio" : "video",
                        nextTrack % 2 == 0 ? "microphone" : "camera", "", random.nextBoolean());
                tracks.add(track);
                events.add(event(LiveKitEvent.Kind.TRACK_PUBLISHED, roomName, roomSid, sid, identity, version, at, start,
                        tracks, track));
            } else {
                Track track = tracks.remove(random.nextInt(tracks.size()));
                events.add(event(LiveKitEvent.Kind.TRACK_UNPUBLISHED, roomName, roomSid, sid, identity, version, at,
                        start, tracks, track));
            }
        }
        if (random.nextInt(3) > 0) {
            at += random.nextInt(2);
            events.add(event(random.nextBoolean() ? LiveKitEvent.Kind.PARTICIPANT_LEFT : LiveKitEvent.Kind.PARTICIPANT_ABORTED,
                    roomName, roomSid, sid, identity, version, at, start, List.of(), null));
        } else {
            present.add(new Participant("", sid, identity, "", "", start * 1000, tracks, roomSid, version, at * 1000,
                    false, null, List.of(), null));
        }
    }

    private static LiveKitEvent event(LiveKitEvent.Kind kind, String roomName, String roomSid, String sid, String identity,
                                      int version, long atSeconds, long joinedSeconds, List<Track> tracks, Track track) {
        Participant info = new Participant("", sid, identity, "", "", joinedSeconds * 1000, List.copyOf(tracks), "",
                version, 0, false, null, List.of(), null);
        String type = switch (kind) {
            case PARTICIPANT_JOINED -> "participant_joined";
            case PARTICIPANT_LEFT -> "participant_left";
            case PARTICIPANT_ABORTED -> "participant_connection_aborted";
            case TRACK_PUBLISHED -> "track_published";
            case TRACK_UNPUBLISHED -> "track_unpublished";
            default -> throw new IllegalArgumentException();
        };
        return new LiveKitEvent("EV_" + sid + "_" + version + "_" + type, kind, type, atSeconds * 1000, roomName, roomSid,
                info, track);
    }

    /** The sessions present at the end, with their tracks. */
    public List<Participant> present() {
        return present;
    }

    /** The deliveries: every event once or more, shuffled. */
    public List<LiveKitEvent> deliveries(Random random, double duplicateShare) {
        List<LiveKitEvent> deliveries = new ArrayList<>(events);
        for (LiveKitEvent event : events) {
            if (random.nextDouble() < duplicateShare) {
                deliveries.add(event);
            }
        }
        java.util.Collections.shuffle(deliveries, random);
        return deliveries;
    }
}
