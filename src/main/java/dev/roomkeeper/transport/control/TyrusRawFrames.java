package dev.roomkeeper.transport.control;

import jakarta.websocket.Session;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes frames that are already framed ({@link WebSocketFraming}) to a Tyrus socket, so an event going to fifty
 * sockets is encoded to UTF-8 and framed once instead of fifty times.
 * <p>
 * The Jakarta WebSocket API sends only strings, bytes and objects, each encoded and framed per session; Tyrus (in
 * Payara) also writes a frame given as bytes ({@code TyrusWebSocket.sendRawFrame}, the path of its own broadcast),
 * whose result is a {@code CompletableFuture}. This class finds that method on the first Tyrus session; on another
 * container (WildFly's Undertow), on a Tyrus without it, or when {@code roomkeeper.ws.shared-frames} is false,
 * {@link #of} answers null and the connection sends its strings through the standard API.
 */
final class TyrusRawFrames {

    private static final Logger LOG = Logger.getLogger(TyrusRawFrames.class.getName());
    private static final String ENDPOINT = "org.glassfish.tyrus.core.TyrusRemoteEndpoint";
    private static volatile Field webSocketField;
    private static volatile MethodHandle sendRawFrame;
    private static volatile boolean unavailable;

    private final Object webSocket;
    private final Session session;

    private TyrusRawFrames(Object webSocket, Session session) {
        this.webSocket = webSocket;
        this.session = session;
    }

    /** The raw-frame writer of a Tyrus session, or null where there is none. */
    static TyrusRawFrames of(Session session) {
        if (unavailable) {
            return null;
        }
        try {
            Object remote = session.getAsyncRemote();
            Field field = webSocketField;
            if (field == null) {
                field = find(remote.getClass());
                if (field == null) {
                    unavailable = true; // not Tyrus: no warning, the standard path is the expected one
                    return null;
                }
                field.setAccessible(true);
                Object socket = field.get(remote);
                MethodHandle send = MethodHandles.publicLookup().findVirtual(socket.getClass(), "sendRawFrame",
                        MethodType.methodType(Future.class, ByteBuffer.class));
                sendRawFrame = send.asType(MethodType.methodType(Future.class, Object.class, ByteBuffer.class));
                webSocketField = field;
                LOG.info("WebSocket events are framed once per node and the same bytes written to every socket "
                        + "(Tyrus raw frames; roomkeeper.ws.shared-frames=false turns this off)");
            }
            Object socket = field.get(remote);
            return socket == null ? null : new TyrusRawFrames(socket, session);
        } catch (ReflectiveOperationException | RuntimeException e) {
            unavailable = true;
            LOG.log(Level.WARNING, e, () -> "Tyrus's raw frame writer is not available: every socket will encode and "
                    + "frame each event itself");
            return null;
        }
    }

    private static Field find(Class<?> type) throws NoSuchFieldException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (ENDPOINT.equals(c.getName())) {
                return c.getDeclaredField("webSocket");
            }
        }
        return null;
    }

    /**
     * Writes one frame (or several, back to back); {@code done} gets null once written, or the failure. A socket
     * that is no longer open fails the send through {@code done}, like the standard API's handler would.
     */
    void send(ByteBuffer frames, Consumer<Throwable> done) {
        if (!session.isOpen()) {
            done.accept(new java.io.IOException("the WebSocket is closed"));
            return;
        }
        Future<?> result;
        try {
            result = (Future<?>) sendRawFrame.invokeExact(webSocket, frames);
        } catch (IllegalStateException e) {
            done.accept(e); // Tyrus: the connection closed between the check and the write
            return;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
        if (result instanceof CompletionStage<?> stage) {
            stage.whenComplete((ignored, failure) -> done.accept(failure));
        } else {
            throw new IllegalStateException("Tyrus answered a raw frame with a " + result.getClass().getName());
        }
    }
}
