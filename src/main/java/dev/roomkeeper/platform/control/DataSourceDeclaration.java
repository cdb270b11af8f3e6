package dev.roomkeeper.platform.control;

import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The application's data source on Payara. {@link UrlDataSource} reads {@code roomkeeper.db.*} through
 * MicroProfile Config when the pool opens a connection (environment variables such as
 * {@code ROOMKEEPER_DB_URL} override); Payara's own {@code ${MPCONFIG=...}} substitution here would not
 * see the application's defaults.
 * WildFly defines the same JNDI name in its own configuration (see {@code server-config/wildfly}).
 */
@DataSourceDefinition(
        name = "java:app/jdbc/roomkeeper",
        className = "dev.roomkeeper.platform.control.UrlDataSource",
        minPoolSize = 2,
        maxPoolSize = 32,
        properties = {
                "fish.payara.is-connection-validation-required=true",
                "fish.payara.connection-validation-method=meta-data",
                "fish.payara.fail-all-connections=true"
        })
@ApplicationScoped
public class DataSourceDeclaration {
}
