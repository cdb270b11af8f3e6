package dev.roomkeeper.platform.control;

import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.spi.PersistenceUnitInfo;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.hibernate.jpa.HibernatePersistenceProvider;

import javax.sql.DataSource;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Hibernate, with the schema migrated by Flyway first. The server builds the persistence unit during
 * deployment, before any startup bean runs, so this is the one place early enough for migrations to
 * precede schema validation, on Payara and WildFly alike. Migrations connect on their own
 * ({@link UrlDataSource#forMigrations()}: the settings of the pool, without its socket and statement timeouts).
 */
public class MigratingPersistenceProvider extends HibernatePersistenceProvider {

    private static final Logger LOG = Logger.getLogger(MigratingPersistenceProvider.class.getName());

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public EntityManagerFactory createContainerEntityManagerFactory(PersistenceUnitInfo info, Map properties) {
        // not the pool: its connections give up after the socket and statement timeouts, which a migration
        // (an index on a large table) may need to exceed; the same settings, without those two
        migrate(UrlDataSource.forMigrations());
        Map<String, Object> merged = new HashMap<>();
        if (properties != null) {
            merged.putAll(properties);
        }
        if (onPayara()) {
            merged.putIfAbsent("hibernate.transaction.jta.platform",
                    "org.hibernate.engine.transaction.jta.platform.internal.SunOneJtaPlatform");
        }
        return super.createContainerEntityManagerFactory(info, merged);
    }

    static void migrate(DataSource dataSource) {
        MigrateResult result = Flyway.configure(MigratingPersistenceProvider.class.getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load()
                .migrate();
        LOG.info(() -> "schema at version " + result.targetSchemaVersion + " (" + result.migrationsExecuted
                + " migrations applied, database " + result.database + ")");
    }

    private static boolean onPayara() {
        try {
            Class.forName("com.sun.enterprise.transaction.api.JavaEETransactionManager", false,
                    Thread.currentThread().getContextClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
