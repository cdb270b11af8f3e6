package dev.roomkeeper.rooms.control;

import dev.roomkeeper.stream.control.StreamBroker;
import dev.roomkeeper.rooms.entity.Room;
import dev.roomkeeper.rooms.entity.RoomActivityResponse;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Whether a room is in use. A room is <em>idle</em> when its last activity is more than
 * {@code roomkeeper.rooms.inactivity-window} ago (default {@code PT1H}, {@code PT10S} to {@code P7D};
 * anything else is logged at startup and replaced by the default). Invite links of an idle room stop
 * working, and the idle sweep closes it.
 * <p>
 * The last activity of a room is the latest of:
 * <ol>
 *     <li>its persisted {@code last_activity_at} (its creation, then what the nodes flushed);</li>
 *     <li>this node's touches not flushed yet ({@link RoomTouches});</li>
 *     <li>the time of the room's latest event on its stream ({@link StreamBroker#lastEventAt}, shared by every
 *     node on Redis);</li>
 *     <li>now, while anyone is present ({@link Occupancy#usersPresent}, shared by every node on Redis).</li>
 * </ol>
 * The first two are free; the last two cost a round trip each on Redis, so {@link #idle(Room)} asks them
 * only when the first two already say idle. Activity is reported with {@link #touch} (events published
 * through {@code RoomEvents}, presence changes and heartbeats) or, for invites created and redeemed, written
 * at once with {@link #persist}.
 */
@ApplicationScoped
public class RoomActivity {

    public static final String WINDOW_KEY = "roomkeeper.rooms.inactivity-window";
    static final Duration DEFAULT_WINDOW = Duration.ofHours(1);
    /** Short windows are for tests and demos: a real room is idle after minutes or hours. */
    static final Duration MIN_WINDOW = Duration.ofSeconds(10);
    static final Duration MAX_WINDOW = Duration.ofDays(7);

    private static final Logger LOG = Logger.getLogger(RoomActivity.class.getName());

    @Inject
    StreamBroker stream;

    @Inject
    Occupancy presence;

    @Inject
    RoomTouches touches;

    @Inject
    ActivityWriter writer;

    @Inject
    @ConfigProperty(name = WINDOW_KEY, defaultValue = "PT1H")
    String windowSetting;

    Clock clock = Clock.systemUTC();

    Duration window = DEFAULT_WINDOW;

    /**
     * What is known of a room's activity now.
     *
     * @param lastActivity the latest activity of every source; now while the room is occupied
     * @param usersPresent users present in the room, on any node
     */
    public record Reading(Instant lastActivity, int usersPresent) {
        public boolean occupied() {
            return usersPresent > 0;
        }
    }

    @PostConstruct
    void init() {
        window = DurationSetting.read(WINDOW_KEY, windowSetting, DEFAULT_WINDOW, MIN_WINDOW, MAX_WINDOW, LOG::warning);
    }

    /** Reads the setting during deployment, so a bad value shows in the startup log. */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        LOG.fine(() -> "rooms are idle after " + window + " without activity");
    }

    /** How long a room may go without activity before it counts as idle. */
    public Duration window() {
        return window;
    }

    /**
     * Every source of the room's activity.
     *
     * @throws dev.roomkeeper.platform.control.ProblemException 503 when the engine cannot be asked
     */
    public Reading read(Room room) {
        Instant now = clock.instant();
        int present = usersPresent(room.getId());
        Instant last = latest(known(room), lastEventAt(room.getId()));
        return new Reading(present > 0 ? latest(last, now) : last, present);
    }

    /**
     * True when the room has had no activity for longer than {@link #window()}: asks the engine only when
     * the database and this node's touches already say idle.
     *
     * @throws dev.roomkeeper.platform.control.ProblemException 503 when the engine cannot be asked
     */
    public boolean idle(Room room) {
        Instant now = clock.instant();
        Instant known = known(room);
        if (!idle(known, now, window) || usersPresent(room.getId()) > 0) {
            return false;
        }
        return idle(latest(known, lastEventAt(room.getId())), now, window);
    }

    /** True when a reading's last activity is more than the window ago. */
    public boolean idle(Reading reading) {
        return idle(reading.lastActivity(), clock.instant(), window);
    }

    /** When a room last active at {@code lastActivity} counts as idle (unless active again before). */
    public Instant inactiveAt(Instant lastActivity) {
        return lastActivity.plus(window);
    }

    /** What the activity call answers for the room. */
    public RoomActivityResponse report(Room room) {
        Reading reading = read(room);
        boolean open = room.isOpen();
        return new RoomActivityResponse(room.getId(), room.getSlug(), room.getState().wireName(), reading.lastActivity(),
                inactiveAt(reading.lastActivity()), open && !idle(reading), window.toString(), window.toSeconds(),
                reading.occupied(), reading.usersPresent());
    }

    /** Reports activity in a room (by id) at {@code atMillis}: a map update, written later in a batch. */
    public void touch(String roomId, long atMillis) {
        touches.touch(roomId, atMillis);
    }

    /** Reports activity in a room (by id) at {@code at}. */
    public void touch(String roomId, Instant at) {
        touches.touch(roomId, at.toEpochMilli());
    }

    /**
     * Writes activity in the caller's transaction, so every node sees it once that commits: for rare activity
     * that publishes no event another node could see, such as an invite created or redeemed (otherwise a
     * sweep on another node could close the room before this node's next flush).
     */
    public void persist(String roomId, Instant at) {
        writer.write(java.util.List.of(new ActivityWriter.Touch(roomId, at)));
    }

    static boolean idle(Instant lastActivity, Instant now, Duration window) {
        return now.isAfter(lastActivity.plus(window));
    }

    /** What this node knows without asking the engine: the room's row and its pending touch. */
    private Instant known(Room room) {
        Instant stored = room.getLastActivityAt() != null ? room.getLastActivityAt() : room.getCreatedAt();
        return latest(stored, touches.pending(room.getId()).orElse(null));
    }

    private Instant lastEventAt(String roomId) {
        OptionalLong at = ask(() -> stream.lastEventAt(roomId));
        return at.isPresent() ? Instant.ofEpochMilli(at.getAsLong()) : null;
    }

    private int usersPresent(String roomId) {
        return ask(() -> presence.usersPresent(roomId));
    }

    private <T> T ask(Supplier<T> question) {
        try {
            return question.get();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e, () -> "cannot read room activity from the engine");
            throw RoomProblems.activityUnavailable();
        }
    }

    private static Instant latest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }
}
