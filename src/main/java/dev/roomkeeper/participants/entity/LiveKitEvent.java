package dev.roomkeeper.participants.entity;

import java.util.Objects;

/**
 * A verified LiveKit webhook delivery, as the participants cache needs it.
 *
 * @param id          the webhook event's id ({@code EV_...}; "" when LiveKit sent none)
 * @param kind        what happened
 * @param type        LiveKit's event name as sent ({@code participant_joined}, ...)
 * @param createdAt   when LiveKit created the event (epoch ms; LiveKit sends seconds)
 * @param roomName    the LiveKit room's name
 * @param roomSid     the LiveKit room session's sid ("" when not sent)
 * @param participant for participant and track events: the participant's info as of the event (its
 *                    {@code channel} is "" until mapped); else null
 * @param track       for track events: the track; else null
 */
public record LiveKitEvent(String id, Kind kind, String type, long createdAt, String roomName, String roomSid,
                           Participant participant, Track track) {

    public enum Kind {
        ROOM_STARTED, ROOM_FINISHED, PARTICIPANT_JOINED, PARTICIPANT_LEFT, PARTICIPANT_ABORTED, TRACK_PUBLISHED,
        TRACK_UNPUBLISHED,
        /** any other event: acknowledged, counted, ignored */
        OTHER;

        /** The kind of a LiveKit event name. */
        public static Kind of(String event) {
            return switch (event == null ? "" : event) {
                case "room_started" -> ROOM_STARTED;
                case "room_finished" -> ROOM_FINISHED;
                case "participant_joined" -> PARTICIPANT_JOINED;
                case "participant_left" -> PARTICIPANT_LEFT;
                case "participant_connection_aborted" -> PARTICIPANT_ABORTED;
                case "track_published" -> TRACK_PUBLISHED;
                case "track_unpublished" -> TRACK_UNPUBLISHED;
                default -> OTHER;
            };
        }

        public boolean aboutParticipant() {
            return this != ROOM_STARTED && this != ROOM_FINISHED && this != OTHER;
        }

        public boolean ends() {
            return this == PARTICIPANT_LEFT || this == PARTICIPANT_ABORTED;
        }
    }

    public LiveKitEvent {
        Objects.requireNonNull(kind, "kind");
        id = id == null ? "" : id;
        type = type == null ? "" : type;
        roomName = roomName == null ? "" : roomName;
        roomSid = roomSid == null ? "" : roomSid;
    }
}
