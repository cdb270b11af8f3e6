package dev.roomkeeper.rooms.control;

import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.platform.entity.Problem;

import java.sql.SQLException;
import java.util.List;

/** The problems the rooms feature answers with, worded once. */
public final class RoomProblems {

    /** The problem type of "this room is closed"; WebSocket and SSE may close with a matching reason. */
    public static final String ROOM_CLOSED = "room-closed";

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
