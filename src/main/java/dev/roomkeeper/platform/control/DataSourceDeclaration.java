package dev.roomkeeper.platform.control;

import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The application's data source, on every server: Payara and WildFly both create the pool from this
 * declaration, so neither server's configuration defines it. {@link UrlDataSource} reads
 * {@code roomkeeper.db.*} through MicroProfile Config when the pool opens a connection (environment
 * variables such as {@code ROOMKEEPER_DB_URL} override); Payara's own {@code ${MPCONFIG=...}} substitution
 * here would not see the application's defaults, and WildFly does not offer it.
 * <p>
 * On WildFly the persistence unit must not start before this name is bound: persistence.xml turns off
 * WildFly's class transformer for that ({@code jboss.as.jpa.classtransformer}). The {@code fish.payara.*}
 * properties tune Payara's pool (WildFly logs that it ignores them); {@code configPrefix} is a real property
 * of {@link UrlDataSource}, and WildFly's pool refuses a data source class declared with no property it can set.
 * <p>
 * Payara's pool: a caller waits at most {@value #MAX_WAIT_MILLIS} ms for a connection when all 32 are in use
 * (the default is a minute). Validation stays {@code meta-data}, which costs no round trip: a validation that
 * talks to the server ({@code isValid}, a table) made the first call on a frozen PostgreSQL wait for the socket
 * timeout and then twice for the login timeout (11 s measured, against 5 s), and the pool drops broken connections
 * after a failure anyway ({@code fail-all-connections}; back to 200 within 2.2 s of PostgreSQL answering again,
 * measured). WildFly's pool takes neither setting from the annotation: it waits up to its default of 30 s for a
 * connection; connections in use are freed within the socket timeout ({@link UrlDataSource}) all the same.
 */
@DataSourceDefinition(
        name = "java:app/jdbc/roomkeeper",
        className = "dev.roomkeeper.platform.control.UrlDataSource",
        minPoolSize = 2,
        maxPoolSize = 32,
        properties = {
                "configPrefix=" + UrlDataSource.DEFAULT_CONFIG_PREFIX,
                "fish.payara.is-connection-validation-required=true",
                "fish.payara.connection-validation-method=meta-data",
                "fish.payara.fail-all-connections=true",
                "fish.payara.max-wait-time-in-millis=" + DataSourceDeclaration.MAX_WAIT_MILLIS
        })
@ApplicationScoped
public class DataSourceDeclaration {

    /** How long a caller waits for a connection from Payara's pool when every one is in use. */
    static final int MAX_WAIT_MILLIS = 2000;
}
