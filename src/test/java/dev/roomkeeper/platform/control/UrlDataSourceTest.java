package dev.roomkeeper.platform.control;

import org.junit.jupiter.api.Test;
import org.postgresql.Driver;

import java.time.Duration;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;

class UrlDataSourceTest {

    @Test
    void postgresConnectionsGetEveryTimeoutInTheDriversUnits() {
        Properties props = UrlDataSource.Timeouts.DEFAULTS.postgresProperties();

        assertEquals("2", props.getProperty("connectTimeout"));
        assertEquals("3", props.getProperty("loginTimeout"));
        assertEquals("5", props.getProperty("socketTimeout"));
        assertEquals("-c statement_timeout=4000", props.getProperty("options"));
        assertEquals("true", props.getProperty("tcpKeepAlive"));
    }

    @Test
    void partsOfASecondAreRoundedUpAndZeroTurnsATimeoutOff() {
        Properties props = new UrlDataSource.Timeouts(Duration.ofMillis(1500), Duration.ZERO, Duration.ofMillis(1),
                Duration.ofMillis(250)).postgresProperties();

        assertEquals("2", props.getProperty("connectTimeout"));
        assertEquals("0", props.getProperty("loginTimeout"));
        assertEquals("1", props.getProperty("socketTimeout"));
        assertEquals("-c statement_timeout=250", props.getProperty("options"));
    }

    @Test
    void migrationsKeepTheConnectTimeoutsOnly() {
        UrlDataSource.Timeouts migrations = UrlDataSource.Timeouts.DEFAULTS.forMigrations();

        assertEquals(Duration.ofSeconds(2), migrations.connect());
        assertEquals(Duration.ofSeconds(3), migrations.login());
        assertEquals(Duration.ZERO, migrations.socket());
        assertEquals(Duration.ZERO, migrations.statement());
        assertEquals("-c statement_timeout=0", migrations.postgresProperties().getProperty("options"));
    }

    @Test
    void withoutAConfigurationTheDefaultsApply() {
        // no MicroProfile Config implementation on the test class path
        assertEquals(UrlDataSource.Timeouts.DEFAULTS, new UrlDataSource().timeouts());
        assertEquals(UrlDataSource.Timeouts.DEFAULTS.forMigrations(), UrlDataSource.forMigrations().timeouts());
    }

    @Test
    void aParameterInTheUrlWinsOverTheDefaults() {
        Properties parsed = Driver.parseURL("jdbc:postgresql://db.internal:5432/roomkeeper?socketTimeout=30",
                UrlDataSource.Timeouts.DEFAULTS.postgresProperties());

        assertEquals("30", parsed.getProperty("socketTimeout"));
        assertEquals("3", parsed.getProperty("loginTimeout"));
    }

    @Test
    void negativeOrMissingTimeoutsAreNone() {
        UrlDataSource.Timeouts none = new UrlDataSource.Timeouts(null, Duration.ofSeconds(-1), null, null);

        assertEquals(Duration.ZERO, none.connect());
        assertEquals(Duration.ZERO, none.login());
    }
}
