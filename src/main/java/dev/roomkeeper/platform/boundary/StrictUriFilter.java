package dev.roomkeeper.platform.boundary;

import dev.roomkeeper.platform.entity.Problem;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every request's URL, before anything decodes it (JAX-RS, the WebSocket upgrade): the servers decode a
 * malformed one leniently (a percent-escape that is not one, bytes that are not UTF-8 such as {@code %ED%A0%80},
 * which becomes U+FFFD) or fail on it in ways of their own. Here the path and every query parameter must be
 * percent-encoded UTF-8 without control characters (U+0000 to U+001F, U+007F to U+009F), else 400
 * {@code validation} naming each part ({@code path}, or the parameter), and the URL must fit in {@value #MAX_URL_BYTES}
 * bytes, else 414 {@code uri-too-long}: room for the longest token the WebSocket accepts in its URL (16,384
 * characters) and the rest.
 * <p>
 * What never reaches the application is the server's to answer: Payara refuses a path with {@code %ED%A0%80} or
 * {@code %00} with a bare 400, and answers a path with an escape that is not hexadecimal ({@code %ZZ}) with an
 * empty 200 and a SEVERE log line (Grizzly throws where its adapter expects another exception); WildFly answers the
 * latter with a bare 400. Query strings do reach the application on both, and are judged here.
 */
@WebFilter(urlPatterns = "/*", asyncSupported = true)
public class StrictUriFilter extends HttpFilter {

    static final int MAX_URL_BYTES = 17 * 1024;

    /** Looked up once: {@code Json.create*} asks the ServiceLoader on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String path = request.getRequestURI();
        String query = request.getQueryString();
        if ((path == null ? 0 : path.length()) + (query == null ? 0 : query.length() + 1) > MAX_URL_BYTES) {
            refuse(response, 414, "uri-too-long", "URI Too Long", "The URL is longer than " + MAX_URL_BYTES
                    + " bytes. Send long values in a body (a WebSocket token in the auth frame).", List.of());
            return;
        }
        List<Problem.FieldError> errors = errors(path, query);
        if (!errors.isEmpty()) {
            refuse(response, 400, "validation", "Invalid request",
                    "The URL is not percent-encoded UTF-8 without control characters.", errors);
            return;
        }
        chain.doFilter(request, response);
    }

    /** What is wrong with the raw path and query string, one entry per part; empty when both are well formed. */
    static List<Problem.FieldError> errors(String path, String query) {
        List<Problem.FieldError> errors = new ArrayList<>();
        if (path != null) {
            problem(path, false).ifPresent(p -> errors.add(new Problem.FieldError("path", p)));
        }
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&", -1)) {
                int equals = pair.indexOf('=');
                String rawName = equals < 0 ? pair : pair.substring(0, equals);
                Optional<String> nameProblem = problem(rawName, true);
                if (nameProblem.isPresent()) {
                    errors.add(new Problem.FieldError("query", "a parameter name " + nameProblem.get()));
                    continue;
                }
                if (equals >= 0) {
                    String name = java.net.URLDecoder.decode(rawName, StandardCharsets.UTF_8); // well formed by now
                    problem(pair.substring(equals + 1), true).ifPresent(p -> errors.add(new Problem.FieldError(name, p)));
                }
            }
        }
        return errors;
    }

    /** Why {@code raw} is not percent-encoded UTF-8 without control characters, or empty. */
    private static Optional<String> problem(String raw, boolean form) {
        if (isPlain(raw)) {
            return Optional.empty();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int high = i + 2 < raw.length() ? hex(raw.charAt(i + 1)) : -1;
                int low = high >= 0 ? hex(raw.charAt(i + 2)) : -1;
                if (high < 0 || low < 0) {
                    return Optional.of("has a malformed percent-escape (% and two hexadecimal digits)");
                }
                bytes.write(high << 4 | low);
                i += 2;
            } else if (Character.isSurrogate(c)) {
                if (!Character.isHighSurrogate(c) || i + 1 >= raw.length() || !Character.isLowSurrogate(raw.charAt(i + 1))) {
                    return Optional.of("is not valid Unicode");
                }
                bytes.writeBytes(raw.substring(i, i + 2).getBytes(StandardCharsets.UTF_8));
                i++;
            } else {
                bytes.writeBytes(String.valueOf(form && c == '+' ? ' ' : c).getBytes(StandardCharsets.UTF_8));
            }
        }
        String decoded;
        try {
            decoded = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return Optional.of("is not UTF-8 once percent-decoded (an encoded surrogate such as %ED%A0%80 is not UTF-8 either)");
        }
        return decoded.chars().anyMatch(Character::isISOControl)
                ? Optional.of("holds a control character (U+0000 to U+001F or U+007F to U+009F)")
                : Optional.empty();
    }

    /** True when {@code raw} is printable ASCII without escapes: nothing to decode, nothing to refuse. */
    private static boolean isPlain(String raw) {
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c < 0x20 || c >= 0x7f || c == '%') {
                return false;
            }
        }
        return true;
    }

    /** The value of an ASCII hexadecimal digit, or -1 (no other script's digits). */
    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    static void refuse(HttpServletResponse response, int status, String type, String title, String detail,
                               List<Problem.FieldError> errors) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(body)) {
            json.writeStartObject()
                    .write("type", Problems.TYPE_PREFIX + type)
                    .write("title", title)
                    .write("status", status)
                    .write("detail", detail);
            if (!errors.isEmpty()) {
                json.writeStartArray("errors");
                for (Problem.FieldError error : errors) {
                    json.writeStartObject().write("field", error.field()).write("message", error.message()).writeEnd();
                }
                json.writeEnd();
            }
            json.writeEnd();
        }
        response.resetBuffer();
        response.setStatus(status);
        response.setContentType(Problem.MEDIA_TYPE + ";charset=UTF-8");
        // framed by its length, and the connection closed after it: an upgrade request's connection is not reused
        response.setContentLength(body.size());
        response.setHeader("Connection", "close");
        OutputStream out = response.getOutputStream();
        body.writeTo(out);
        out.flush();
    }
}
