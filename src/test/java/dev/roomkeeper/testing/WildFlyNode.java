package dev.roomkeeper.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The WAR that was built, on a standard WildFly distribution prepared by {@code server-config/wildfly/configure.cli}
 * exactly as the README tells operators: the script is run once per test run (offline, embedded CLI) on a copy of
 * the distribution's {@code standalone/} folder, each node starts from a copy of the result, with the WAR dropped
 * in as {@code ROOT.war} and its settings passed as environment variables. Ready only when the management port's
 * readiness names the application's database check.
 */
public final class WildFlyNode implements Node, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WildFlyNode.class.getName());
    private static final Duration START_TIMEOUT = Duration.ofSeconds(240);
    private static final Duration CLI_TIMEOUT = Duration.ofSeconds(180);
    /** standalone.xml's ports (HTTP, HTTPS, management HTTP/HTTPS, AJP, transaction recovery and status). */
    private static final int[] PORTS = {8080, 8443, 9990, 9993, 8009, 4712, 4713};
    private static Path configured;

    private final String name;
    private final Path dir;
    private final Path log;
    private final int offset;
    private Process process;
    private Duration startTime;

    private WildFlyNode(String name) {
        this.name = name;
        this.dir = PayaraNode.workdir().resolve("wildfly-" + name).toAbsolutePath();
        this.log = PayaraNode.workdir().resolve("wildfly-" + name + ".log");
        this.offset = freeOffset();
    }

    /** Where the distribution was unpacked ({@code wildfly.home}, set by the build), or null (or skipped). */
    public static Path home() {
        String home = System.getProperty("wildfly.home");
        if (Boolean.getBoolean("wildfly.skip")) {
            return null;
        }
        return home == null || !Files.isDirectory(Path.of(home)) ? null : Path.of(home).toAbsolutePath();
    }

    /**
     * Starts a node whose application reads {@code settings} (MicroProfile Config keys such as
     * {@code roomkeeper.db.url}) from environment variables ({@code ROOMKEEPER_DB_URL}).
     * The working directory is the node's own folder, so the default H2 file database lands there.
     */
    public static WildFlyNode start(String name, Map<String, String> settings) {
        WildFlyNode node = new WildFlyNode(name);
        node.launch(settings);
        return node;
    }

    private void launch(Map<String, String> settings) {
        Path home = home();
        Path base = dir.resolve("standalone");
        PayaraNode.deleteRecursively(dir);
        copyRecursively(configuredBase(home), base);
        String war = System.getProperty("roomkeeper.war", "target/roomkeeper.war");
        try {
            Files.copy(Path.of(war), base.resolve("deployments/ROOT.war"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException("cannot deploy " + war, e);
        }
        List<String> command = List.of("bash", home.resolve("bin/standalone.sh").toString(),
                "-Djboss.server.base.dir=" + base, "-Djboss.socket.binding.port-offset=" + offset);
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        // standalone.sh keeps its own module options; these replace only its default heap and GC settings
        List<String> jvm = new ArrayList<>(PayaraNode.TEST_JVM_OPTIONS);
        jvm.addAll(List.of("-Djava.net.preferIPv4Stack=true", "-Djava.awt.headless=true",
                "-Djboss.modules.system.pkgs=org.jboss.byteman"));
        env.put("JAVA_OPTS", String.join(" ", jvm));
        // the script forwards a TERM to the server's JVM only when it runs it in the background
        env.put("LAUNCH_JBOSS_IN_BACKGROUND", "1");
        settings.forEach((key, value) -> env.put(environmentName(key), value));
        long begin = System.nanoTime();
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start WildFly for " + name, e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::close));
        Path failed = base.resolve("deployments/ROOT.war.failed");
        Readiness.await("WildFly node " + name, process, management().resolve("/health/ready"), START_TIMEOUT, log,
                () -> Files.exists(failed) ? "WildFly did not deploy the WAR" : null);
        startTime = Duration.ofNanos(System.nanoTime() - begin);
        LOG.info(() -> "WildFly node " + name + " ready on port " + base().getPort() + " after " + startTime.toMillis() + " ms");
    }

    /** MicroProfile Config's environment name of a key: upper case, every {@code .} and {@code -} an underscore. */
    static String environmentName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** standalone/ of the distribution after configure.cli, made once per test run. */
    private static synchronized Path configuredBase(Path home) {
        if (configured != null) {
            return configured;
        }
        Path base = PayaraNode.workdir().resolve("wildfly-configured").toAbsolutePath();
        PayaraNode.deleteRecursively(base);
        copyRecursively(home.resolve("standalone"), base);
        Path script = Path.of(System.getProperty("wildfly.cli", "server-config/wildfly/configure.cli")).toAbsolutePath();
        Path cliLog = PayaraNode.workdir().resolve("wildfly-cli.log");
        ProcessBuilder cli = new ProcessBuilder("bash", home.resolve("bin/jboss-cli.sh").toString(), "--file=" + script)
                .redirectErrorStream(true).redirectOutput(cliLog.toFile());
        cli.environment().put("JAVA_HOME", System.getProperty("java.home"));
        cli.environment().put("JAVA_OPTS", "-Djboss.server.base.dir=" + base);
        try {
            Process run = cli.start();
            if (!run.waitFor(CLI_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                run.destroyForcibly();
                throw new IllegalStateException("configure.cli did not finish within " + CLI_TIMEOUT + "; see " + cliLog);
            }
            String output = Files.readString(cliLog);
            if (run.exitValue() != 0 || output.contains("\"outcome\" => \"failed\"")) {
                throw new IllegalStateException("configure.cli failed (exit " + run.exitValue() + "); see " + cliLog);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run configure.cli", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        configured = base;
        return base;
    }

    @Override
    public URI base() {
        return URI.create("http://127.0.0.1:" + (8080 + offset));
    }

    @Override
    public URI ws() {
        return URI.create("ws://127.0.0.1:" + (8080 + offset) + "/ws");
    }

    /** The management interface: health and metrics. */
    public URI management() {
        return URI.create("http://127.0.0.1:" + (9990 + offset));
    }

    public Duration startTime() {
        return startTime;
    }

    public Path log() {
        return log;
    }

    @Override
    public synchronized void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        // the server's JVM is a child of standalone.sh: stop it (it shuts down cleanly on TERM), then drop the
        // script, which otherwise keeps waiting on the JVM it had been told to forward the signal to
        List<ProcessHandle> jvms = process.descendants().toList();
        jvms.forEach(ProcessHandle::destroy);
        try {
            for (ProcessHandle jvm : jvms) {
                try {
                    jvm.onExit().get(30, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    jvm.destroyForcibly();
                }
            }
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } catch (ExecutionException e) {
            process.destroyForcibly();
        }
    }

    /** A port offset under which every port standalone.xml binds is free just now. */
    private static int freeOffset() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int offset = 20_000 + ThreadLocalRandom.current().nextInt(30_000);
            boolean free = true;
            for (int port : PORTS) {
                free &= isFree(port + offset);
            }
            if (free) {
                return offset;
            }
        }
        throw new IllegalStateException("no free port offset for WildFly");
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            socket.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void copyRecursively(Path from, Path to) {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot copy " + from + " to " + to, e);
        }
    }
}
