package dev.roomkeeper.platform.boundary;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The error page of the web application ({@code WEB-INF/web.xml}): what the servlet container answers itself, before
 * or after JAX-RS (a path it will not map, a method its default servlet refuses, an error thrown past every filter),
 * written as an RFC 9457 problem instead of the server's HTML error report. Asked for directly, it is a 404.
 */
@WebServlet(urlPatterns = ContainerErrorServlet.PATH)
public class ContainerErrorServlet extends HttpServlet {

    static final String PATH = "/errors/container";

    private static final Logger LOG = Logger.getLogger(ContainerErrorServlet.class.getName());

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer number && number >= 400 && number <= 599 ? number : 404;
        Throwable thrown = (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        if (thrown != null || status >= 500 && status != 501 && status != 503) {
            status = 500;
            String incident = UUID.randomUUID().toString();
            LOG.log(Level.SEVERE, thrown, () -> "incident " + incident + ": " + request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI));
            StrictUriFilter.refuse(response, 500, "internal", "Internal Server Error",
                    "The server failed to handle this request. Incident " + incident + ".", List.of());
            return;
        }
        if (status == 501) {
            // the container's default servlet, reached by a path no resource maps, refuses any method but these
            // three with 501; to the client it is a method this path does not accept
            status = 405;
            response.setHeader("Allow", "GET, HEAD, OPTIONS");
        }
        String title = title(status);
        StrictUriFilter.refuse(response, status, title.toLowerCase(Locale.ROOT).replace(' ', '-'), title,
                detail(status, title), List.of());
    }

    static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 406 -> "Not Acceptable";
            case 408 -> "Request Timeout";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 415 -> "Unsupported Media Type";
            case 503 -> "Service Unavailable";
            default -> status < 500 ? "Client Error" : "Server Error";
        };
    }

    private static String detail(int status, String title) {
        return switch (status) {
            case 400 -> "The server could not read this request.";
            case 403, 404 -> "There is nothing at this path.";
            case 405 -> "This path does not accept that method.";
            default -> title + ".";
        };
    }
}
