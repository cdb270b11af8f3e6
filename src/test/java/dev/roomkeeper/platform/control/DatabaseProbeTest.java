package dev.roomkeeper.platform.control;

import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One probe, on the test's thread, over data sources made of proxies. */
class DatabaseProbeTest {

    private final DatabaseProbe probe = new DatabaseProbe();

    private static <T> T proxy(Class<T> type, java.lang.reflect.InvocationHandler handler) {
        return type.cast(Proxy.newProxyInstance(DatabaseProbeTest.class.getClassLoader(), new Class<?>[]{type}, handler));
    }

    private static DataSource connecting(boolean valid) {
        DatabaseMetaData meta = proxy(DatabaseMetaData.class, (p, m, a) -> m.getName().equals("getDatabaseProductName") ? "PostgreSQL" : null);
        Connection connection = proxy(Connection.class, (p, m, a) -> switch (m.getName()) {
            case "isValid" -> valid;
            case "getMetaData" -> meta;
            default -> null;
        });
        return proxy(DataSource.class, (p, m, a) -> m.getName().equals("getConnection") ? connection : null);
    }

    @Test
    void aValidConnectionIsUpWithTheProduct() {
        probe.dataSource = connecting(true);

        DatabaseProbe.Result result = probe.probe();

        assertTrue(result.up());
        assertEquals("PostgreSQL", result.product());
    }

    @Test
    void anInvalidConnectionIsUnreachable() {
        probe.dataSource = connecting(false);

        DatabaseProbe.Result result = probe.probe();

        assertFalse(result.up());
        assertEquals(DatabaseFailure.UNREACHABLE, result.failure());
    }

    @Test
    void aRefusedConnectionIsUnreachableNamedByItsClassOnly() {
        probe.dataSource = proxy(DataSource.class, (p, m, a) -> {
            throw new SQLException("Connection to db.internal:5432 refused", "08001");
        });

        DatabaseProbe.Result result = probe.probe();

        assertFalse(result.up());
        assertEquals("SQLException", result.error());
        assertEquals(DatabaseFailure.UNREACHABLE, result.failure());
    }

    @Test
    void aProbeThatCannotStartCompletesAsDown() {
        // no thread factory outside a server: the executor cannot be made
        DatabaseProbe.Result result = probe.start().join();

        assertFalse(result.up());
    }
}
