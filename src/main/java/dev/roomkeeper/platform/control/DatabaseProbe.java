package dev.roomkeeper.platform.control;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Asks the database whether it answers (a connection from the application's pool, {@code Connection.isValid}),
 * on a thread of its own, so that no request or health thread ever waits on a database that is down or frozen:
 * the caller gets a future and decides how long to wait for it. How long the probe itself can take is bounded by
 * the connection's timeouts ({@link UrlDataSource}).
 * <p>
 * Made with the application, so that the data source and the thread factory are injected, and the thread made,
 * on a deployment thread: WildFly calls health checks on its management threads, where {@code java:app} names do
 * not resolve.
 */
@ApplicationScoped
public class DatabaseProbe {

    private static final Logger LOG = Logger.getLogger(DatabaseProbe.class.getName());
    /** What {@code isValid} may take on top of the connection's own timeouts. */
    static final int VALID_SECONDS = 2;

    @Resource(lookup = "java:app/jdbc/roomkeeper")
    DataSource dataSource;

    @Resource
    ManagedThreadFactory threads;

    private ThreadPoolExecutor executor;

    /** For CDI. */
    public DatabaseProbe() {
    }

    /** A probe built by hand (tests, tools): connections from {@code dataSource}, its thread from {@code threads}. */
    public DatabaseProbe(DataSource dataSource, ManagedThreadFactory threads) {
        this.dataSource = dataSource;
        this.threads = threads;
    }

    /**
     * What one probe found.
     *
     * @param up      the database answered
     * @param product the database's product name, when it answered
     * @param error   why not, for people (a class name, never a message with internals)
     * @param failure the kind of outage, when the failure was one ({@link DatabaseFailure#of}); null when the
     *                database answered or the probe failed for another reason
     */
    public record Result(boolean up, String product, String error, DatabaseFailure failure) {

        public static Result up(String product) {
            return new Result(true, product, null, null);
        }

        public static Result down(String error, DatabaseFailure failure) {
            return new Result(false, null, error, failure);
        }
    }

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        // creating the bean is the point: its resources are injected on a deployment thread
    }

    /**
     * The probe's thread, made on first use, not during deployment: Payara refuses to run a managed thread of an
     * application that is not started yet, and a thread pool whose only thread died before taking its first task
     * never takes one.
     */
    private synchronized ThreadPoolExecutor executor() {
        if (executor == null) {
            // one thread: probes never overlap (DatabaseAvailability keeps one in flight), and a frozen database
            // holds this thread, not a request's
            executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), threads);
        }
        return executor;
    }

    /**
     * Gives up on the probe thread (stuck, or never started): the next probe gets a new one. The old thread ends
     * when what it waits for does (the connection's timeouts bound it).
     */
    public synchronized void abandon() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }

    @PreDestroy
    void stop() {
        abandon();
    }

    /**
     * Starts a probe on the probe thread. Never fails: a probe that cannot even start completes as down.
     */
    public CompletableFuture<Result> start() {
        try {
            return CompletableFuture.supplyAsync(this::probe, executor());
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "cannot start a database probe", e);
            return CompletableFuture.completedFuture(Result.down(e.getClass().getSimpleName(), null));
        }
    }

    /** One probe, on the calling thread. */
    Result probe() {
        try (Connection connection = dataSource.getConnection()) {
            if (!connection.isValid(VALID_SECONDS)) {
                return Result.down("not valid", DatabaseFailure.UNREACHABLE);
            }
            return Result.up(connection.getMetaData().getDatabaseProductName());
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.FINE, "database probe failed", e);
            return Result.down(e.getClass().getSimpleName(), DatabaseFailure.of(e).orElse(null));
        }
    }
}
