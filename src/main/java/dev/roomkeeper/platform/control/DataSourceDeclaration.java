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
                "fish.payara.fail-all-connections=true"
        })
@ApplicationScoped
public class DataSourceDeclaration {
}
