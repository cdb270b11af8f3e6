package dev.roomkeeper.rooms;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A real PostgreSQL for tests of SQL that must run there too (attendance queries, the lifecycle's batch
 * UPDATE, row locks and indexed paging): one server per test JVM, a fresh migrated database per call.
 */
public final class PostgresDatabase {

    private static EmbeddedPostgres server;

    private PostgresDatabase() {
    }

    /** A fresh, migrated, private database; its JDBC URL (user in the URL). */
    public static synchronized String migrated() {
        try {
            if (server == null) {
                server = EmbeddedPostgres.builder().start();
                Runtime.getRuntime().addShutdownHook(new Thread(PostgresDatabase::stop));
            }
            String name = "test_" + UUID.randomUUID().toString().replace("-", "");
            try (Connection connection = server.getPostgresDatabase().getConnection();
                 Statement statement = connection.createStatement()) {
                statement.execute("create database " + name);
            }
            String url = server.getJdbcUrl("postgres", name);
            Flyway.configure(PostgresDatabase.class.getClassLoader())
                    .dataSource(url, "postgres", "")
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
            return url;
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("cannot start embedded PostgreSQL", e);
        }
    }

    private static synchronized void stop() {
        try {
            server.close();
        } catch (IOException e) {
            // the JVM is going away anyway
        }
    }
}
