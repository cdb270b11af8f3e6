package dev.roomkeeper.platform.boundary;

import dev.roomkeeper.platform.control.Meters;
import org.junit.jupiter.api.Test;

import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UndecodablePathLogTest {

    private final Meters.Counter counter = Meters.inMemory().counter("roomkeeper.http.undecodable-paths");

    private static LogRecord severe(Throwable thrown) {
        LogRecord record = new LogRecord(Level.SEVERE, "AS-WEB-CORE-00037");
        record.setThrown(thrown);
        return record;
    }

    private static RuntimeException thrownBy(String className) {
        return thrownBy(className, new IllegalArgumentException("isHexDigit"));
    }

    private static RuntimeException thrownBy(String className, RuntimeException e) {
        e.setStackTrace(new StackTraceElement[]{
                new StackTraceElement(className, "decode", "X.java", 1),
                new StackTraceElement("org.apache.catalina.connector.CoyoteAdapter", "service", "Y.java", 2)});
        return e;
    }

    @Test
    void theContainersRecordOfAnUndecodablePathIsCountedInsteadOfLogged() {
        var quiet = new UndecodablePathLog.Quiet(null, counter);
        String decoder = "org.glassfish.grizzly.http.util.URLDecoder";
        assertFalse(quiet.isLoggable(severe(thrownBy(decoder))));
        assertFalse(quiet.isLoggable(severe(thrownBy(decoder, new IllegalStateException("Unexpected termination")))));
        assertFalse(quiet.isLoggable(severe(new RuntimeException("wrapped", thrownBy(decoder)))));
        assertEquals(3, counter.count());
    }

    @Test
    void everyOtherRecordStillReachesTheLog() {
        var quiet = new UndecodablePathLog.Quiet(null, counter);
        assertTrue(quiet.isLoggable(severe(thrownBy("org.example.Elsewhere"))));
        assertTrue(quiet.isLoggable(severe(new IllegalStateException("from the decoder?"))));
        assertTrue(quiet.isLoggable(new LogRecord(Level.SEVERE, "no throwable")));
        assertEquals(0, counter.count());
    }

    @Test
    void aFilterInstalledBeforeStillDecidesForTheOtherRecords() {
        var quiet = new UndecodablePathLog.Quiet(record -> !record.getMessage().contains("noise"), counter);
        assertFalse(quiet.isLoggable(new LogRecord(Level.INFO, "noise")));
        assertTrue(quiet.isLoggable(new LogRecord(Level.INFO, "signal")));
    }
}
