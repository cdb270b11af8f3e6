package dev.roomkeeper.faults;

import org.junit.jupiter.api.function.Executable;
import org.opentest4j.AssertionFailedError;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Soft assertions for a fault test: each named check is run and its failure recorded, so one test reports every
 * promise the server broke during the fault (and the measurements after it), not only the first. Repeated checks of
 * the same name are counted; the first failure's message is kept. {@link #assertAllPassed()} ends the test.
 */
final class Checks {

    private final String label;
    private final Map<String, int[]> counts = new LinkedHashMap<>();
    private final Map<String, String> firstFailure = new LinkedHashMap<>();

    Checks(String label) {
        this.label = label;
    }

    /** Runs {@code check}; true when it passed. Errors other than assertion failures are recorded too. */
    synchronized boolean check(String name, Executable check) {
        int[] count = counts.computeIfAbsent(name, n -> new int[2]);
        count[0]++;
        try {
            check.execute();
            return true;
        } catch (Throwable failure) {
            if (failure instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            count[1]++;
            firstFailure.putIfAbsent(name, failure instanceof AssertionError ? failure.getMessage() : failure.toString());
            return false;
        }
    }

    synchronized boolean failed(String name) {
        return firstFailure.containsKey(name);
    }

    /** Fails with every check that failed: how often, and the first failure's message. */
    synchronized void assertAllPassed() {
        if (firstFailure.isEmpty()) {
            return;
        }
        StringBuilder s = new StringBuilder(label).append(": ").append(firstFailure.size()).append(" of ")
                .append(counts.size()).append(" checks failed");
        firstFailure.forEach((name, message) -> {
            int[] count = counts.get(name);
            s.append("\n  - ").append(name).append(count[0] > 1 ? " (failed " + count[1] + " of " + count[0] + " times)" : "")
                    .append(": ").append(message);
        });
        System.out.println("[faults] " + s);
        throw new AssertionFailedError(s.toString());
    }
}
