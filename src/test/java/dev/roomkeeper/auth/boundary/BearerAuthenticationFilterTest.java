package dev.roomkeeper.auth.boundary;

import dev.roomkeeper.auth.control.InvalidTokenException;
import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.transport.boundary.RoomEventsResource;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BearerAuthenticationFilterTest {

    @Test
    void bearerTokenIsTakenFromHeaderWithAnySchemeCase() throws Exception {
        assertEquals("abc.def.ghi", BearerAuthenticationFilter.bearerToken("Bearer abc.def.ghi"));
        assertEquals("abc.def.ghi", BearerAuthenticationFilter.bearerToken("bearer   abc.def.ghi "));
        assertEquals("abc.def.ghi", BearerAuthenticationFilter.bearerToken("BEARER abc.def.ghi"));
    }

    @Test
    void absentEmptyOrOtherSchemesCountAsMissing() {
        for (String header : new String[]{null, "", "Bearer", "Bearer   ", "Basic YWxpY2U6cHc=", "abc.def.ghi", "Bearerabc"}) {
            InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> BearerAuthenticationFilter.bearerToken(header));
            assertEquals(InvalidTokenException.Reason.MISSING, e.reason());
        }
    }

    /** The resources below differ only in what they produce and how they are called; all paths end in /events. */
    @Path("rooms/{room}/events")
    static class Stream {
        @GET
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public void events() {
        }
    }

    @Path("rooms/{room}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    static class StreamByClass {
        @GET
        public void events() {
        }
    }

    @Path("rooms/{room}/history/events")
    static class JsonList {
        @GET
        @Produces(MediaType.APPLICATION_JSON)
        public String events() {
            return "[]";
        }

        @POST
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public void post() {
        }

        @GET
        @Path("both")
        @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
        public void both() {
        }

        @GET
        @Path("unspecified")
        public void unspecified() {
        }
    }

    @Test
    void onlyGetMethodsProducingEventStreamsTakeTheQueryToken() throws Exception {
        assertTrue(BearerAuthenticationFilter.isEventStream(Stream.class.getMethod("events"), Stream.class));
        assertTrue(BearerAuthenticationFilter.isEventStream(StreamByClass.class.getMethod("events"), StreamByClass.class));
        assertTrue(BearerAuthenticationFilter.isEventStream(RoomEventsResource.class.getMethod("events", String.class,
                String.class, String.class, SecurityContext.class, SseEventSink.class, Sse.class), RoomEventsResource.class),
                "the rooms' event stream");

        assertFalse(BearerAuthenticationFilter.isEventStream(JsonList.class.getMethod("events"), JsonList.class));
        assertFalse(BearerAuthenticationFilter.isEventStream(JsonList.class.getMethod("post"), JsonList.class));
        assertFalse(BearerAuthenticationFilter.isEventStream(JsonList.class.getMethod("both"), JsonList.class));
        assertFalse(BearerAuthenticationFilter.isEventStream(JsonList.class.getMethod("unspecified"), JsonList.class));
        assertFalse(BearerAuthenticationFilter.isEventStream(null, null));
    }

    @Test
    void securityContextExposesCallerAndAdminRoleOnly() {
        Caller admin = new Caller("alice", null, null, true, Map.of(), Instant.EPOCH);
        Caller member = new Caller("bob", null, null, false, Map.of(), Instant.EPOCH);

        CallerSecurityContext context = new CallerSecurityContext(admin, true);
        assertSame(admin, context.getUserPrincipal());
        assertEquals("Bearer", context.getAuthenticationScheme());
        assertTrue(context.isSecure());
        assertTrue(context.isUserInRole("admin"));
        assertFalse(context.isUserInRole("host"));
        assertFalse(new CallerSecurityContext(member, false).isUserInRole("admin"));
    }
}
