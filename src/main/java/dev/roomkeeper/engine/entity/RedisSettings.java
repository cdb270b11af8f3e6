package dev.roomkeeper.engine.entity;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How the Redis engine reaches Redis and names what it keeps there.
 *
 * @param host           Redis host
 * @param port           Redis port
 * @param user           ACL user, or null for the default user
 * @param password       password, or null when Redis has no authentication
 * @param ssl            connect with TLS
 * @param database       the database index for keys (pub/sub channels are shared by all databases, so
 *                       deployments sharing one Redis must differ in {@code keyPrefix})
 * @param keyPrefix      prefix of every key and of the events channel; {@code rk:} when null or blank
 * @param connectTimeout bound on connecting, on each command and on waiting for a pooled connection
 * @param nodeId         this node's name in Redis client names and logs; random when null or blank
 */
public record RedisSettings(String host, int port, String user, String password, boolean ssl, int database,
                            String keyPrefix, Duration connectTimeout, String nodeId) {

    public static final String DEFAULT_KEY_PREFIX = "rk:";
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);

    public RedisSettings {
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535");
        }
        if (database < 0) {
            throw new IllegalArgumentException("database must not be negative");
        }
        keyPrefix = keyPrefix == null || keyPrefix.isBlank() ? DEFAULT_KEY_PREFIX : keyPrefix;
        connectTimeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be positive");
        }
        nodeId = nodeId == null || nodeId.isBlank()
                ? Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16)
                : nodeId.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** An unauthenticated Redis on this machine, database 0, default prefix and timeout. */
    public static RedisSettings local(int port, String nodeId) {
        return new RedisSettings("localhost", port, null, null, false, 0, null, null, nodeId);
    }

    /** The events channel every node subscribes to. */
    public String channel() {
        return keyPrefix + "events";
    }

    /** Keeps the password out of logs. */
    @Override
    public String toString() {
        return "RedisSettings[host=" + host + ", port=" + port + ", user=" + user
                + ", password=" + (password == null ? "none" : "***") + ", ssl=" + ssl + ", database=" + database
                + ", keyPrefix=" + keyPrefix + ", connectTimeout=" + connectTimeout + ", nodeId=" + nodeId + "]";
    }
}
