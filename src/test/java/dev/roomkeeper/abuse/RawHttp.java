package dev.roomkeeper.abuse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 spoken by hand, for requests no well-behaved client sends: a request target with malformed
 * percent-encoding ({@code /api/rooms/%ZZ}), a 20 KB URL, bodies with invalid UTF-8, headers with any value.
 * One request per connection ({@code Connection: close}); an event stream is read up to its headers only.
 */
final class RawHttp {

    private static final int TIMEOUT_MS = 15_000;

    private final URI base;

    RawHttp(URI base) {
        this.base = base;
    }

    /** What the server answered: status, lower-case header names, and the body (empty for an event stream). */
    record Answer(int status, Map<String, String> headers, String body) {

        String contentType() {
            return headers.getOrDefault("content-type", "");
        }

        boolean isProblem() {
            return contentType().startsWith("application/problem+json");
        }

        @Override
        public String toString() {
            return status + " " + contentType() + " " + (body.length() > 300 ? body.substring(0, 300) + "…" : body);
        }
    }

    /**
     * Sends one request.
     *
     * @param target  the request target exactly as written on the wire, e.g. {@code /api/rooms/%ZZ}
     * @param headers extra header lines, {@code Name: value} each
     * @param body    the body bytes, or null for none
     */
    Answer send(String method, String target, byte[] body, String... headers) throws IOException {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(TIMEOUT_MS);
            StringBuilder head = new StringBuilder()
                    .append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(base.getHost()).append(':').append(base.getPort()).append("\r\n")
                    .append("Connection: close\r\n");
            for (String header : headers) {
                head.append(header).append("\r\n");
            }
            if (body != null) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            return read(socket.getInputStream());
        }
    }

    private static Answer read(InputStream in) throws IOException {
        String statusLine = line(in);
        if (statusLine == null || !statusLine.startsWith("HTTP/1.")) {
            throw new IOException("no HTTP answer: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.merge(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim(),
                        (a, b) -> a + ", " + b);
            }
        }
        if (headers.getOrDefault("content-type", "").startsWith("text/event-stream")) {
            return new Answer(status, headers, "");
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (String size = line(in); size != null && !size.isBlank(); size = line(in)) {
                int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (n == 0) {
                    break;
                }
                body.write(in.readNBytes(n));
                line(in);
            }
        } else if (headers.containsKey("content-length")) {
            body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
        } else {
            body.write(in.readAllBytes());
        }
        return new Answer(status, headers, body.toString(StandardCharsets.UTF_8));
    }

    /** A CRLF-terminated line, or null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }
}
