package dev.roomkeeper.participants.boundary;

import dev.roomkeeper.participants.control.ParticipantSettingsAccess;
import dev.roomkeeper.platform.control.ProblemException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The webhook resource's own answers, before anything is verified: a body whose connection breaks while it is read
 * is a 503 LiveKit retries (never a 500); a body over the limit is a 413, counted, read no further than the limit.
 */
class LiveKitWebhookResourceTest {

    private final ParticipantSettingsAccess access = new ParticipantSettingsAccess("APIres:res-secret-0123456789abcdef0123");

    private LiveKitWebhookResource resource() {
        LiveKitWebhookResource resource = new LiveKitWebhookResource();
        resource.settings = access.settings();
        resource.ingest = access.ingest();
        return resource;
    }

    @Test
    void aBodyWhoseConnectionBreaksIsA503NotA500() {
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset");
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                throw new IOException("connection reset");
            }
        };

        ProblemException problem = assertThrows(ProblemException.class, () -> resource().receive("token", broken));

        assertEquals(503, problem.status());
        assertEquals("participants-unavailable", problem.type());
        assertEquals(1, problem.retryAfterSeconds());
    }

    @Test
    void aBodyOverTheLimitIs413AndCounted() {
        int limit = access.settings().maxBodyBytes();
        CountingStream body = new CountingStream(new byte[limit * 2]);

        ProblemException problem = assertThrows(ProblemException.class, () -> resource().receive(null, body));

        assertEquals(413, problem.status());
        assertEquals(limit + 1, body.read, "read no further than the limit");
        assertEquals(1, access.refusals("too-large"));
    }

    /** Counts the bytes read from it. */
    private static final class CountingStream extends ByteArrayInputStream {
        int read;

        CountingStream(byte[] bytes) {
            super(bytes);
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            int n = super.read(b, off, len);
            read += Math.max(0, n);
            return n;
        }
    }
}
