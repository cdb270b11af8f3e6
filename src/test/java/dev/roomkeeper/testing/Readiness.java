package dev.roomkeeper.testing;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Waits, within a deadline, until a server's readiness answers UP and names the application's database
 * check: servers answer UP with no checks at all after a failed deployment.
 */
final class Readiness {

    private Readiness() {
    }

    /**
     * Polls {@code ready} until it names the database check; fails at once when {@code process} exits or
     * {@code failure} reports something (null while all is well), and when {@code timeout} has passed.
     */
    static void await(String server, Process process, URI ready, Duration timeout, Path log, Supplier<String> failure) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try {
            Awaitility.await(server + " ready").atMost(timeout).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(250)).until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException(server + " exited; see " + log);
                        }
                        String failed = failure.get();
                        if (failed != null) {
                            throw new IllegalStateException(server + ": " + failed + "; see " + log);
                        }
                        return namesTheDatabaseCheck(http, ready);
                    });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(server + " not ready within " + timeout + "; see " + log, e);
        }
    }

    private static boolean namesTheDatabaseCheck(HttpClient http, URI ready) throws InterruptedException {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(ready)
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("roomkeeper-database");
        } catch (IOException e) {
            return false; // not listening yet
        }
    }
}
