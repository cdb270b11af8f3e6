package dev.roomkeeper.transport.control;

import jakarta.websocket.Session;

import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns off Tyrus's per-session idle timer, which costs more than everything else a frame does.
 * <p>
 * Tyrus 2.1 (in Payara 6) restarts a session's idle timer for every frame received and every frame sent,
 * even when the session has no idle timeout: each restart schedules a task on the server's managed
 * scheduled executor, and Payara captures the caller's context for every task (a ServiceLoader scan of
 * the thread's context class loader, through the WAR's jars), then runs it on one of a few scheduler
 * threads. Under fan-out those tasks queue up faster than they run, holding memory and delaying every
 * socket. Roomkeeper sets no container idle timeout on its sockets and enforces its own with one sweep a
 * second ({@link SocketRegistry}), so the session's scheduler is replaced by one that drops idle-timer
 * tasks and hands everything else to the server's scheduler.
 * <p>
 * Only a Tyrus session with that field is changed; on another container (or a Tyrus without it) nothing
 * happens, and frames cost what the container makes them cost.
 */
final class TyrusIdleTimer {

    private static final Logger LOG = Logger.getLogger(TyrusIdleTimer.class.getName());
    private static final String SESSION = "org.glassfish.tyrus.core.TyrusSession";
    private static final String IDLE_TASK = SESSION + "$IdleTimeoutCommand";
    /** The session's scheduler field once found; looked up on the first Tyrus session seen. */
    private static volatile Field scheduler;
    private static volatile boolean unavailable;

    private TyrusIdleTimer() {
    }

    /**
     * Replaces the session's scheduler, then sets no idle timeout (so the timer Tyrus started at the
     * handshake is cancelled). Call before the session sends or receives anything.
     */
    static void disable(Session session) {
        Field field = schedulerOf(session);
        if (field != null) {
            try {
                Object current = field.get(session);
                if (current instanceof ScheduledExecutorService server && !(current instanceof WithoutIdleTimer)) {
                    field.set(session, new WithoutIdleTimer(server));
                }
            } catch (IllegalAccessException | RuntimeException e) {
                LOG.log(Level.FINE, e, () -> "cannot replace the idle timer of session " + session.getId());
            }
        }
        session.setMaxIdleTimeout(0);
    }

    private static Field schedulerOf(Session session) {
        Field field = scheduler;
        if (field != null || unavailable || !SESSION.equals(session.getClass().getName())) {
            return field;
        }
        try {
            field = session.getClass().getDeclaredField("service");
            if (!ScheduledExecutorService.class.equals(field.getType())) {
                throw new NoSuchFieldException("service is a " + field.getType());
            }
            field.setAccessible(true);
            scheduler = field;
            return field;
        } catch (ReflectiveOperationException | RuntimeException e) {
            unavailable = true;
            LOG.log(Level.WARNING, e, () -> "Tyrus's idle timer cannot be turned off: every WebSocket frame will "
                    + "schedule a task on the server's managed executor");
            return null;
        }
    }

    /** The server's scheduler, less Tyrus's idle-timer tasks (which would do nothing without an idle timeout). */
    static final class WithoutIdleTimer extends AbstractExecutorService implements ScheduledExecutorService {
        private final ScheduledExecutorService server;

        WithoutIdleTimer(ScheduledExecutorService server) {
            this.server = server;
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            if (IDLE_TASK.equals(command.getClass().getName())) {
                return Dropped.INSTANCE;
            }
            return server.schedule(command, delay, unit);
        }

        @Override
        public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
            return server.schedule(callable, delay, unit);
        }

        @Override
        public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
            return server.scheduleAtFixedRate(command, initialDelay, period, unit);
        }

        @Override
        public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
            return server.scheduleWithFixedDelay(command, initialDelay, delay, unit);
        }

        @Override
        public void execute(Runnable command) {
            server.execute(command);
        }

        @Override
        public void shutdown() {
            server.shutdown();
        }

        @Override
        public List<Runnable> shutdownNow() {
            return server.shutdownNow();
        }

        @Override
        public boolean isShutdown() {
            return server.isShutdown();
        }

        @Override
        public boolean isTerminated() {
            return server.isTerminated();
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
            return server.awaitTermination(timeout, unit);
        }
    }

    /** What a dropped idle-timer task answers: already done, nothing to cancel. */
    private static final class Dropped implements ScheduledFuture<Object> {
        static final Dropped INSTANCE = new Dropped();

        @Override
        public long getDelay(TimeUnit unit) {
            return 0;
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(0, other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return false;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean isDone() {
            return true;
        }

        @Override
        public Object get() {
            return null;
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            return null;
        }
    }
}
