package dev.roomkeeper.bench;

import dev.roomkeeper.testing.PayaraNode;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Node {@code ws} reference server ({@code src/test/node/reference-server}) on a free port, for one run
 * of the harness: installed with {@code npm ci --omit=dev} when its {@code node_modules} is missing, started
 * as its own {@code node} process (so {@link #pid()} is the server's), ready once {@code /health/ready}
 * answers 200, and ended with SIGTERM (SIGKILL after 10 s) by {@link #close()} or when the harness exits.
 */
final class ReferenceServer implements AutoCloseable {

    /** Where the server's sources are; run the harness from the project directory. */
    static final Path DIR = Path.of(System.getProperty("reference.dir", "src/test/node/reference-server"));
    private static final Duration INSTALL_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final int port;
    private final Path log;

    private ReferenceServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts the server listening on 127.0.0.1 … 127.0.0.{@code addresses}, all on the same free port.
     *
     * @param log the server's output, appended
     */
    static ReferenceServer start(int addresses, Path log) {
        installIfMissing(log);
        int port = PayaraNode.freePort();
        List<String> hosts = new ArrayList<>();
        for (int a = 1; a <= addresses; a++) {
            hosts.add("127.0.0." + a);
        }
        ProcessBuilder builder = new ProcessBuilder(List.of("node", "server.js")).directory(DIR.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("PORT", String.valueOf(port));
        builder.environment().put("HOSTS", String.join(",", hosts));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run node (is Node.js on the PATH?)", e);
        }
        ReferenceServer server = new ReferenceServer(process, port, log);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        server.awaitReady();
        return server;
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + port);
    }

    long pid() {
        return process.pid();
    }

    /** {@code node v20.… , ws 8.…}: what ran, for the summary. */
    String versions() {
        String ws = "?";
        try {
            Matcher version = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"")
                    .matcher(Files.readString(DIR.resolve("node_modules/ws/package.json")));
            if (version.find()) {
                ws = version.group(1);
            }
        } catch (IOException e) {
            // reported as unknown
        }
        return "node " + nodeVersion() + ", ws " + ws;
    }

    @Override
    public synchronized void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private void awaitReady() {
        // HTTP/1.1: an h2c upgrade request would be taken for a WebSocket upgrade by the server
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(base().resolve("/health/ready")).timeout(Duration.ofSeconds(2)).build();
        try {
            Awaitility.await("the Node ws reference server ready").atMost(START_TIMEOUT).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(100)).until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("the reference server exited; see " + log);
                        }
                        try {
                            return http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                        } catch (IOException e) {
                            return false; // not listening yet
                        }
                    });
        } catch (ConditionTimeoutException e) {
            close();
            throw new IllegalStateException("the reference server was not ready within " + START_TIMEOUT + "; see " + log, e);
        }
    }

    /** {@code npm ci --omit=dev} when the pinned {@code ws} is not installed yet (a fresh checkout). */
    private static void installIfMissing(Path log) {
        if (Files.isDirectory(DIR.resolve("node_modules/ws"))) {
            return;
        }
        PresenceLoad.say("installing the reference server's dependencies: npm ci --omit=dev in " + DIR);
        try {
            Process npm = new ProcessBuilder(List.of("npm", "ci", "--omit=dev", "--no-audit", "--no-fund"))
                    .directory(DIR.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (!npm.waitFor(INSTALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                npm.destroyForcibly();
                throw new IllegalStateException("npm ci did not finish within " + INSTALL_TIMEOUT + "; see " + log);
            }
            if (npm.exitValue() != 0) {
                throw new IllegalStateException("npm ci failed (exit " + npm.exitValue() + "); see " + log);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run npm (is Node.js installed?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing the reference server", e);
        }
    }

    private static String nodeVersion() {
        try {
            Process node = new ProcessBuilder(List.of("node", "--version")).redirectErrorStream(true).start();
            if (node.waitFor(10, TimeUnit.SECONDS)) {
                return new String(node.getInputStream().readAllBytes()).trim();
            }
            node.destroyForcibly();
        } catch (IOException e) {
            // reported as unknown
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "?";
    }
}
