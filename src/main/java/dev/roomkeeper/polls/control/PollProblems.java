package dev.roomkeeper.polls.control;

import dev.roomkeeper.platform.control.ProblemException;

/** The refusals the poll book answers with ({@code src/docs/polls.md}, "Error codes"). */
final class PollProblems {

    private PollProblems() {
    }

    static ProblemException forbidden(String detail) {
        return new ProblemException(403, "forbidden", "Forbidden", detail);
    }

    static ProblemException notFound(String pollId) {
        return new ProblemException(404, "poll-not-found", "No such poll",
                "The room has no live poll " + pollId + " (closed polls of a vacated or closed room are read over REST).");
    }

    static ProblemException closed(String pollId) {
        return new ProblemException(409, "poll-closed", "Poll closed", "Poll " + pollId + " is closed.");
    }
}
