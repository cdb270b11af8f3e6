package dev.roomkeeper.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The WAR that was actually built, on a real Payara Micro process. Ready only when the application's
 * own readiness checks answer UP (Payara answers UP with no checks after a failed deployment).
 */
public final class PayaraNode implements Node, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PayaraNode.class.getName());
    private static final Duration START_TIMEOUT = Duration.ofSeconds(240);
    /**
     * What the tests start with: small, quick to boot, one GC thread; and, as the README asks of every node,
     * without Hazelcast's own shutdown hook, so that a graceful stop lets the application write what it holds
     * (otherwise Hazelcast stops in parallel and the connection pool refuses connections).
     */
    public static final List<String> TEST_JVM_OPTIONS =
            List.of("-Xmx768m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                    "-Dhazelcast.shutdownhook.enabled=false");

    /** Payara settings that ship with the application (server-config/payara). */
    public static final Path PRE_BOOT_COMMANDS = Path.of(System.getProperty("payara.preboot",
            "server-config/payara/pre-boot-commands.asadmin"));

    private final String name;
    private final int port;
    private final Path log;
    private final Map<String, String> properties;
    private final List<String> jvmOptions;
    private Process process;
    private Duration startTime;

    public PayaraNode(String name, Map<String, String> properties) {
        this(name, properties, TEST_JVM_OPTIONS);
    }

    /**
     * A node started with {@code jvmOptions} (heap, GC, logging) instead of {@link #TEST_JVM_OPTIONS}:
     * the load harness measures the server as it would run, not as the tests boot it.
     */
    public PayaraNode(String name, Map<String, String> properties, List<String> jvmOptions) {
        this.name = name;
        this.port = freePort();
        this.properties = properties;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.log = workdir().resolve(name + ".log");
        try {
            Files.deleteIfExists(log); // a node's log holds this run's starts only, each appended
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path workdir() {
        Path dir = Path.of(System.getProperty("it.workdir", "target/it"));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return dir;
    }

    public synchronized PayaraNode start() {
        if (process != null && process.isAlive()) {
            return this;
        }
        String jar = System.getProperty("payara.jar", "target/payara-micro.jar");
        String war = System.getProperty("roomkeeper.war", "target/roomkeeper.war");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", jar, "--deploy", war, "--contextroot", "/", "--port", String.valueOf(port),
                "--nocluster", "--rootDir", workdir().resolve("payara-" + name).toString()));
        // the shipped server settings (thread pools), so that what is tested and measured is what ships
        command.addAll(List.of("--prebootcommandfile", PRE_BOOT_COMMANDS.toAbsolutePath().toString()));
        // Payara Micro redeploys whatever an old --rootDir holds: start from an empty one, or a previous
        // run's WAR could be what the tests talk to
        deleteRecursively(workdir().resolve("payara-" + name));
        long begin = System.nanoTime();
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start Payara Micro for " + name, e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::close));
        Readiness.await("Payara Micro node " + name, process, base().resolve("/health/ready"), START_TIMEOUT, log, () -> null);
        startTime = Duration.ofNanos(System.nanoTime() - begin);
        LOG.info(() -> "node " + name + " ready on port " + port + " after " + startTime.toMillis() + " ms");
        return this;
    }

    @Override
    public URI base() {
        return URI.create("http://127.0.0.1:" + port);
    }

    @Override
    public URI ws() {
        return URI.create("ws://127.0.0.1:" + port + "/ws");
    }

    public String name() {
        return name;
    }

    public Duration startTime() {
        return startTime;
    }

    public Path log() {
        return log;
    }

    public List<String> jvmOptions() {
        return jvmOptions;
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    @Override
    public synchronized void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /**
     * Kills the node as a crash does (SIGKILL): nothing of the application runs, no socket gets a close frame.
     * {@link #start()} boots it again, on the same port.
     */
    public synchronized void kill() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroyForcibly();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException("node " + name + " still alive 20 s after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new IllegalStateException("cannot clear " + dir, e);
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
