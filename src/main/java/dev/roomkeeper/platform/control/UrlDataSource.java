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
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.logging.Logger;

/**
 * A driver-neutral data source: the JDBC URL alone picks H2 or PostgreSQL, so operators set one
 * key ({@code roomkeeper.db.url}) and never a driver class. The server's connection pool wraps it, on
 * Payara and WildFly alike.
 */
public class UrlDataSource implements DataSource {

    /** The embedded default: an H2 file database in the working directory. */
    public static final String DEFAULT_URL = "jdbc:h2:file:./roomkeeper-data/roomkeeper";
    /** Where the settings are read: {@code roomkeeper.db.url}, {@code .user} and {@code .password}. */
    public static final String DEFAULT_CONFIG_PREFIX = "roomkeeper.db";

    private String configPrefix = DEFAULT_CONFIG_PREFIX;
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
            Config config = ConfigProvider.getConfig(UrlDataSource.class.getClassLoader());
            return connect(config.getOptionalValue(configPrefix + ".url", String.class).orElse(DEFAULT_URL),
                    isEmpty(username) ? config.getOptionalValue(configPrefix + ".user", String.class).orElse("") : username,
                    isEmpty(pass) ? config.getOptionalValue(configPrefix + ".password", String.class).orElse("") : pass);
        }
        return connect(url, username, pass);
    }

    private static boolean isEmpty(String value) {
        return value == null || value.isEmpty();
    }

    private static Connection connect(String url, String username, String pass) throws SQLException {
        Properties props = new Properties();
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
