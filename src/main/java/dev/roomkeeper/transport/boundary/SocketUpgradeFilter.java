package dev.roomkeeper.transport.boundary;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Prepares WebSocket upgrade requests before the container's WebSocket filter upgrades them (that filter
 * is mapped after the application's).
 * <p>
 * The local name: Tyrus asks every upgrade request for {@code getLocalName()}, which on Payara (Grizzly)
 * is a reverse DNS lookup of the server's own address, made on a request thread and not cached. Where that
 * address has no name the lookup waits for the resolver to give up, and upgrades queue behind it: with
 * 16 request threads, sockets arriving on 127.0.0.2 connected at about 50 a second. Tyrus only keeps the
 * value as the session's server address, and uses the address itself when there is no name; so does this.
 * <p>
 * The response buffer: the upgraded connection writes every frame through the HTTP response it was
 * upgraded from, for the socket's whole life. On Payara (Grizzly) that response buffers 8 KB; a larger frame, such as the
 * presence snapshot in a join's ack (about 14 KB in a room of 50), is written from the frame's own
 * array, which the response then keeps until the next large frame: about 14 KB held per socket, for
 * nothing. Frames up to {@value #BUFFER_BYTES} bytes are now copied through the container's buffers
 * instead (a room of about 60 members fits).
 * <p>
 * The price: Grizzly takes that buffer from a per-thread pool only on its own request threads. A frame
 * written from another thread (the Redis engine's subscriber, the presence sweep) gets a new buffer of
 * this size, which is garbage once written. 16 KB rather than more keeps that garbage at twice what
 * Payara's 8 KB makes.
 */
@WebFilter(urlPatterns = "/ws", asyncSupported = true)
public class SocketUpgradeFilter extends HttpFilter {

    static final int BUFFER_BYTES = 16 * 1024;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            chain.doFilter(request, response);
            return;
        }
        if (!response.isCommitted()) {
            response.setBufferSize(BUFFER_BYTES);
        }
        chain.doFilter(new HttpServletRequestWrapper(request) {
            @Override
            public String getLocalName() {
                return getLocalAddr();
            }
        }, response);
    }
}
