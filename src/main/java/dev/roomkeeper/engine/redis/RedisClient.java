package dev.roomkeeper.engine.redis;

import dev.roomkeeper.engine.entity.EngineSettings;
import dev.roomkeeper.engine.entity.RedisSettings;
import dev.roomkeeper.stream.control.EngineException;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.CommandObjects;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * What every Redis store of one node shares: the pooled connections for commands, the scripts they run, the
 * names of the keys they keep and the arguments every publishing script takes. The stores are written against
 * this class's public methods only; none reaches into another store.
 * <p>
 * Keys of room {@code R} with prefix {@code rk:} all start with {@code rk:{R}:}, so they share a hash slot;
 * the stream's are {@code seq}, {@code epoch} and {@code hist}.
 * <p>
 * <b>Bounded waits and honest failures.</b> Every command waits at most the configured timeout for a connection
 * and for its answer. A command that could not be sent fails as {@link EngineException#notApplied}; one that was
 * sent and got no answer in time (Redis frozen, or gone mid-command) as {@link EngineException#outcomeUnknown},
 * since Redis may still run it. After either, Redis is taken to be down: commands are refused at once (not
 * applied) instead of each waiting out the timeout behind the last, and one caller at a time, at most every
 * {@link #PROBE_INTERVAL}, checks with a PING whether Redis answers again. So no request waits on a frozen
 * Redis for longer than one timeout (two when it probes and then runs its command).
 */
public class RedisClient implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RedisClient.class.getName());

    private final EngineSettings settings;
    private final RedisSettings redis;
    private final HostAndPort address;
    /** How often, while Redis is taken to be down, one caller checks whether it answers again. */
    static final Duration PROBE_INTERVAL = Duration.ofMillis(500);

    private final JedisPooled pool;
    private final CommandObjects commands = new CommandObjects();
    private volatile boolean down;
    private volatile long nextProbe = System.nanoTime();
    private final AtomicBoolean probing = new AtomicBoolean();
    private final LongAdder refusedWhileDown = new LongAdder();
    private final LongAdder unknownOutcomes = new LongAdder();

    public RedisClient(EngineSettings settings, RedisSettings redis) {
        this.settings = settings;
        this.redis = redis;
        this.address = new HostAndPort(redis.host(), redis.port());
        this.pool = new JedisPooled(address, clientConfig("roomkeeper-" + redis.nodeId()), poolConfig(redis));
    }

    /** The pooled connections for commands (never a subscriber's). */
    public JedisPooled pool() {
        return pool;
    }

    public EngineSettings settings() {
        return settings;
    }

    public RedisSettings redis() {
        return redis;
    }

    public HostAndPort address() {
        return address;
    }

    /** The configuration of a connection of this node, for a dedicated one (the subscriber's). */
    public JedisClientConfig clientConfig(String clientName) {
        int timeout = Math.toIntExact(redis.connectTimeout().toMillis());
        return DefaultJedisClientConfig.builder()
                .user(redis.user())
                .password(redis.password())
                .ssl(redis.ssl())
                .database(redis.database())
                .connectionTimeoutMillis(timeout)
                .socketTimeoutMillis(timeout)
                .clientName(clientName)
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED)
                .build();
    }

    /**
     * Runs a script by its SHA, loading it again when Redis lost it (restarted, or its script cache flushed).
     *
     * @throws EngineException when Redis is down or does not answer within the timeout (see the class comment)
     */
    public Object run(RedisScript script, List<String> keys, List<String> args) {
        admit();
        Connection connection = borrow();
        try (connection) {
            try {
                return connection.executeCommand(commands.evalsha(script.sha(), keys, args));
            } catch (JedisNoScriptException e) {
                return connection.executeCommand(commands.eval(script.source(), keys, args));
            }
        } catch (JedisConnectionException e) {
            trip(e);
            unknownOutcomes.increment();
            throw EngineException.outcomeUnknown("no answer from Redis at " + address + " to " + script.name()
                    + " within " + redis.connectTimeout().toMillis() + " ms", e);
        }
    }

    /**
     * Runs a plain command (a read, or an idempotent delete, where an unknown outcome changes nothing for the
     * caller) under the same bounded wait and down-detection as {@link #run}.
     *
     * @throws EngineException (not applied) when Redis is down or does not answer in time
     */
    public <T> T call(Function<JedisPooled, T> command) {
        admit();
        try {
            return command.apply(pool);
        } catch (JedisConnectionException e) {
            trip(e);
            throw EngineException.notApplied("no answer from Redis at " + address + " within "
                    + redis.connectTimeout().toMillis() + " ms", e);
        } catch (JedisException e) {
            if (e.getCause() instanceof JedisConnectionException) { // the pool could not connect
                trip(e);
                throw EngineException.notApplied("cannot reach Redis at " + address, e);
            }
            throw e;
        }
    }

    /** Commands refused at once while Redis was taken to be down. */
    public long refusedWhileDown() {
        return refusedWhileDown.sum();
    }

    /** Commands sent that got no answer in time (their outcome was unknown to the caller). */
    public long unknownOutcomes() {
        return unknownOutcomes.sum();
    }

    /** True while Redis is taken to be down (the last command got no answer and no PING has since). */
    public boolean down() {
        return down;
    }

    /** Refuses at once while Redis is taken to be down, except for one caller per probe interval that PINGs it. */
    private void admit() {
        if (!down) {
            return;
        }
        if (System.nanoTime() - nextProbe < 0 || !probing.compareAndSet(false, true)) {
            refusedWhileDown.increment();
            throw EngineException.notApplied("Redis at " + address + " is not answering; the command was not sent", null);
        }
        try {
            if (!ping()) {
                refusedWhileDown.increment();
                throw EngineException.notApplied("Redis at " + address + " is not answering; the command was not sent", null);
            }
        } finally {
            probing.set(false);
        }
    }

    private Connection borrow() {
        try {
            return pool.getPool().getResource();
        } catch (JedisException e) {
            trip(e);
            throw EngineException.notApplied("cannot reach Redis at " + address, e);
        }
    }

    private void trip(Exception cause) {
        nextProbe = System.nanoTime() + PROBE_INTERVAL.toNanos();
        if (!down) {
            down = true;
            LOG.warning(() -> "Redis at " + address + " is not answering (" + cause + "); refusing commands at once"
                    + " and checking every " + PROBE_INTERVAL.toMillis() + " ms whether it is back");
        }
    }

    /** Loads scripts into Redis's cache; failures only log, since {@link #run} loads them on first use. */
    public void load(List<RedisScript> scripts) {
        try {
            for (RedisScript script : scripts) {
                String sha = pool.scriptLoad(script.source());
                if (!sha.equalsIgnoreCase(script.sha())) {
                    LOG.warning(() -> "Redis named " + script.name() + " " + sha + ", expected " + script.sha());
                }
            }
        } catch (JedisException e) {
            LOG.warning(() -> "could not load scripts into Redis at " + address + " (" + e + "); they load on first use");
        }
    }

    /** True when Redis answers a PING (within the timeout); an answer ends a spell of being taken to be down. */
    public boolean ping() {
        try {
            boolean answered = "PONG".equals(pool.ping());
            if (answered && down) {
                down = false;
                LOG.info(() -> "Redis at " + address + " answers again");
            }
            return answered;
        } catch (JedisException e) {
            nextProbe = System.nanoTime() + PROBE_INTERVAL.toNanos();
            return false;
        }
    }

    /** The room's stream keys, in the order {@code stream-library.lua}'s {@code publish_event} takes them. */
    public List<String> streamKeys(String room) {
        return List.of(roomKey(room, "seq"), roomKey(room, "epoch"), roomKey(room, "hist"));
    }

    /** A key of the room: {@code <prefix>{<room>}:<name>}. */
    public String roomKey(String room, String name) {
        return redis.keyPrefix() + "{" + room + "}:" + name;
    }

    /** A key spanning rooms: {@code <prefix><name>}. */
    public String key(String name) {
        return redis.keyPrefix() + name;
    }

    /** The channel every event of every room is published on. */
    public String channel() {
        return redis.channel();
    }

    /**
     * The keys a publishing script starts with (the room's stream keys) followed by its own.
     */
    public List<String> publishingKeys(String room, String... own) {
        List<String> keys = new ArrayList<>(3 + own.length);
        keys.addAll(streamKeys(room));
        keys.addAll(List.of(own));
        return keys;
    }

    /**
     * The arguments a publishing script starts with, as {@code publish_event} takes them (ARGV 1-7): the epoch to
     * create if the room has none, the room, now, the history size, the idle TTL (ms), the channel, the key
     * prefix; followed by the operation's own.
     */
    public List<String> publishingArgs(String room, long now, String... own) {
        List<String> args = new ArrayList<>(7 + own.length);
        args.add(newEpoch());
        args.add(room);
        args.add(Long.toString(now));
        args.add(Integer.toString(settings.historySize()));
        args.add(Long.toString(settings.streamIdleTtl().toMillis()));
        args.add(redis.channel());
        args.add(redis.keyPrefix());
        args.addAll(List.of(own));
        return args;
    }

    /** A fresh epoch: 16 hex digits, never one that starts with 0 (so always 16 long). */
    public static String newEpoch() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
    }

    @Override
    public void close() {
        pool.close();
    }

    private static ConnectionPoolConfig poolConfig(RedisSettings redis) {
        ConnectionPoolConfig config = new ConnectionPoolConfig();
        config.setMaxTotal(16);
        config.setMaxIdle(16);
        config.setMinIdle(0);
        config.setMaxWait(redis.connectTimeout()); // never wait forever for a pooled connection
        config.setJmxEnabled(false); // several engines (and redeploys) in one JVM would clash on MBean names
        return config;
    }
}
