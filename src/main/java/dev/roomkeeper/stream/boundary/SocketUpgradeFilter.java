package dev.roomkeeper.stream.boundary;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Gives the upgraded WebSocket connection a response buffer large enough for the frames Roomkeeper
 * sends, before the container's WebSocket filter upgrades it (that filter is mapped after the
 * application's).
 * <p>
 * The upgraded connection writes every frame through the HTTP response it was upgraded from, for the
 * socket's whole life. On Payara (Grizzly) that response buffers 8 KB; a larger frame, such as the
 * presence snapshot in a join's ack (about 14 KB in a room of 50), is written from the frame's own
 * array, which the response then keeps until the next large frame: about 14 KB held per socket, for
 * nothing. Frames up to {@value #BUFFER_BYTES} bytes are now copied through the container's pooled
 * buffers instead.
 */
@WebFilter(urlPatterns = "/ws", asyncSupported = true)
public class SocketUpgradeFilter extends HttpFilter {

    static final int BUFFER_BYTES = 32 * 1024;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if ("websocket".equalsIgnoreCase(request.getHeader("Upgrade")) && !response.isCommitted()) {
            response.setBufferSize(BUFFER_BYTES);
        }
        chain.doFilter(request, response);
    }
}
