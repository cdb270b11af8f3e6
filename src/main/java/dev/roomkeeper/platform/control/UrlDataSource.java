package dev.roomkeeper.platform.control;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * A driver-neutral data source: the JDBC URL alone picks H2 or PostgreSQL, so operators set one
 * key ({@code roomkeeper.db.url}) and never a driver class. The server's connection pool wraps it, on
 * Payara and WildFly alike.
 * <p>
 * <b>Bounded waits.</b> A PostgreSQL that is stopped, unreachable or frozen must cost a call seconds, never a
 * request thread for good, so every PostgreSQL connection is opened with (each a MicroProfile Config key under
 * the prefix; a parameter of the same name in the URL wins):
 * <ul>
 *     <li>{@code connect-timeout} (default {@code PT2S}): the TCP connect ({@code connectTimeout});</li>
 *     <li>{@code login-timeout} (default {@code PT3S}): opening the connection, login included
 *     ({@code loginTimeout}; a frozen server accepts the TCP connection and then says nothing);</li>
 *     <li>{@code socket-timeout} (default {@code PT5S}): the longest wait for any answer on an open connection
 *     ({@code socketTimeout}); the connection is then broken and the call fails as unreachable;</li>
 *     <li>{@code statement-timeout} (default {@code PT4S}): the server cancels a statement (or a lock wait) after
 *     this long ({@code options=-c statement_timeout=...}), shorter than the socket timeout so that a slow
 *     statement fails on a connection that stays usable.</li>
 * </ul>
 * {@code TCP keep-alive} is on, so an idle connection to a vanished server is found dead. A zero turns a timeout
 * off. Migrations connect through {@link #forMigrations()}, without the socket and statement timeouts: building an
 * index may take longer than any request should.
 */
public class UrlDataSource implements DataSource {

    /** The embedded default: an H2 file database in the working directory. */
    public static final String DEFAULT_URL = "jdbc:h2:file:./roomkeeper-data/roomkeeper";
    /** Where the settings are read: {@code roomkeeper.db.url}, {@code .user} and {@code .password}. */
    public static final String DEFAULT_CONFIG_PREFIX = "roomkeeper.db";

    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration DEFAULT_LOGIN_TIMEOUT = Duration.ofSeconds(3);
    static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(5);
    static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(4);

    private static final Logger LOG = Logger.getLogger(UrlDataSource.class.getName());
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    /**
     * The timeouts of PostgreSQL connections (zero: none).
     *
     * @param connect   TCP connect
     * @param login     opening a connection
     * @param socket    any answer on an open connection
     * @param statement a statement, on the server
     */
    public record Timeouts(Duration connect, Duration login, Duration socket, Duration statement) {

        public static final Timeouts DEFAULTS = new Timeouts(DEFAULT_CONNECT_TIMEOUT, DEFAULT_LOGIN_TIMEOUT,
                DEFAULT_SOCKET_TIMEOUT, DEFAULT_STATEMENT_TIMEOUT);

        public Timeouts {
            connect = orZero(connect);
            login = orZero(login);
            socket = orZero(socket);
            statement = orZero(statement);
        }

        /** The same, without the socket and statement timeouts: for migrations. */
        public Timeouts forMigrations() {
            return new Timeouts(connect, login, Duration.ZERO, Duration.ZERO);
        }

        /**
         * The PostgreSQL driver's connection properties for these timeouts (whole seconds, rounded up; the
         * statement timeout in milliseconds).
         */
        public Properties postgresProperties() {
            Properties props = new Properties();
            props.setProperty("connectTimeout", String.valueOf(seconds(connect)));
            props.setProperty("loginTimeout", String.valueOf(seconds(login)));
            props.setProperty("socketTimeout", String.valueOf(seconds(socket)));
            props.setProperty("options", "-c statement_timeout=" + statement.toMillis());
            props.setProperty("tcpKeepAlive", "true");
            return props;
        }

        private static long seconds(Duration duration) {
            long millis = duration.toMillis();
            return millis <= 0 ? 0 : (millis + 999) / 1000;
        }

        private static Duration orZero(Duration duration) {
            return duration == null || duration.isNegative() ? Duration.ZERO : duration;
        }
    }

    private String configPrefix = DEFAULT_CONFIG_PREFIX;
    private boolean migrating;
    private String url;
    private String user;
    private String password;
    private int loginTimeout;

    public String getConfigPrefix() {
        return configPrefix;
    }

    /**
     * The MicroProfile Config prefix of the settings. Declared as a property of the data source definition,
     * which also gives WildFly's pool the one connection property it insists on.
     */
    public void setConfigPrefix(String configPrefix) {
        this.configPrefix = configPrefix;
    }

    /** A data source for Flyway: the same settings, without the socket and statement timeouts. */
    public static UrlDataSource forMigrations() {
        UrlDataSource dataSource = new UrlDataSource();
        dataSource.migrating = true;
        return dataSource;
    }

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public String getUser() {
        return user;
    }

    public void setUser(String user) {
        this.user = user;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return getConnection(user, password);
    }

    @Override
    public Connection getConnection(String username, String pass) throws SQLException {
        if (url == null || url.isBlank()) {
            // the usual case: the server did not set a URL, so read the settings ourselves (Payara's pool asks
            // without credentials, WildFly's with empty ones; credentials it does pass win)
            Config config = config();
            return connect(config.getOptionalValue(configPrefix + ".url", String.class).orElse(DEFAULT_URL),
                    isEmpty(username) ? config.getOptionalValue(configPrefix + ".user", String.class).orElse("") : username,
                    isEmpty(pass) ? config.getOptionalValue(configPrefix + ".password", String.class).orElse("") : pass,
                    timeouts());
        }
        return connect(url, username, pass, timeouts());
    }

    private static Config config() {
        return ConfigProvider.getConfig(UrlDataSource.class.getClassLoader());
    }

    /** The timeouts from the configuration, for this data source's use (migrations have fewer). */
    Timeouts timeouts() {
        Timeouts configured;
        try {
            Config config = config();
            configured = new Timeouts(
                    duration(config, "connect-timeout", DEFAULT_CONNECT_TIMEOUT),
                    duration(config, "login-timeout", DEFAULT_LOGIN_TIMEOUT),
                    duration(config, "socket-timeout", DEFAULT_SOCKET_TIMEOUT),
                    duration(config, "statement-timeout", DEFAULT_STATEMENT_TIMEOUT));
        } catch (IllegalStateException | IllegalArgumentException e) {
            configured = Timeouts.DEFAULTS; // no configuration here (tools, tests)
            if (WARNED.compareAndSet(false, true)) {
                LOG.warning(() -> "cannot read the database timeouts (" + e.getMessage() + "); using the defaults");
            }
        }
        return migrating ? configured.forMigrations() : configured;
    }

    private Duration duration(Config config, String key, Duration fallback) {
        String name = configPrefix + "." + key;
        return config.getOptionalValue(name, String.class).map(value -> {
            try {
                Duration parsed = Duration.parse(value.trim());
                if (!parsed.isNegative()) {
                    return parsed;
                }
            } catch (DateTimeParseException e) {
                // logged below
            }
            LOG.warning(() -> name + " must be an ISO-8601 duration of zero or more, such as PT5S, not '" + value
                    + "'; using " + fallback);
            return fallback;
        }).orElse(fallback);
    }

    private static boolean isEmpty(String value) {
        return value == null || value.isEmpty();
    }

    private static Connection connect(String url, String username, String pass, Timeouts timeouts) throws SQLException {
        Properties props = new Properties();
        if (url != null && url.startsWith("jdbc:postgresql:")) {
            props.putAll(timeouts.postgresProperties()); // parameters in the URL win over these
        }
        if (username != null && !username.isEmpty()) {
            props.setProperty("user", username);
        }
        if (pass != null && !pass.isEmpty()) {
            props.setProperty("password", pass);
        }
        Driver driver = driverFor(url);
        Connection connection = driver.connect(url, props);
        if (connection == null) {
            throw new SQLException("No JDBC driver accepts the configured roomkeeper.db.url");
        }
        return connection;
    }

    private static Driver driverFor(String url) throws SQLException {
        if (url == null || url.isBlank()) {
            throw new SQLException("roomkeeper.db.url is not set");
        }
        // drivers packaged with the application, found through its own class loader
        for (Driver driver : ServiceLoader.load(Driver.class, UrlDataSource.class.getClassLoader())) {
            if (driver.acceptsURL(url)) {
                return driver;
            }
        }
        return DriverManager.getDriver(url);
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // connection logging goes through java.util.logging
    }

    @Override
    public void setLoginTimeout(int seconds) {
        this.loginTimeout = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeout;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper for " + iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }
}
