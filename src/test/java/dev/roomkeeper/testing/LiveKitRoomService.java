package dev.roomkeeper.testing;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import livekit.LivekitModels;
import livekit.LivekitRoom;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for LiveKit's room service: an HTTP server speaking Twirp as LiveKit's server SDK calls it
 * ({@code POST /twirp/livekit.RoomService/<Method>}). The SDK's {@code RoomServiceClient} sends
 * {@code Content-Type: application/protobuf}; each call is answered in the content type it came in (protobuf, or
 * protobuf JSON), with the SDK's own message classes. A room it does not hold is Twirp's {@code not_found} (404,
 * always JSON, as Twirp errors are). It can {@link #hang()} (accept calls and never answer) and be closed (then
 * nothing listens on its port). Every call is recorded.
 */
public final class LiveKitRoomService implements AutoCloseable {

    private static final String PREFIX = "/twirp/livekit.RoomService/";

    /** One call as it arrived. */
    public record Call(String method, String contentType, String authorization, String room) {
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "livekit-stand-in");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, List<LivekitModels.ParticipantInfo>> rooms = new ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile boolean hanging;

    private LiveKitRoomService() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(PREFIX, this::handle);
        server.setExecutor(threads); // a held call must not hold the others
    }

    public static LiveKitRoomService start() {
        try {
            LiveKitRoomService service = new LiveKitRoomService();
            service.server.start();
            return service;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the LiveKit stand-in", e);
        }
    }

    /** The URL to configure as LiveKit's ({@code roomkeeper.livekit.url}). */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** LiveKit now has this room with these participants (replacing what it had). */
    public void room(String name, List<LivekitModels.ParticipantInfo> participants) {
        rooms.put(name, List.copyOf(participants));
    }

    /** From now on every call is accepted and never answered (until {@link #close()}). */
    public void hang() {
        hanging = true;
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestURI().getPath().substring(PREFIX.length());
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            boolean json = contentType != null && contentType.startsWith("application/json");
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (hanging) {
                calls.add(new Call(method, contentType, exchange.getRequestHeaders().getFirst("Authorization"), null));
                released.await(5, TimeUnit.MINUTES);
                return;
            }
            switch (method) {
                case "ListParticipants" -> {
                    LivekitRoom.ListParticipantsRequest.Builder request = LivekitRoom.ListParticipantsRequest.newBuilder();
                    read(body, json, request);
                    calls.add(new Call(method, contentType, exchange.getRequestHeaders().getFirst("Authorization"),
                            request.getRoom()));
                    List<LivekitModels.ParticipantInfo> listed = rooms.get(request.getRoom());
                    if (listed == null) {
                        error(exchange, 404, "not_found", "requested room does not exist");
                    } else {
                        answer(exchange, json, LivekitRoom.ListParticipantsResponse.newBuilder()
                                .addAllParticipants(listed).build());
                    }
                }
                case "ListRooms" -> {
                    LivekitRoom.ListRoomsRequest.Builder request = LivekitRoom.ListRoomsRequest.newBuilder();
                    read(body, json, request);
                    calls.add(new Call(method, contentType, exchange.getRequestHeaders().getFirst("Authorization"), null));
                    LivekitRoom.ListRoomsResponse.Builder response = LivekitRoom.ListRoomsResponse.newBuilder();
                    rooms.forEach((name, participants) -> {
                        if (request.getNamesCount() == 0 || request.getNamesList().contains(name)) {
                            response.addRooms(LivekitModels.Room.newBuilder().setName(name)
                                    .setNumParticipants(participants.size()));
                        }
                    });
                    answer(exchange, json, response.build());
                }
                default -> {
                    calls.add(new Call(method, contentType, exchange.getRequestHeaders().getFirst("Authorization"), null));
                    error(exchange, 404, "bad_route", "no handler for " + method);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void read(byte[] body, boolean json, Message.Builder into) throws InvalidProtocolBufferException {
        if (json) {
            JsonFormat.parser().ignoringUnknownFields().merge(new String(body, StandardCharsets.UTF_8), into);
        } else {
            into.mergeFrom(body);
        }
    }

    private static void answer(HttpExchange exchange, boolean json, Message message) throws IOException {
        byte[] bytes = json ? JsonFormat.printer().print(message).getBytes(StandardCharsets.UTF_8) : message.toByteArray();
        exchange.getResponseHeaders().add("Content-Type", json ? "application/json" : "application/protobuf");
        send(exchange, 200, bytes);
    }

    private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        send(exchange, status, ("{\"code\":\"" + code + "\",\"msg\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, byte[] bytes) throws IOException {
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Stops listening (LiveKit unreachable from now on) and lets held calls end unanswered. */
    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
