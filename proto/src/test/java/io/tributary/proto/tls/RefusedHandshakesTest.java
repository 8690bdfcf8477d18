package io.tributary.proto.tls;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.net.ssl.SSLHandshakeException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RefusedHandshakesTest {
    private static final String FAILED = "TLS negotiation failed for new client.\nSSLEngine Details: [...]";

    @Test
    void eachReportedFailureBecomesOneLineWithItsReasonAndIsCountedUntilClosed() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        CountDownLatch threeLines = new CountDownLatch(3);
        Logger ours = Logger.getLogger(RefusedHandshakes.class.getName());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                lines.add(r.getLevel() + " " + r.getMessage());
                threeLines.countDown();
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        ours.addHandler(capture);
        AtomicInteger refused = new AtomicInteger();
        Logger negotiation = Logger.getLogger(RefusedHandshakes.NEGOTIATION_LOGGER);
        Logger engine = Logger.getLogger(RefusedHandshakes.ENGINE_LOGGER);
        Logger exceptions = Logger.getLogger(RefusedHandshakes.EXCEPTION_LOGGER);
        try (AutoCloseable registration = RefusedHandshakes.install(refused::incrementAndGet)) {
            // As gRPC reports an old protocol version: the failure, then the engine's exception.
            negotiation.fine(FAILED);
            exceptions.log(Level.FINE, "Ignoring duplicate failure", new RuntimeException("UNAVAILABLE: ssl exception",
                    new SSLHandshakeException("error:100000f0:SSL routines:OPENSSL_internal:UNSUPPORTED_PROTOCOL")));
            // No shared cipher: the engine says so first.
            engine.fine("SSL_do_handshake failed with 1: OpenSSL error: 268435640 error:100000b8:SSL routines:OPENSSL_internal:NO_SHARED_CIPHER");
            negotiation.fine(FAILED);
            exceptions.log(Level.FINE, "Ignoring duplicate failure", new RuntimeException("UNAVAILABLE: ssl exception"));
            negotiation.fine("TLS negotiation succeeded.");
            // A failure nothing follows is said all the same once it settles.
            negotiation.fine(FAILED);
            assertTrue(threeLines.await(10, TimeUnit.SECONDS), "the settled refusal is said: " + lines);
        } finally {
            ours.removeHandler(capture);
        }
        assertEquals(3, refused.get(), "successes are not refusals: " + lines);
        assertEquals(3, lines.size(), String.valueOf(lines));
        assertTrue(lines.get(0).startsWith("WARNING refused a TLS handshake: the client offered only protocol versions"), lines.get(0));
        assertTrue(lines.get(1).contains("no cipher suite this port allows"), lines.get(1));
        assertTrue(lines.get(2).contains("did not speak TLS"), lines.get(2));
        negotiation.fine(FAILED);
        exceptions.log(Level.FINE, "Ignoring duplicate failure", new RuntimeException("after closing"));
        assertEquals(3, refused.get(), "a closed registration counts no more");
    }

    @Test
    void reasonsAreNamed() {
        assertTrue(RefusedHandshakes.reason("NotSslRecordException: not an SSL/TLS record: 4745").contains("plain HTTP"));
        assertTrue(RefusedHandshakes.reason("").contains("did not speak TLS"));
        assertTrue(RefusedHandshakes.reason("SSLHandshakeException: certificate_unknown").contains("certificate was refused"));
        assertTrue(RefusedHandshakes.reason("SSLHandshakeException: (unknown_ca) Received fatal alert: unknown_ca")
                .contains("does not trust this port's certificate"));
        assertEquals("IllegalStateException: something new", RefusedHandshakes.reason("IllegalStateException: something new"));
    }
}
