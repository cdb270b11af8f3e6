package dev.roomkeeper.testing;

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
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(server + " exited; see " + log);
            }
            String failed = failure.get();
            if (failed != null) {
                throw new IllegalStateException(server + ": " + failed + "; see " + log);
            }
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(ready)
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && response.body().contains("roomkeeper-database")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException(server + " not ready within " + timeout + "; see " + log);
    }
}
