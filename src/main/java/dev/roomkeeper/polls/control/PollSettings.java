package dev.roomkeeper.polls.control;

import dev.roomkeeper.polls.entity.PollLimits;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.logging.Logger;

/**
 * The configuration of polls ({@code roomkeeper.polls.*}), each value checked against its bounds: a value out of
 * them is logged and the default used (see the README's configuration table).
 */
@ApplicationScoped
public class PollSettings {

    private static final Logger LOG = Logger.getLogger(PollSettings.class.getName());

    @Inject
    @ConfigProperty(name = "roomkeeper.polls.max-question-length", defaultValue = "300")
    String maxQuestion;

    @Inject
    @ConfigProperty(name = "roomkeeper.polls.max-option-length", defaultValue = "100")
    String maxOptionText;

    @Inject
    @ConfigProperty(name = "roomkeeper.polls.max-open", defaultValue = "5")
    String maxOpen;

    @Inject
    @ConfigProperty(name = "roomkeeper.polls.max-per-room", defaultValue = "50")
    String maxPolls;

    @Inject
    @ConfigProperty(name = "roomkeeper.polls.max-voters", defaultValue = "5000")
    String maxVoters;

    @Inject
    @ConfigProperty(name = "roomkeeper.polls.max-duration", defaultValue = "PT24H")
    String maxDuration;

    @Inject
    @ConfigProperty(name = "roomkeeper.polls.tally-interval", defaultValue = "PT1S")
    String tallyInterval;

    @Inject
    @ConfigProperty(name = "roomkeeper.polls.sweep-interval", defaultValue = "PT1S")
    String sweepInterval;

    private volatile PollLimits limits;

    public PollLimits limits() {
        PollLimits l = limits;
        if (l == null) {
            int open = bounded("max-open", maxOpen, 5, 1, 50);
            l = new PollLimits(bounded("max-question-length", maxQuestion, 300, 1, 1000),
                    bounded("max-option-length", maxOptionText, 100, 1, 200), open,
                    Math.max(open, bounded("max-per-room", maxPolls, 50, 1, 500)),
                    bounded("max-voters", maxVoters, 5000, 1, 100_000),
                    duration("max-duration", maxDuration, Duration.ofHours(24), Duration.ofSeconds(10),
                            Duration.ofDays(7)).toMillis());
            limits = l;
        }
        return l;
    }

    /** How often each poll's tally is pushed at most (PT0.2S to PT10S). */
    public Duration tallyInterval() {
        return duration("tally-interval", tallyInterval, Duration.ofSeconds(1), Duration.ofMillis(200),
                Duration.ofSeconds(10));
    }

    /** How often each node closes polls whose close time came (PT0.2S to PT1M). */
    public Duration sweepInterval() {
        return duration("sweep-interval", sweepInterval, Duration.ofSeconds(1), Duration.ofMillis(200),
                Duration.ofMinutes(1));
    }

    static int bounded(String name, String value, int fallback, int min, int max) {
        try {
            int parsed = Integer.parseInt(value == null ? "" : value.strip());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // logged below
        }
        LOG.warning(() -> "roomkeeper.polls." + name + "=" + value + " is not a whole number from " + min + " to " + max
                + "; using " + fallback);
        return fallback;
    }

    static Duration duration(String name, String value, Duration fallback, Duration min, Duration max) {
        try {
            Duration parsed = Duration.parse(value == null ? "" : value.strip());
            if (parsed.compareTo(min) >= 0 && parsed.compareTo(max) <= 0) {
                return parsed;
            }
        } catch (DateTimeParseException e) {
            // logged below
        }
        LOG.warning(() -> "roomkeeper.polls." + name + "=" + value + " is not an ISO-8601 duration from " + min
                + " to " + max + "; using " + fallback);
        return fallback;
    }
}
