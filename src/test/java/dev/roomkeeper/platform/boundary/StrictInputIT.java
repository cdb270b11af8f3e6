package dev.roomkeeper.platform.boundary;

import dev.roomkeeper.testing.Api;
import dev.roomkeeper.testing.Fixtures;
import dev.roomkeeper.testing.Node;
import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.Servers;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No input earns a 500 or stalls a room (issue 10): every JSON body is read strictly before anything binds it,
 * bodies are bounded, URLs are percent-encoded UTF-8 without control characters, and each refusal is the documented
 * problem+json. Black-box, on the embedded Payara node; {@link WildFlyIT} checks the same on WildFly.
 */
class StrictInputIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    PayaraNode node;
    Fixtures fx;
    Api admin;

    @BeforeEach
    void node() {
        node = Servers.embedded();
        fx = new Fixtures(node);
        admin = fx.admin();
    }

    /** Left to JSON-B, the last of two equal names won: {"sub":"a","sub":"b"} minted a token for b. */
    @Test
    void aMemberNameGivenTwiceIsRefusedNotResolvedToOneOfThem() {
        String kind = "k" + Fixtures.unique("d").replace("-", "");
        Api.Reply twice = admin.post("/api/rooms", "{\"title\":\"First\",\"kind\":\"" + kind + "\",\"title\":\"Second\"}");
        assertMalformed(twice, "\"title\"");
        assertEquals(0, admin.get("/api/rooms?kind=" + kind).json().getInt("total"), "no room was made");
    }

    @Test
    void anythingAfterTheJsonValueIsRefused() {
        String kind = "k" + Fixtures.unique("t").replace("-", "");
        assertMalformed(admin.post("/api/rooms", "{\"title\":\"x\",\"kind\":\"" + kind + "\"} garbage"), "follows");
        assertMalformed(admin.post("/api/rooms", "{\"title\":\"x\",\"kind\":\"" + kind + "\"}{}"), "follows");
        assertEquals(0, admin.get("/api/rooms?kind=" + kind).json().getInt("total"), "no room was made");
    }

    @Test
    void nestingDeeperThanTheMaxDepthIsRefusedBeforeAnythingBindsIt() {
        String room = fx.room().getString("id");
        fx.member(room, "ada", "participant");
        Api ada = fx.as("ada");
        String custom = "{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}";
        assertMalformed(ada.post("/api/presence/heartbeat", "{\"room\":\"" + room + "\",\"sessionId\":\"" + Fixtures.session()
                + "\",\"meta\":{\"custom\":" + custom + "}}"), "32");
        assertMalformed(admin.post("/api/rooms", "{\"title\":\"x\",\"a\":" + "[".repeat(1_100) + "]".repeat(1_100) + "}"),
                "32");
    }

    @Test
    void loneSurrogatesAndBytesThatAreNotUtf8AreRefused() throws Exception {
        assertMalformed(admin.post("/api/rooms", "{\"title\":\"a\\ud800\"}"), "surrogate");
        assertMalformed(admin.post("/api/rooms", "{\"title\\udc00\":\"a\"}"), "surrogate");
        // the same surrogate as raw bytes (CESU-8), and a truncated sequence: not UTF-8, never turned into U+FFFD
        assertMalformed(bytes("POST", "/api/rooms", "application/json", utf8("{\"title\":\"a", new byte[]{(byte) 0xED, (byte) 0xA0, (byte) 0x80}, "\"}")), "UTF-8");
        assertMalformed(bytes("POST", "/api/rooms", "application/json", utf8("{\"title\":\"a", new byte[]{(byte) 0xE2, (byte) 0x82}, "\"}")), "UTF-8");
        Api.Reply latin1 = bytes("POST", "/api/rooms", "application/json; charset=iso-8859-1", utf8("{\"title\":\"caf\u00e9\"}"));
        assertEquals(415, latin1.status(), latin1::toString);
        assertTrue(latin1.isProblem(), latin1::toString);
    }

    @Test
    void bodiesAreBoundedWithOrWithoutALength() throws Exception {
        String big = "{\"title\":\"x\",\"pad\":\"" + "x".repeat(70_000) + "\"}";
        Api.Reply declared = admin.post("/api/rooms", big);
        assertEquals(413, declared.status(), declared::toString);
        assertTrue(declared.isProblem(), declared::toString);
        assertEquals("urn:roomkeeper:problem:body-too-large", declared.json().getString("type"));
        HttpResponse<String> chunked = HTTP.send(HttpRequest.newBuilder(node.base().resolve("/api/rooms"))
                .header("Authorization", "Bearer " + Fixtures.adminToken()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(413, chunked.statusCode(), chunked::body);
        assertEquals(201, admin.post("/api/rooms", "{\"title\":\"x\",\"pad\":\"" + "x".repeat(60_000) + "\"}").status(),
                "64 KiB fit");
        // the beacon's contract is to answer 204 to any body: it reads at most 4 KB of it
        Api.Reply beacon = new Api(node.base(), null).send("POST", "/api/presence/disconnect", big, "application/json");
        assertEquals(204, beacon.status(), beacon::toString);
        assertEquals(204, new Api(node.base(), null).send("POST", "/api/presence/disconnect", "{\"a\":1,\"a\":2} x",
                "application/json").status(), "malformed JSON too");
    }

    @Test
    void queryParametersMustBePercentEncodedUtf8WithoutControlCharacters() throws IOException {
        String room = fx.room().getString("id");
        Api.Reply surrogate = new Api(node.base(), null).get("/api/presence/list?roomToken=%ED%A0%80");
        assertInvalid(surrogate, "roomToken");
        assertInvalid(admin.get("/api/rooms/" + room + "/attendance?userId=ada%00"), "userId");
        RawReply malformed = get(node, "/api/rooms?kind=%ZZ&state=open&offset=%0A", "Authorization: Bearer "
                + Fixtures.adminToken() + "\r\n");
        assertEquals(400, malformed.status(), malformed::toString);
        assertTrue(malformed.head().contains("application/problem+json"), malformed::toString);
        assertTrue(malformed.body().contains("{\"field\":\"kind\"") && malformed.body().contains("{\"field\":\"offset\""),
                malformed::toString);
        assertInvalid(admin.get("/api/rooms/" + room + "/events?since=5&access_token=%C0%AF"), "access_token");
    }

    /** Payara refuses a path with %ED%A0%80 or %00 itself, with a bare 400; a control character reaches the application. */
    @Test
    void pathsWithIllFormedEscapesAreRefused() {
        assertEquals(400, admin.get("/api/rooms/%ED%A0%80").status());
        assertEquals(400, admin.get("/api/rooms/%00").status());
        Api.Reply control = admin.get("/api/rooms/design%0Areview");
        assertEquals(400, control.status(), control::toString);
    }

    /** A long upgrade URL once logged a NullPointerException and closed the socket with 1006. */
    @Test
    void webSocketUpgradesWithMalformedOrOverlongUrlsAreRefusedBeforeTheUpgrade() throws Exception {
        long logBefore = Files.size(node.log());
        RawReply malformed = upgrade(node, "/ws?token=%ED%A0%80");
        assertEquals(400, malformed.status(), malformed::toString);
        assertTrue(malformed.body().contains("urn:roomkeeper:problem:validation") && malformed.body().contains("token"),
                malformed::toString);
        RawReply overlong = upgrade(node, "/ws?token=" + "x".repeat(20_000));
        assertTrue(overlong.status() == 414 || overlong.status() == 400, overlong::toString); // Payara's own limit is lower
        RawReply fine = upgrade(node, "/ws?token=abc");
        assertEquals(101, fine.status(), fine::toString);
        String logged = Files.readString(node.log()).substring((int) logBefore);
        assertFalse(logged.contains("NullPointerException"), logged);
        assertFalse(logged.contains("SEVERE"), logged);
    }

    private static void assertMalformed(Api.Reply reply, String detailMentions) {
        assertEquals(400, reply.status(), reply::toString);
        assertTrue(reply.isProblem(), reply::toString);
        JsonObject problem = reply.json();
        assertEquals("urn:roomkeeper:problem:malformed-body", problem.getString("type"), reply::toString);
        assertTrue(problem.getString("detail").contains(detailMentions), reply::toString);
    }

    private static void assertInvalid(Api.Reply reply, String... fields) {
        assertEquals(400, reply.status(), reply::toString);
        assertTrue(reply.isProblem(), reply::toString);
        assertEquals("urn:roomkeeper:problem:validation", reply.json().getString("type"), reply::toString);
        assertEquals(List.of(fields).stream().sorted().toList(), reply.json().getJsonArray("errors")
                .getValuesAs(JsonValue::asJsonObject).stream().map(e -> e.getString("field")).sorted()
                .collect(Collectors.toList()), reply::toString);
    }

    private Api.Reply bytes(String method, String path, String contentType, byte[] body) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(node.base().resolve(path))
                .header("Authorization", "Bearer " + Fixtures.adminToken()).header("Content-Type", contentType)
                .header("Accept", "application/json, application/problem+json")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        return new Api.Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                response.body(), response);
    }

    private static byte[] utf8(Object... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (Object part : parts) {
            out.writeBytes(part instanceof byte[] raw ? raw : part.toString().getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    /** What the server answered to a raw WebSocket upgrade request: its status and, unless upgraded, its body. */
    record RawReply(int status, String head, String body) {
    }

    /** Sends a WebSocket upgrade for {@code pathAndQuery} as is (no client library re-encodes it) and reads the answer. */
    static RawReply upgrade(Node node, String pathAndQuery) throws IOException {
        return get(node, pathAndQuery, "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n");
    }

    /**
     * Sends {@code GET pathAndQuery} as is, with {@code headers} (each line ending in CRLF), and reads the answer:
     * java.net.URI, and so every HTTP client, refuses to send a malformed escape such as {@code %ZZ}.
     */
    static RawReply get(Node node, String pathAndQuery, String headers) throws IOException {
        URI base = node.base();
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                    + "\r\nAccept: application/json, application/problem+json\r\n" + headers + "\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            String head = head(in);
            int status = Integer.parseInt(head.split(" ", 3)[1]);
            if (status == 101) {
                return new RawReply(status, head, "");
            }
            int length = head.lines().filter(l -> l.toLowerCase().startsWith("content-length:"))
                    .map(l -> Integer.parseInt(l.substring(l.indexOf(':') + 1).strip())).findFirst().orElse(0);
            return new RawReply(status, head, new String(in.readNBytes(length), StandardCharsets.UTF_8));
        }
    }

    private static String head(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        for (int c = in.read(); c >= 0; c = in.read()) {
            head.append((char) c);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        return head.toString();
    }
}
