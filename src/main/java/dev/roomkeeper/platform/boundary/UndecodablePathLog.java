package dev.roomkeeper.platform.boundary;

import dev.roomkeeper.platform.control.Meters;
import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Payara answers a request whose path holds a malformed percent-encoding ({@code /api/rooms/%ZZ}) itself, before any
 * filter of ours runs, and logs each one as SEVERE with a full stack trace (payara/Payara#8000: {@code %ZZ}, a {@code %} at the end, ...): anyone on the
 * internet could fill the log with a few bytes per line. While this application is deployed, those records are
 * counted ({@code roomkeeper.http.undecodable-paths}) and reported as one line at most once a minute instead.
 * Every other record of that logger passes through untouched. On other servers the logger does not exist and this
 * changes nothing.
 */
@WebListener
public class UndecodablePathLog implements ServletContextListener {

    /** Payara's web container core logger, where the record is written. */
    static final String LOGGER = "jakarta.enterprise.web.core";
    static final Set<String> DECODERS = Set.of("org.glassfish.grizzly.http.util.URLDecoder",
            "org.glassfish.grizzly.http.util.HttpRequestURIDecoder");
    private static final long REPORT_EVERY_MILLIS = 60_000;
    private static final Logger LOG = Logger.getLogger(UndecodablePathLog.class.getName());

    // strong references: a JUL logger without one may be collected, taking the filter with it
    private static Logger container;
    private static Filter previous;

    @Inject
    Meters meters;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        Meters.Counter counter = meters.counter("roomkeeper.http.undecodable-paths");
        synchronized (UndecodablePathLog.class) {
            container = Logger.getLogger(LOGGER);
            previous = container.getFilter();
            container.setFilter(new Quiet(previous, counter));
        }
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        synchronized (UndecodablePathLog.class) {
            if (container != null && container.getFilter() instanceof Quiet) {
                container.setFilter(previous);
            }
            container = null;
            previous = null;
        }
    }

    /** Drops the container's record of an undecodable path, counts it, and says so once a minute. */
    static final class Quiet implements Filter {

        private final Filter next;
        private final Meters.Counter counter;
        private final AtomicLong lastReport = new AtomicLong(Long.MIN_VALUE / 2);
        private final AtomicLong sinceReport = new AtomicLong();

        Quiet(Filter next, Meters.Counter counter) {
            this.next = next;
            this.counter = counter;
        }

        @Override
        public boolean isLoggable(LogRecord record) {
            if (isUndecodablePath(record)) {
                counter.inc();
                long unreported = sinceReport.incrementAndGet();
                long now = System.currentTimeMillis();
                long last = lastReport.get();
                if (now - last >= REPORT_EVERY_MILLIS && lastReport.compareAndSet(last, now)) {
                    sinceReport.addAndGet(-unreported);
                    LOG.log(Level.WARNING, "{0} request(s) with a malformed percent-encoding in the path were refused"
                            + " by the server (counted in roomkeeper.http.undecodable-paths)", unreported);
                }
                return false;
            }
            return next == null || next.isLoggable(record);
        }

        static boolean isUndecodablePath(LogRecord record) {
            // IllegalArgumentException for "%ZZ", IllegalStateException for a "%" at the end, and so on
            for (Throwable thrown = record.getThrown(); thrown != null; thrown = thrown.getCause()) {
                if (thrown instanceof RuntimeException) {
                    for (StackTraceElement frame : thrown.getStackTrace()) {
                        if (DECODERS.contains(frame.getClassName())) {
                            return true;
                        }
                    }
                }
            }
            return false;
        }
    }
}
