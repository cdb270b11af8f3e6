package dev.roomkeeper.engine.redis;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisException;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One node's subscription to the events channel, kept up for the node's life: a thread (from the server's
 * {@code ManagedThreadFactory}) with its own connection and a reconnect loop (100 ms, doubling up to 5 s), and a
 * watchdog that pings on the subscription, since Jedis reads it without a timeout and a half-open socket would
 * otherwise go unnoticed. It hands every message, and every confirmed subscription, to its owner
 * ({@link RedisStreamBroker}), on the subscriber thread, one at a time.
 */
final class RedisSubscriber {

    private static final Logger LOG = Logger.getLogger(RedisSubscriber.class.getName());

    static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    static final Duration PING_INTERVAL = Duration.ofSeconds(5);
    private static final Duration CLOSE_DEADLINE = Duration.ofSeconds(5);

    private final RedisClient redis;
    private final JedisClientConfig subscriberConfig;
    /** Told {@code true} when a subscription is confirmed again after a lost one, {@code false} the first time. */
    private final Consumer<Boolean> onSubscribed;
    private final Consumer<String> onMessage;
    private final Object lock = new Object();
    private final CountDownLatch firstSubscription = new CountDownLatch(1);
    private final Thread subscriber;
    private final Thread watchdog;
    private volatile long lastPong = System.nanoTime();
    private volatile boolean closed;
    private volatile boolean subscribed;
    private volatile Subscription subscription;
    private Jedis subscriberConnection; // guarded by lock
    private boolean everSubscribed; // subscriber thread only

    RedisSubscriber(RedisClient redis, ThreadFactory threadFactory, Consumer<Boolean> onSubscribed,
                    Consumer<String> onMessage) {
        this.redis = redis;
        this.onSubscribed = onSubscribed;
        this.onMessage = onMessage;
        String nodeId = redis.redis().nodeId();
        this.subscriberConfig = redis.clientConfig("roomkeeper-" + nodeId + "-sub");
        this.subscriber = threadFactory.newThread(this::subscribeUntilClosed);
        subscriber.setName("roomkeeper-redis-subscriber-" + nodeId);
        subscriber.start();
        this.watchdog = threadFactory.newThread(this::watchSubscription);
        watchdog.setName("roomkeeper-redis-watchdog-" + nodeId);
        watchdog.setDaemon(true);
        watchdog.start();
    }

    /**
     * Waits up to the connect timeout for the first subscription, so that the node's listeners see the events it
     * publishes from then on; when Redis is unreachable, gives up waiting and keeps retrying in the background.
     */
    void awaitFirstSubscription() {
        try {
            if (!firstSubscription.await(redis.redis().connectTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warning(() -> "not subscribed to " + redis.channel() + " at " + redis.address()
                        + " yet; retrying in the background");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** True while subscribed right now. */
    boolean subscribed() {
        return !closed && subscribed;
    }

    /** Stops the thread (within a few seconds): unsubscribes, or closes the connection when that does not do. */
    void close() {
        Jedis connection;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            connection = subscriberConnection;
            lock.notifyAll();
        }
        long deadline = System.nanoTime() + CLOSE_DEADLINE.toNanos();
        Subscription current = subscription;
        if (current != null && current.isSubscribed()) {
            try {
                current.unsubscribe();
            } catch (JedisException e) {
                LOG.log(Level.FINE, "unsubscribe failed; closing the connection instead", e);
            }
        }
        join(deadline - CLOSE_DEADLINE.toNanos() / 2);
        if (subscriber.isAlive() && connection != null) {
            connection.close();
        }
        join(deadline);
        if (subscriber.isAlive()) {
            LOG.warning(() -> subscriber.getName() + " did not stop within " + CLOSE_DEADLINE);
        }
        watchdog.interrupt();
    }

    /**
     * Every {@link #PING_INTERVAL} sends PING on the subscription; when no PONG came back within three
     * intervals the connection is closed, which ends the blocked read and lets the reconnect loop (and its
     * catch-up from history) take over.
     */
    private void watchSubscription() {
        while (pause(PING_INTERVAL.toMillis()) && !closed) {
            Subscription current = subscription;
            if (current == null || !subscribed || !current.isSubscribed()) {
                lastPong = System.nanoTime();
                continue;
            }
            if (System.nanoTime() - lastPong > 3 * PING_INTERVAL.toNanos()) {
                LOG.warning(() -> "no PONG from " + redis.address() + " on the subscription for "
                        + 3 * PING_INTERVAL.toSeconds() + " s; reconnecting");
                Jedis connection;
                synchronized (lock) {
                    connection = subscriberConnection;
                }
                if (connection != null) {
                    try {
                        connection.disconnect();
                    } catch (RuntimeException e) {
                        LOG.log(Level.FINE, "closing a dead subscription failed", e);
                    }
                }
                lastPong = System.nanoTime();
                continue;
            }
            try {
                current.ping();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "PING on the subscription failed", e);
            }
        }
    }

    private void subscribeUntilClosed() {
        long backoff = FIRST_BACKOFF.toMillis();
        while (!closed) {
            Subscription current = new Subscription();
            subscription = current;
            try {
                subscribeOnce(current);
            } catch (RuntimeException e) {
                if (!closed) {
                    long wait = backoff;
                    LOG.warning(() -> "subscriber lost " + redis.address() + " (" + e + "); retrying in " + wait + " ms");
                    LOG.log(Level.FINE, "subscriber failure", e);
                }
            } finally {
                subscribed = false;
            }
            if (current.confirmed) {
                backoff = FIRST_BACKOFF.toMillis();
            }
            if (!pause(backoff)) {
                LOG.warning(() -> subscriber.getName() + " was interrupted; it stops delivering events");
                break;
            }
            backoff = Math.min(backoff * 2, MAX_BACKOFF.toMillis());
        }
        subscribed = false;
    }

    /** Connects and listens until unsubscribed; throws when connecting fails or the connection breaks. */
    private void subscribeOnce(Subscription current) {
        Jedis connection = new Jedis(redis.address(), subscriberConfig); // connects here
        try {
            synchronized (lock) {
                if (closed) {
                    return;
                }
                subscriberConnection = connection;
            }
            connection.subscribe(current, redis.channel());
        } finally {
            synchronized (lock) {
                subscriberConnection = null;
            }
            connection.close();
        }
    }

    /** Waits before the next attempt; false when the thread was interrupted (its executor is shutting down). */
    private boolean pause(long millis) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (lock) {
            long left;
            while (!closed && (left = until - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    private void join(long deadlineNanos) {
        long left = deadlineNanos - System.nanoTime();
        if (left > 0 && subscriber.isAlive() && Thread.currentThread() != subscriber) {
            try {
                TimeUnit.NANOSECONDS.timedJoin(subscriber, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private final class Subscription extends JedisPubSub {
        volatile boolean confirmed;

        @Override
        public void onSubscribe(String channel, int subscribedChannels) {
            confirmed = true;
            if (closed) {
                unsubscribe(); // close() ran before this subscription existed and could not end it
                return;
            }
            subscribed = true;
            onSubscribed.accept(everSubscribed);
            everSubscribed = true;
            firstSubscription.countDown();
        }

        @Override
        public void onMessage(String channel, String message) {
            onMessage.accept(message);
        }

        @Override
        public void onPong(String pattern) {
            lastPong = System.nanoTime();
        }
    }
}
