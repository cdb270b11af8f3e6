package dev.roomkeeper.platform.control;

import jakarta.ejb.EJBException;
import jakarta.persistence.PersistenceException;
import jakarta.persistence.PessimisticLockException;
import jakarta.persistence.QueryTimeoutException;
import jakarta.resource.spi.ResourceAllocationException;
import jakarta.transaction.RollbackException;
import jakarta.transaction.TransactionalException;
import org.hibernate.exception.ConstraintViolationException;
import org.hibernate.exception.JDBCConnectionException;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import redis.clients.jedis.exceptions.JedisConnectionException;

import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.Optional;

import static dev.roomkeeper.platform.control.DatabaseFailure.TIMED_OUT;
import static dev.roomkeeper.platform.control.DatabaseFailure.UNREACHABLE;
import static org.junit.jupiter.api.Assertions.assertEquals;

class DatabaseFailureTest {

    private static Optional<DatabaseFailure> of(Throwable failure) {
        return DatabaseFailure.of(failure);
    }

    private static <T extends Throwable> T causedBy(T outer, Throwable cause) {
        outer.initCause(cause);
        return outer;
    }

    @Test
    void aRefusedOrBrokenPostgresConnectionIsUnreachable() {
        PSQLException refused = new PSQLException("Connection to localhost:5432 refused.", PSQLState.CONNECTION_UNABLE_TO_CONNECT);
        PSQLException broken = new PSQLException("An I/O error occurred while sending to the backend.",
                PSQLState.CONNECTION_FAILURE, new SocketTimeoutException("Read timed out"));

        assertEquals(Optional.of(UNREACHABLE), of(refused));
        assertEquals(Optional.of(UNREACHABLE), of(broken));
    }

    @Test
    void theJdbcConnectionExceptionTypesAreUnreachable() {
        assertEquals(Optional.of(UNREACHABLE), of(new SQLTransientConnectionException("pool timed out")));
        assertEquals(Optional.of(UNREACHABLE), of(new SQLNonTransientConnectionException("closed")));
    }

    @Test
    void postgresShuttingDownStartingOrFullIsUnreachable() {
        for (String state : new String[]{"57P01", "57P02", "57P03", "53300", "08006", "08001", "08003"}) {
            assertEquals(Optional.of(UNREACHABLE), of(new SQLException("x", state)), state);
        }
    }

    @Test
    void statementAndLockTimeoutsTimedOut() {
        assertEquals(Optional.of(TIMED_OUT), of(new PSQLException("canceling statement due to statement timeout",
                PSQLState.QUERY_CANCELED)));
        assertEquals(Optional.of(TIMED_OUT), of(new SQLTimeoutException("timed out")));
        assertEquals(Optional.of(TIMED_OUT), of(new QueryTimeoutException("query timed out")));
        assertEquals(Optional.of(TIMED_OUT), of(new PessimisticLockException("lock",
                new SQLException("could not obtain lock on row", "55P03"))));
    }

    @Test
    void hibernatesConnectionExceptionIsUnreachableWhateverItsCause() {
        assertEquals(Optional.of(UNREACHABLE), of(new JDBCConnectionException("could not prepare statement",
                new SQLException("no state"))));
    }

    @Test
    void theWrappersOfTransactionsEjbsAndJpaAreSeenThrough() {
        SQLException refused = new SQLException("Connection refused", "08001");
        RollbackException rollback = causedBy(new RollbackException("rolled back"), new PersistenceException(refused));

        assertEquals(Optional.of(UNREACHABLE), of(new TransactionalException("commit failed", rollback)));
        assertEquals(Optional.of(UNREACHABLE), of(new EJBException(new PersistenceException(refused))));
        assertEquals(Optional.of(TIMED_OUT), of(new EJBException(new QueryTimeoutException("slow"))));
    }

    @Test
    void thePoolsHavingNoConnectionIsUnreachable() {
        // Payara: a SQLException with no SQLState over the resource adapter's ResourceAllocationException
        SQLException payara = causedBy(new SQLException("Error in allocating a connection. Cause: In-use connections"
                + " equal max-pool-size and expired max-wait-time. Cannot allocate more connections."),
                new ResourceAllocationException("In-use connections equal max-pool-size"));
        // WildFly: IronJacamar's message, with or without the ResourceException kept as the cause
        SQLException wildfly = new SQLException("IJ031019: You are trying to use a connection factory that has been"
                + " shut down: IJ000453: Unable to get managed connection for java:app/jdbc/roomkeeper");

        assertEquals(Optional.of(UNREACHABLE), of(new PersistenceException(payara)));
        assertEquals(Optional.of(UNREACHABLE), of(wildfly));
        assertEquals(Optional.of(UNREACHABLE), of(new ResourceAllocationException("no managed connection")));
    }

    @Test
    void unreachableWinsOverATimeoutInTheSameChain() {
        SQLException both = new SQLException("canceled", "57014");
        both.setNextException(new SQLException("I/O error", "08006"));

        assertEquals(Optional.of(UNREACHABLE), of(both));
    }

    @Test
    void anAlreadyClassifiedFailureKeepsItsKind() {
        assertEquals(Optional.of(TIMED_OUT), of(new DatabaseUnavailableException(TIMED_OUT, 3)));
    }

    @Test
    void realBugsAndRefusalsAreNotOutages() {
        assertEquals(Optional.empty(), of(new NullPointerException()));
        assertEquals(Optional.empty(), of(new ConstraintViolationException("duplicate",
                new SQLException("duplicate key", "23505"), "room_slug_key")));
        assertEquals(Optional.empty(), of(new PersistenceException(new SQLException("relation does not exist", "42P01"))));
        assertEquals(Optional.empty(), of(new PessimisticLockException("deadlock", new SQLException("deadlock", "40P01"))));
        assertEquals(Optional.empty(), of(null));
    }

    @Test
    void aRedisConnectionFailureIsNotTheDatabase() {
        assertEquals(Optional.empty(), of(new JedisConnectionException(new SocketTimeoutException("Read timed out"))));
    }

    @Test
    void aCycleInTheChainEnds() {
        Exception a = new Exception("a");
        Exception b = new Exception("b", a);
        a.initCause(b);

        assertEquals(Optional.empty(), of(a));
    }
}
