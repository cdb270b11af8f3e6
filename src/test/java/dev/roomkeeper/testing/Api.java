package dev.roomkeeper.testing;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small HTTP client for black-box tests: JSON in, status and JSON out. */
public final class Api {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final URI base;
    private final String token;

    public Api(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    public Api as(String otherToken) {
        return new Api(base, otherToken);
    }

    public Reply get(String path) {
        return send("GET", path, null, "application/json");
    }

    /** GET asking for plain text (Prometheus metrics, OpenAPI YAML). */
    public Reply text(String path) {
        return send("GET", path, null, null, "text/plain, application/yaml, */*;q=0.1");
    }

    public Reply post(String path, String json) {
        return send("POST", path, json, "application/json");
    }

    public Reply put(String path, String json) {
        return send("PUT", path, json, "application/json");
    }

    public Reply patch(String path, String json) {
        return send("PATCH", path, json, "application/json");
    }

    public Reply delete(String path) {
        return send("DELETE", path, null, "application/json");
    }

    public Reply send(String method, String path, String body, String contentType) {
        return send(method, path, body, contentType, "application/json, application/problem+json");
    }

    public Reply send(String method, String path, String body, String contentType, String accept) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20))
                .header("Accept", accept)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", contentType);
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.body(), response);
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A response. */
    public record Reply(int status, String contentType, String body, HttpResponse<String> raw) {

        public JsonObject json() {
            return (JsonObject) structure();
        }

        public JsonStructure structure() {
            try {
                return Json.createReader(new StringReader(body)).read();
            } catch (RuntimeException e) {
                throw new AssertionError("not JSON (status " + status + "): " + body, e);
            }
        }

        public boolean isProblem() {
            return contentType.startsWith("application/problem+json");
        }

        @Override
        public String toString() {
            return status + " " + contentType + " " + body;
        }
    }
}
