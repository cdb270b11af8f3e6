package dev.roomkeeper.platform.control;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Why a database call failed when the failure is the database's state, not the request or our code: the
 * database cannot be reached ({@link #UNREACHABLE}) or did not answer in time ({@link #TIMED_OUT}). Either is
 * answered as the retryable 503 {@code database-unavailable}; anything else stays a real failure (a 500 when
 * nothing else maps it).
 * <p>
 * {@link #of} walks the whole chain, because what reaches a caller wraps the driver's exception in the JPA
 * provider's, the transaction's ({@code jakarta.transaction.RollbackException}, {@code TransactionalException}),
 * the EJB container's ({@code EJBException}) or the connection pool's: Payara answers "Error in allocating a
 * connection" over a {@code ResourceException} or {@code PoolingException}, WildFly's IronJacamar an
 * {@code IJ000453}/{@code IJ000655} over a {@code ResourceException}.
 */
public enum DatabaseFailure {

    /**
     * No connection, a broken one, or none to be had from the pool: stops every database call on this node for
     * a short back-off ({@link DatabaseAvailability}).
     */
    UNREACHABLE,
    /**
     * A statement or lock wait ran out of time (PostgreSQL's {@code statement_timeout} or {@code lock_timeout},
     * a JDBC or JPA query timeout): that call failed, the database itself still answers.
     */
    TIMED_OUT;

    /** Deeper chains than this are not followed (a cycle is not followed either). */
    private static final int MAX_DEPTH = 64;

    private static final Set<String> UNREACHABLE_CLASSES = Set.of(
            "org.hibernate.exception.JDBCConnectionException",
            "jakarta.resource.ResourceException",
            "javax.resource.ResourceException",
            "com.sun.appserv.connectors.internal.api.PoolingException");

    private static final Set<String> TIMED_OUT_CLASSES = Set.of(
            "jakarta.persistence.QueryTimeoutException",
            "jakarta.persistence.LockTimeoutException",
            "org.hibernate.QueryTimeoutException",
            "org.hibernate.exception.LockTimeoutException");

    /**
     * What the connection pools say when they hand out no connection, for pools that put neither a SQLState
     * nor a typed cause on it.
     */
    private static final String[] POOL_MESSAGES = {
            "error in allocating a connection", // Payara
            "ij000453", "ij000655", "unable to get managed connection"}; // WildFly (IronJacamar)

    /**
     * The kind of database outage behind {@code failure}, if it is one. {@link #UNREACHABLE} wins when the chain
     * shows both (a read that timed out on a broken connection).
     */
    public static Optional<DatabaseFailure> of(Throwable failure) {
        DatabaseFailure found = null;
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Throwable> todo = new ArrayDeque<>();
        if (failure != null) {
            todo.add(failure);
        }
        while (!todo.isEmpty() && seen.size() < MAX_DEPTH) {
            Throwable t = todo.poll();
            if (!seen.add(t)) {
                continue;
            }
            DatabaseFailure here = classify(t);
            if (here == UNREACHABLE) {
                return Optional.of(UNREACHABLE);
            }
            if (here != null) {
                found = here;
            }
            if (t.getCause() != null) {
                todo.add(t.getCause());
            }
            if (t instanceof SQLException sql && sql.getNextException() != null) {
                todo.add(sql.getNextException());
            }
            if (t instanceof jakarta.ejb.EJBException ejb && ejb.getCausedByException() != null) {
                todo.add(ejb.getCausedByException());
            }
        }
        return Optional.ofNullable(found);
    }

    /**
     * One line about a failure, for the log: the innermost SQL failure (class, SQLState, message), else the root
     * cause's class and message. Driver messages name hosts and ports, never credentials.
     */
    public static String describe(Throwable failure) {
        SQLException sql = null;
        Throwable root = failure;
        int depth = 0;
        for (Throwable t = failure; t != null && depth < MAX_DEPTH; t = t.getCause(), depth++) {
            root = t;
            if (t instanceof SQLException found) {
                sql = found;
            }
        }
        if (sql != null) {
            return sql.getClass().getSimpleName() + " [" + sql.getSQLState() + "] " + sql.getMessage();
        }
        return root == null ? "?" : root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    /** This one throwable, ignoring its causes. */
    private static DatabaseFailure classify(Throwable t) {
        if (t instanceof DatabaseUnavailableException unavailable) {
            return unavailable.failure();
        }
        if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                || t instanceof SQLRecoverableException) {
            return UNREACHABLE;
        }
        if (t instanceof SQLException sql) {
            DatabaseFailure byState = bySqlState(sql.getSQLState());
            if (byState != null) {
                return byState;
            }
            if (t instanceof SQLTimeoutException) {
                return TIMED_OUT;
            }
            if (poolMessage(sql.getMessage())) {
                return UNREACHABLE;
            }
            return null;
        }
        if (isA(t, UNREACHABLE_CLASSES)) {
            return UNREACHABLE;
        }
        if (isA(t, TIMED_OUT_CLASSES)) {
            return TIMED_OUT;
        }
        return null;
    }

    /**
     * SQLState classes: 08 (connection exception), PostgreSQL's 57P01-57P03 (the server is shutting down,
     * crashed or is starting) and 53300 (too many connections) are unreachable; 57014 (statement cancelled by
     * {@code statement_timeout}), 55P03 (lock not available in time) and H2's HYT00 are timeouts.
     */
    static DatabaseFailure bySqlState(String state) {
        if (state == null || state.length() != 5) {
            return null;
        }
        String upper = state.toUpperCase(Locale.ROOT);
        if (upper.startsWith("08") || upper.startsWith("57P") || upper.equals("53300")) {
            return UNREACHABLE;
        }
        if (upper.equals("57014") || upper.equals("55P03") || upper.equals("HYT00")) {
            return TIMED_OUT;
        }
        return null;
    }

    private static boolean poolMessage(String message) {
        if (message == null) {
            return false;
        }
        String lower = message.toLowerCase(Locale.ROOT);
        for (String known : POOL_MESSAGES) {
            if (lower.contains(known)) {
                return true;
            }
        }
        return false;
    }

    /** By class name, so that server classes need not be visible to the WAR. */
    private static boolean isA(Throwable t, Set<String> names) {
        for (Class<?> type = t.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
            if (names.contains(type.getName())) {
                return true;
            }
        }
        return false;
    }
}
