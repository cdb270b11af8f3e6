package dev.roomkeeper.rooms.control;

import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.platform.entity.Problem;
import dev.roomkeeper.rooms.entity.InviteRefusal;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/** The problems the rooms feature answers with, worded once. */
public final class RoomProblems {

    /** The problem type of "this room is closed"; WebSocket and SSE may close with a matching reason. */
    public static final String ROOM_CLOSED = "room-closed";

    /** The problem type of an invite token that names no invite. */
    public static final String INVITE_NOT_FOUND = "invite-not-found";

    private static final int MAX_ECHO = 80;

    private RoomProblems() {
    }

    public static ProblemException noRoom(String ref) {
        return ProblemException.notFound("No room named " + echo(ref) + ".");
    }

    public static ProblemException closed(String slug) {
        return new ProblemException(409, ROOM_CLOSED, "Room closed", "Room " + slug + " is closed.");
    }

    public static ProblemException notMember() {
        return ProblemException.forbidden("You are not a member of this room.");
    }

    /** An unknown or malformed invite token; never echoes the token. */
    static ProblemException inviteNotFound() {
        return new ProblemException(404, INVITE_NOT_FOUND, "Invitation not found",
                "This invitation link is not valid. Check that you have the whole link.");
    }

    /** An invite of this room that does not exist; never echoes what was asked for. */
    static ProblemException noInvite(String slug) {
        return ProblemException.notFound("Room " + slug + " has no such invite.");
    }

    /** 410: the invite link does not work now, for {@code refusal}; {@code window} words the inactivity rule. */
    static ProblemException inviteRefused(InviteRefusal refusal, Duration window) {
        return new ProblemException(410, refusal.type(), refusal.title(), refusal.message(window));
    }

    /** 409: an idle sweep is already running on this node. */
    static ProblemException sweepRunning() {
        return new ProblemException(409, "sweep-running", "Sweep already running",
                "An idle-room sweep is already running on this node; its run will be in the list when it ends.");
    }

    /** 503: the sweep could not even record its run (the database is unavailable). */
    static ProblemException sweepUnavailable() {
        return new ProblemException(503, "sweep-unavailable", "Sweep unavailable",
                "The idle-room sweep cannot run right now (the database is unavailable); try again shortly.");
    }

    /** 404: no run with that id. */
    static ProblemException noSweepRun(String id) {
        return ProblemException.notFound("No idle-sweep run " + echo(id) + ".");
    }

    /** 503: the engine that knows about events and presence cannot be asked right now. */
    static ProblemException activityUnavailable() {
        return new ProblemException(503, "activity-unavailable", "Room activity unavailable",
                "The room's activity cannot be read right now; try again shortly.");
    }

    static ProblemException noMember(String userId, String slug) {
        return ProblemException.notFound("User " + echo(userId) + " is not a member of room " + slug + ".");
    }

    static ProblemException invalid(String field, String message) {
        return ProblemException.invalid(List.of(new Problem.FieldError(field, message)));
    }

    /** True when {@code failure} was caused by a unique, primary key or foreign key constraint (SQLState 23xxx). */
    static boolean isConstraintViolation(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("23")) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    private static String echo(String text) {
        if (text == null) {
            return "\"\"";
        }
        String shown = text.length() > MAX_ECHO ? text.substring(0, MAX_ECHO) + "…" : text;
        return "\"" + shown + "\"";
    }
}
