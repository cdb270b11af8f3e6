package dev.roomkeeper.rooms.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Whether a room is in use. A room is <em>idle</em> when its last activity is more than
 * {@code roomkeeper.rooms.inactivity-window} ago (default {@code PT1H}, {@code PT1M} to {@code P7D};
 * anything else is logged at startup and replaced by the default). Invite links of an idle room stop
 * working.
 * <p>
 * The last activity is the latest answer of every {@link ActivitySource} bean: today the room's own row
 * ({@link StoredRoomActivity}) and touches reported on this node ({@link TouchedRooms}). Presence plugs in
 * as one more source (someone present means active) without changing this class or its callers.
 */
@ApplicationScoped
public class RoomActivity {

    public static final String WINDOW_KEY = "roomkeeper.rooms.inactivity-window";
    static final Duration DEFAULT_WINDOW = Duration.ofHours(1);
    static final Duration MIN_WINDOW = Duration.ofMinutes(1);
    static final Duration MAX_WINDOW = Duration.ofDays(7);

    private static final Logger LOG = Logger.getLogger(RoomActivity.class.getName());

    @Inject
    Instance<ActivitySource> sources;

    @Inject
    TouchedRooms touched;

    @Inject
    @ConfigProperty(name = WINDOW_KEY, defaultValue = "PT1H")
    String windowSetting;

    Clock clock = Clock.systemUTC();

    Duration window = DEFAULT_WINDOW;

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

    /** The latest activity any source knows of in the room (by id); empty when none knows the room. */
    public Optional<Instant> lastActivity(String roomId) {
        Instant latest = null;
        for (ActivitySource source : sources) {
            Instant last = source.lastActivity(roomId).orElse(null);
            if (last != null && (latest == null || last.isAfter(latest))) {
                latest = last;
            }
        }
        return Optional.ofNullable(latest);
    }

    /** True when the room (by id) has had no activity for longer than {@link #window()}, or none is known. */
    public boolean idle(String roomId) {
        return idle(lastActivity(roomId), clock.instant(), window);
    }

    static boolean idle(Optional<Instant> lastActivity, Instant now, Duration window) {
        return lastActivity.map(last -> now.isAfter(last.plus(window))).orElse(true);
    }

    /** Reports activity in a room (by id) at {@code at}, for features that see it happen. */
    public void touch(String roomId, Instant at) {
        touched.touch(roomId, at);
    }
}
