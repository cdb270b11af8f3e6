package dev.roomkeeper.bench;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The harness's command line. Every option has a default; {@code --help} lists them.
 *
 * @param connections  WebSockets to hold open, one simulated tab each
 * @param roomSize     members per room; rooms are filled in order, so there are connections/roomSize rooms
 * @param joinRate     leave+join cycles per second during the join phase (0 skips the phase)
 * @param fanoutRate   publishes per second during the fan-out phase (0 skips it); each reaches roomSize sockets
 * @param duration     length of each measured phase
 * @param warmup       joins and publishes at the phase rates before measuring, not recorded
 * @param heartbeat    heartbeat interval every session asks for and keeps
 * @param connectRate  new sockets per second while connecting
 * @param server       base URL of a running server (ignored with startServer)
 * @param secret       HS256 secret the server accepts (generated with startServer)
 * @param startServer  boot the built WAR on Payara Micro and stop it afterwards
 * @param serverJvm    JVM options of the started server
 * @param serverPid    process id of a running server, to read its RSS and CPU (null: not read)
 * @param addresses    loopback addresses the sockets are spread over (127.0.0.1 … 127.0.0.n), for ports
 * @param httpClients  JDK HttpClients the sockets share
 * @param clientThreads threads that run the clients' socket callbacks
 * @param out          directory of the summary files
 * @param serialFirstJoins at most one first join (join + subscribe) in flight per room while connecting
 * @param maxPending   sockets connecting (opened but not yet joined) at once
 * @param connectTimeout how long connecting may take in all
 * @param profile      record the server with JFR during each measured phase
 * @param targets      the servers loaded in each round, in this order (Roomkeeper first when both)
 * @param scenario     joins and publishes in separate phases, or both at once
 * @param rounds       how many times each target is run; runs alternate between the targets
 */
record LoadOptions(int connections, int roomSize, double joinRate, double fanoutRate, Duration duration,
                   Duration warmup, Duration heartbeat, double connectRate, URI server, String secret,
                   boolean startServer, List<String> serverJvm, Long serverPid, int addresses, int httpClients,
                   int clientThreads, Path out, boolean serialFirstJoins, int maxPending, Duration connectTimeout,
                   boolean profile, List<Target> targets, Scenario scenario, int rounds) {

    static final String USAGE = """
            PresenceLoad: WebSocket presence and fan-out load against Roomkeeper, on loopback only.

              --connections N      sockets to open and keep (default 15000; one JVM holds < 20000)
              --room-size N        members per room (default 50)
              --join-rate R        leave+join cycles per second in the join phase (default 100; 0 skips)
              --fanout-rate R      publishes per second in the fan-out phase (default 400, i.e. 20000
                                   deliveries/s with 50 members; 0 skips)
              --duration S         seconds each measured phase lasts (default 60)
              --warmup S           seconds of unrecorded joins and publishes first (default 10)
              --heartbeat S        heartbeat interval in seconds (default 10)
              --connect-rate R     sockets opened per second (default 500)
              --url URL            a running server (default http://127.0.0.1:8080); needs --secret or
                                   ROOMKEEPER_AUTH_HS256_SECRET, and --server-pid for RSS and CPU
              --secret S           the server's roomkeeper.auth.hs256-secret
              --server-pid PID     the running server's process id
              --start-server       boot target/roomkeeper.war on target/payara-micro.jar (build it first)
              --server-jvm "OPTS"  JVM options of the started server (default "-Xms1g -Xmx1g -XX:+UseG1GC")
              --addresses N        spread sockets over 127.0.0.1..127.0.0.N (default: one per 10000 sockets)
              --http-clients N     JDK HttpClients sharing the sockets (default 4)
              --client-threads N   threads running socket callbacks (default 2)
              --out DIR            where the summary is written (default target/bench)
              --max-pending N      sockets connecting (opened, not yet joined) at once (default 256)
              --connect-timeout S  how long connecting may take in all (default connections/rate + 300)
              --profile            record the server with JFR during each phase (needs its pid)
              --serial-first-joins one first join (join + subscribe) in flight per room while connecting,
                                   for servers before the subscribe/publish deadlock fix (8ca6744)
              --target T           roomkeeper (default), node (the Node ws reference server in
                                   src/test/node/reference-server, started by the harness) or both
                                   (needs --start-server); the same client and scenario for each
              --scenario S         separate (default: the join phase, then the fan-out phase) or combined
                                   (joins and publishes at the same time, in one measured window)
              --rounds N           runs of each target, alternating (default 1); with a node target a
                                   side-by-side table goes to target/bench/compare-<time>.md
            """;

    static final List<String> DEFAULT_SERVER_JVM = List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC");

    LoadOptions {
        require(connections > 0, "--connections must be positive");
        require(roomSize > 1, "--room-size must be at least 2 (a join needs a peer to see it)");
        require(joinRate >= 0 && fanoutRate >= 0, "rates must not be negative");
        require(connectRate > 0, "--connect-rate must be positive");
        require(!duration.isNegative() && !duration.isZero(), "--duration must be positive");
        require(!warmup.isNegative(), "--warmup must not be negative");
        require(heartbeat.toMillis() >= 1000, "--heartbeat must be at least 1 s");
        require(maxPending >= 1, "--max-pending must be positive");
        require(connectTimeout.toSeconds() >= 1, "--connect-timeout must be at least 1 s");
        require(addresses >= 1 && addresses <= 250, "--addresses must be 1..250");
        require(httpClients >= 1 && clientThreads >= 1, "--http-clients and --client-threads must be positive");
        require(targets != null && !targets.isEmpty() && targets.stream().distinct().count() == targets.size(),
                "--target must name roomkeeper, node or both");
        require(scenario != null, "--scenario must be separate or combined");
        require(rounds >= 1 && rounds <= 20, "--rounds must be 1..20");
        require(scenario != Scenario.COMBINED || (joinRate > 0 && fanoutRate > 0),
                "--scenario combined needs both --join-rate and --fanout-rate above 0");
        boolean attaches = targets.contains(Target.ROOMKEEPER) && !startServer;
        require(!attaches || targets.size() == 1,
                "--target both needs --start-server: the harness starts both servers itself, one after the other");
        require(!attaches || (secret != null && !secret.isBlank()),
                "a running server needs --secret (or ROOMKEEPER_AUTH_HS256_SECRET)");
        require(!attaches || isLoopback(server), "only loopback servers may be loaded: " + server);
        require(addresses == 1 || !attaches || "127.0.0.1".equals(server.getHost()) || "localhost".equals(server.getHost()),
                "--addresses > 1 needs the server on 127.0.0.1 listening on all loopback addresses");
        require(!profile || targets.contains(Target.ROOMKEEPER), "--profile records Roomkeeper's JVM: not with --target node");
    }

    /** Whether the harness boots Roomkeeper (a node target is always started by the harness). */
    boolean startsRoomkeeper() {
        return startServer && targets.contains(Target.ROOMKEEPER);
    }

    /** Whether the runs end with the side-by-side table: a node target, or more than one run. */
    boolean compares() {
        return targets.contains(Target.NODE) || rounds > 1;
    }

    /** Rooms the connections fill. */
    int rooms() {
        return (connections + roomSize - 1) / roomSize;
    }

    static LoadOptions parse(String[] args, Map<String, String> env) {
        Map<String, String> values = new HashMap<>();
        boolean startServer = false;
        boolean serialFirstJoins = false;
        boolean profile = false;
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        for (int i = 0; i < rest.size(); i++) {
            String arg = rest.get(i);
            if (arg.equals("--start-server")) {
                startServer = true;
            } else if (arg.equals("--profile")) {
                profile = true;
            } else if (arg.equals("--serial-first-joins")) {
                serialFirstJoins = true;
            } else if (arg.equals("--help") || arg.equals("-h")) {
                throw new IllegalArgumentException("");
            } else if (arg.startsWith("--") && arg.contains("=")) {
                values.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            } else if (arg.startsWith("--") && i + 1 < rest.size()) {
                values.put(arg.substring(2), rest.get(++i));
            } else {
                throw new IllegalArgumentException("unknown or incomplete option: " + arg);
            }
        }
        Set<String> given = Set.copyOf(values.keySet());
        int connections = integer(values.remove("connections"), 15_000);
        String secret = values.remove("secret");
        if (secret == null) {
            secret = env.get("ROOMKEEPER_AUTH_HS256_SECRET");
        }
        String pid = values.remove("server-pid");
        String jvm = values.remove("server-jvm");
        double connectRate = decimal(values.remove("connect-rate"), 500);
        String connectTimeout = values.remove("connect-timeout");
        List<Target> targets = targets(values.remove("target"));
        if (!targets.contains(Target.ROOMKEEPER)) {
            for (String option : List.of("url", "secret", "server-pid", "server-jvm")) {
                if (given.contains(option)) {
                    throw new IllegalArgumentException("--" + option + " is for Roomkeeper: --target node starts its own reference server");
                }
            }
        } else if (targets.size() > 1 && (given.contains("url") || given.contains("server-pid"))) {
            throw new IllegalArgumentException("--target both starts both servers itself: --url and --server-pid do not apply");
        }
        LoadOptions options = new LoadOptions(
                connections,
                integer(values.remove("room-size"), 50),
                decimal(values.remove("join-rate"), 100),
                decimal(values.remove("fanout-rate"), 400),
                Duration.ofMillis((long) (decimal(values.remove("duration"), 60) * 1000)),
                Duration.ofMillis((long) (decimal(values.remove("warmup"), 10) * 1000)),
                Duration.ofMillis((long) (decimal(values.remove("heartbeat"), 10) * 1000)),
                connectRate,
                URI.create(values.getOrDefault("url", "http://127.0.0.1:8080")),
                secret,
                startServer,
                jvm == null ? DEFAULT_SERVER_JVM : List.of(jvm.trim().split("\\s+")),
                pid == null ? null : Long.valueOf(pid),
                integer(values.remove("addresses"), Math.max(1, (connections + 9_999) / 10_000)),
                integer(values.remove("http-clients"), 4),
                integer(values.remove("client-threads"), 2),
                Path.of(values.getOrDefault("out", "target/bench")),
                serialFirstJoins,
                integer(values.remove("max-pending"), 256),
                Duration.ofSeconds(connectTimeout == null ? (long) (connections / connectRate) + 300
                        : (long) decimal(connectTimeout, 0)),
                profile,
                targets,
                scenario(values.remove("scenario")),
                integer(values.remove("rounds"), 1));
        values.remove("url");
        values.remove("out");
        if (!values.isEmpty()) {
            throw new IllegalArgumentException("unknown option(s): " + values.keySet());
        }
        return options;
    }

    private static List<Target> targets(String value) {
        if (value == null) {
            return List.of(Target.ROOMKEEPER);
        }
        return switch (value.trim()) {
            case "roomkeeper" -> List.of(Target.ROOMKEEPER);
            case "node" -> List.of(Target.NODE);
            case "both" -> List.of(Target.ROOMKEEPER, Target.NODE);
            default -> throw new IllegalArgumentException("--target must be roomkeeper, node or both, not " + value);
        };
    }

    private static Scenario scenario(String value) {
        if (value == null) {
            return Scenario.SEPARATE;
        }
        return switch (value.trim()) {
            case "separate" -> Scenario.SEPARATE;
            case "combined" -> Scenario.COMBINED;
            default -> throw new IllegalArgumentException("--scenario must be separate or combined, not " + value);
        };
    }

    private static boolean isLoopback(URI uri) {
        String host = uri.getHost();
        if (host == null) {
            return false;
        }
        if (host.equals("localhost")) {
            return true;
        }
        if (!host.matches("[0-9.]+") && !host.startsWith("[")) {
            // a name would need a resolver, and could be anything: literal loopback addresses only
            return false;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static int integer(String value, int fallback) {
        return value == null ? fallback : Integer.parseInt(value.trim());
    }

    private static double decimal(String value, double fallback) {
        return value == null ? fallback : Double.parseDouble(value.trim());
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
