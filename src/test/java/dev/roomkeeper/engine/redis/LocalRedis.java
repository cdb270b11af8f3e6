package dev.roomkeeper.engine.redis;

import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.concurrent.ThreadFactory;

/** A real redis-server (the binary shipped in the embedded-redis jar) on a free loopback port, without persistence. */
final class LocalRedis implements AutoCloseable {

    /** Daemon threads for the engines' subscribers, so a test that forgets to close one does not hang the JVM. */
    static final ThreadFactory DAEMONS = r -> {
        Thread t = new Thread(r);
        t.setDaemon(true);
        return t;
    };

    private final RedisServer server;
    private final int port;

    private LocalRedis(RedisServer server, int port) {
        this.server = server;
        this.port = port;
    }

    static LocalRedis start() {
        try {
            int port = freePort();
            RedisServer server = RedisServer.newRedisServer()
                    .bind("127.0.0.1")
                    .port(port)
                    .setting("save \"\"")
                    .setting("appendonly no")
                    .build();
            server.start();
            return new LocalRedis(server, port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server", e);
        }
    }

    int port() {
        return port;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws IOException {
        server.stop();
    }
}
