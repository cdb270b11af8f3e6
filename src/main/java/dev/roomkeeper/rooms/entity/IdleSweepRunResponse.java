package dev.roomkeeper.rooms.entity;

import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.time.Instant;

/**
 * One idle-room sweep run as the admin API shows it.
 *
 * @param node          the node that ran it (host name and process id)
 * @param trigger       {@code timer} or {@code admin}
 * @param triggeredBy   the admin who asked for it; null for the timer
 * @param windowSeconds the inactivity window the run applied
 * @param finishedAt    null while it runs (or when its node died during it)
 * @param durationMs    how long it took; null while it runs
 * @param examined      open rooms the database named as candidates (idle by their persisted activity)
 * @param closed        rooms this run closed after checking every source of activity
 * @param errors        rooms that could not be checked or closed (left open)
 * @param errorSample   the first few errors, for a look in the logs
 */
@JsonbPropertyOrder({"id", "node", "trigger", "triggeredBy", "windowSeconds", "startedAt", "finishedAt", "durationMs",
        "examined", "closed", "errors", "errorSample"})
@JsonbNillable
public record IdleSweepRunResponse(Long id, String node, String trigger, String triggeredBy, long windowSeconds,
                                   Instant startedAt, Instant finishedAt, Long durationMs, int examined, int closed,
                                   int errors, String errorSample) {
}
