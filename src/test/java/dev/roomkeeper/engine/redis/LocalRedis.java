package dev.roomkeeper.engine.redis;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.concurrent.ThreadFactory;

/**
 * A real redis-server (the binary shipped in the embedded-redis jar) on a free loopback port, without persistence,
 * for one test class: {@code @RegisterExtension static final LocalRedis REDIS = new LocalRedis();} starts it before
 * the class's tests and stops it after them.
 */
final class LocalRedis implements BeforeAllCallback, AfterAllCallback {

    /** Daemon threads for the engines' subscribers, so a test that forgets to close one does not hang the JVM. */
    static final ThreadFactory DAEMONS = r -> {
        Thread t = new Thread(r);
        t.setDaemon(true);
        return t;
    };

    private RedisServer server;
    private int port;

    @Override
    public void beforeAll(ExtensionContext context) {
        try {
            port = freePort();
            server = RedisServer.newRedisServer()
                    .bind("127.0.0.1")
                    .port(port)
                    .setting("save \"\"")
                    .setting("appendonly no")
                    .build();
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server", e);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (server != null) {
            server.stop();
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
}
