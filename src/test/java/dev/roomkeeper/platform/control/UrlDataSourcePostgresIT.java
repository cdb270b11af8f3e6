package dev.roomkeeper.platform.control;

import dev.roomkeeper.rooms.PostgresDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The timeouts of {@link UrlDataSource} on a real PostgreSQL: the server cancels a slow statement and the
 * connection stays usable; a connection whose server process is frozen (SIGSTOP) fails as unreachable instead of
 * waiting for ever.
 */
class UrlDataSourcePostgresIT {

    private static String url;

    @BeforeAll
    static void database() {
        url = PostgresDatabase.migrated();
    }

    private static UrlDataSource dataSource(String url) {
        UrlDataSource dataSource = new UrlDataSource();
        dataSource.setUrl(url);
        return dataSource;
    }

    private static String one(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }

    @Test
    void connectionsCarryTheStatementAndSocketTimeoutsAndMigrationsNeither() throws SQLException {
        try (Connection pooled = dataSource(url).getConnection()) {
            assertEquals("4s", one(pooled, "show statement_timeout"));
            assertEquals(5000, pooled.getNetworkTimeout());
        }
        UrlDataSource migrations = UrlDataSource.forMigrations();
        migrations.setUrl(url);
        try (Connection migrating = migrations.getConnection()) {
            assertEquals("0", one(migrating, "show statement_timeout"));
            assertEquals(0, migrating.getNetworkTimeout());
        }
    }

    @Test
    void aSlowStatementIsCancelledByTheServerAndTheConnectionStaysUsable() throws SQLException {
        try (Connection connection = dataSource(url).getConnection()) {
            SQLException slow = assertThrows(SQLException.class, () -> one(connection, "select pg_sleep(30)"));

            assertEquals(Optional.of(DatabaseFailure.TIMED_OUT), DatabaseFailure.of(slow));
            assertEquals("1", one(connection, "select 1"));
        }
    }

    @Test
    void aFrozenServerProcessFailsTheCallAsUnreachable() throws Exception {
        try (Connection connection = dataSource(url).getConnection()) {
            String pid = one(connection, "select pg_backend_pid()");
            signal("STOP", pid);
            try {
                SQLException frozen = assertTimeoutPreemptively(Duration.ofSeconds(60),
                        () -> assertThrows(SQLException.class, () -> one(connection, "select 1")));

                assertEquals(Optional.of(DatabaseFailure.UNREACHABLE), DatabaseFailure.of(frozen));
            } finally {
                signal("CONT", pid);
            }
        }
    }

    private static void signal(String signal, String pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, pid).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + signal + " " + pid);
    }
}
