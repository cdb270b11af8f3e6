package dev.roomkeeper.platform.boundary;

import dev.roomkeeper.platform.control.StrictJsonReader;
import dev.roomkeeper.platform.entity.WholeNumber;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.logging.Logger;

/**
 * Every request body, before anything binds it: at most {@code roomkeeper.rest.max-body-bytes} (64 KiB), else 413
 * {@code body-too-large}, read no further than that; and a JSON body ({@code application/json} or {@code +json})
 * must be UTF-8 (else 415) and strictly one JSON value by the rules of {@link StrictJsonReader} (else 400
 * {@code malformed-body}, the detail saying what is wrong). So JSON-B, which keeps the last of two equal member
 * names and ignores what follows the value, only ever sees JSON that means one thing.
 * <p>
 * A filter that aborts, rather than a reader that throws: Jersey and RESTEasy wrap what a body reader throws
 * differently, an aborted request is answered the same way by both. Methods marked {@link RawBody} are left alone.
 */
@Provider
@Priority(Priorities.ENTITY_CODER)
@ApplicationScoped
public class StrictBodyFilter implements ContainerRequestFilter {

    public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
    public static final int MIN_MAX_BODY_BYTES = 1024;
    public static final int MAX_MAX_BODY_BYTES = 16 * 1024 * 1024;

    private static final Logger LOG = Logger.getLogger(StrictBodyFilter.class.getName());

    @Context
    ResourceInfo resourceInfo;

    @Inject
    StrictJsonReader json;

    @Inject
    @ConfigProperty(name = "roomkeeper.rest.max-body-bytes", defaultValue = "" + DEFAULT_MAX_BODY_BYTES)
    String configuredMaxBodyBytes;

    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;

    @PostConstruct
    void init() {
        String value = configuredMaxBodyBytes == null ? "" : configuredMaxBodyBytes.strip();
        OptionalLong parsed = WholeNumber.parse(value, MIN_MAX_BODY_BYTES, MAX_MAX_BODY_BYTES);
        if (parsed.isPresent()) {
            maxBodyBytes = (int) parsed.getAsLong();
        } else {
            LOG.warning(() -> "roomkeeper.rest.max-body-bytes=" + value + " is not a whole number from "
                    + MIN_MAX_BODY_BYTES + " to " + MAX_MAX_BODY_BYTES + "; using " + DEFAULT_MAX_BODY_BYTES);
            maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        }
    }

    @Override
    public void filter(ContainerRequestContext request) throws IOException {
        if (!request.hasEntity() || rawBody()) {
            return;
        }
        if (request.getLength() > maxBodyBytes) {
            request.abortWith(tooLarge(request));
            return;
        }
        byte[] body = readAtMost(request.getEntityStream(), maxBodyBytes);
        if (body == null) {
            request.abortWith(tooLarge(request));
            return;
        }
        request.setEntityStream(new ByteArrayInputStream(body));
        MediaType type = request.getMediaType();
        if (body.length == 0 || !isJson(type)) {
            return;
        }
        String charset = type.getParameters().get(MediaType.CHARSET_PARAMETER);
        if (charset != null && !charset.strip().equalsIgnoreCase("utf-8") && !charset.strip().equalsIgnoreCase("utf8")) {
            request.abortWith(Problems.response(415, "unsupported-media-type", "Unsupported Media Type",
                    "JSON bodies are UTF-8 (RFC 8259); send application/json without a charset or with charset=utf-8.",
                    request.getUriInfo(), null));
            return;
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            request.abortWith(malformed(request, "The body is not valid UTF-8 (an encoded surrogate such as "
                    + "ED A0 80 is not UTF-8 either)."));
            return;
        }
        try {
            json.read(text);
        } catch (StrictJsonReader.Refused e) {
            request.abortWith(malformed(request, e.getMessage()));
        }
    }

    /** The most a body may hold, in bytes. */
    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    private boolean rawBody() {
        Method method = resourceInfo == null ? null : resourceInfo.getResourceMethod();
        return method != null && method.isAnnotationPresent(RawBody.class);
    }

    static boolean isJson(MediaType type) {
        if (type == null || !"application".equalsIgnoreCase(type.getType())) {
            return false;
        }
        String subtype = type.getSubtype().toLowerCase(Locale.ROOT);
        return subtype.equals("json") || subtype.endsWith("+json");
    }

    /** The whole stream when it holds at most {@code max} bytes; null (having read {@code max + 1}) when it holds more. */
    static byte[] readAtMost(InputStream in, int max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(max, 8192));
        byte[] buffer = new byte[8192];
        int total = 0;
        for (int n = in.read(buffer, 0, Math.min(buffer.length, max + 1)); n >= 0;
             n = in.read(buffer, 0, Math.min(buffer.length, max + 1 - total))) {
            total += n;
            if (total > max) {
                return null;
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private jakarta.ws.rs.core.Response tooLarge(ContainerRequestContext request) {
        return Problems.response(413, "body-too-large", "Body too large",
                "The body is larger than " + maxBodyBytes + " bytes, the most a request body may hold.",
                request.getUriInfo(), null);
    }

    private static jakarta.ws.rs.core.Response malformed(ContainerRequestContext request, String detail) {
        return Problems.response(400, "malformed-body", "Malformed body", detail, request.getUriInfo(), null);
    }
}
