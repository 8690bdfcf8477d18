package io.tributary.proto.tls;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * One clear log line for every TLS handshake a gRPC port refuses: an old protocol version, no
 * allowed cipher suite, plain HTTP, a refused certificate. gRPC's Netty transport reports these
 * only at FINE, in pieces, on the connection's event-loop thread: the TLS engine may say why it
 * failed ({@value #ENGINE_LOGGER}), then gRPC says that the negotiation failed
 * ({@value #NEGOTIATION_LOGGER}), then passes the engine's exception on
 * ({@value #EXCEPTION_LOGGER}). This handler puts the pieces together and says, at WARNING, that
 * and why the handshake was refused, and counts it; if the exception does not follow within
 * {@link #SETTLE}, it says what it has. Helidon's web server reports a refused handshake in one
 * piece ({@value #SOCKET_LOGGER}, at FINER, with the {@code SSLException}), after the line that
 * names the client's address, which this handler keeps for the refusal.
 *
 * <p>The reports come from loggers of gRPC's own; the tests that refuse handshakes check for this
 * class's lines, so a gRPC upgrade that moves them fails those tests rather than going quiet.
 */
public final class RefusedHandshakes extends Handler {
    static final String NEGOTIATION_LOGGER = "io.grpc.netty.shaded.io.grpc.netty.ProtocolNegotiators";
    static final String ENGINE_LOGGER = "io.grpc.netty.shaded.io.netty.handler.ssl.ReferenceCountedOpenSslEngine";
    static final String EXCEPTION_LOGGER = "io.grpc.netty.shaded.io.grpc.netty.WriteBufferingAndExceptionHandler";
    static final String SOCKET_LOGGER = "io.helidon.webserver.ConnectionHandler";
    static final Duration SETTLE = Duration.ofMillis(500);
    private static final String NEGOTIATION_FAILED = "TLS negotiation failed";
    private static final String ENGINE_FAILED = "SSL_do_handshake failed";
    private static final Logger LOG = Logger.getLogger(RefusedHandshakes.class.getName());
    /** Held so that the levels set on them are not lost when the loggers would otherwise be collected. */
    private static final Logger NEGOTIATION = Logger.getLogger(NEGOTIATION_LOGGER);
    private static final Logger ENGINE = Logger.getLogger(ENGINE_LOGGER);
    private static final Logger EXCEPTIONS = Logger.getLogger(EXCEPTION_LOGGER);
    private static final Logger SOCKETS = Logger.getLogger(SOCKET_LOGGER);
    private static final Pattern ACCEPTED = Pattern.compile("(\\[[^]]*]) accepted socket from (.*)");
    /** Connection label to client address, for Helidon's connections; guarded by itself. */
    private static final Map<String, String> ADDRESSES = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > 1024;
        }
    };
    /** The engine's reason for the handshake failing on this event-loop thread, until gRPC reports it. */
    private static final ThreadLocal<String> ENGINE_REASON = new ThreadLocal<>();
    /** A failure gRPC reported on this thread whose exception has not come yet. */
    private static final ThreadLocal<Refusal> PENDING = new ThreadLocal<>();
    private static final ScheduledExecutorService TIMER =
            Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "refused-handshakes");
                t.setDaemon(true);
                return t;
            });

    /** One refused handshake, said once: when its exception comes, or when it settles without one. */
    private static final class Refusal {
        final String engineReason;
        final AtomicBoolean said = new AtomicBoolean();

        Refusal(String engineReason) {
            this.engineReason = engineReason;
        }
    }
    private static final RefusedHandshakes INSTANCE = new RefusedHandshakes();

    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    private RefusedHandshakes() {
    }

    /**
     * Starts logging refused handshakes of every gRPC server in this process; {@code onRefused}
     * runs once per refusal until the returned registration is closed.
     */
    public static synchronized AutoCloseable install(Runnable onRefused) {
        // Again each time: a reconfiguration of java.util.logging since the last call dropped the handler.
        for (Logger logger : List.of(NEGOTIATION, ENGINE, EXCEPTIONS, SOCKETS)) {
            logger.setLevel(logger == SOCKETS ? Level.FINER : Level.FINE);
            if (!List.of(logger.getHandlers()).contains(INSTANCE)) {
                logger.addHandler(INSTANCE);
            }
        }
        INSTANCE.listeners.add(onRefused);
        return () -> INSTANCE.listeners.remove(onRefused);
    }

    @Override
    public void publish(LogRecord record) {
        String message = record.getMessage();
        if (message == null) {
            return;
        }
        if (SOCKET_LOGGER.equals(record.getLoggerName())) {
            socket(record, message);
        } else if (message.startsWith(ENGINE_FAILED)) {
            ENGINE_REASON.set(message);
        } else if (message.startsWith(NEGOTIATION_FAILED)) {
            Refusal refusal = new Refusal(ENGINE_REASON.get());
            ENGINE_REASON.remove();
            PENDING.set(refusal);
            TIMER.schedule(() -> say(refusal, ""), SETTLE.toMillis(), TimeUnit.MILLISECONDS);
        } else if (record.getThrown() != null && EXCEPTION_LOGGER.equals(record.getLoggerName())) {
            Refusal refusal = PENDING.get();
            if (refusal != null) {
                PENDING.remove();
                say(refusal, describe(record.getThrown()));
            }
        }
    }

    private void socket(LogRecord record, String message) {
        Matcher accepted = ACCEPTED.matcher(message);
        if (accepted.matches()) {
            synchronized (ADDRESSES) {
                ADDRESSES.put(accepted.group(1), accepted.group(2));
            }
            return;
        }
        String label = message.startsWith("[") && message.indexOf(']') > 0 ? message.substring(0, message.indexOf(']') + 1) : "";
        if (message.endsWith("socket closed")) {
            synchronized (ADDRESSES) {
                ADDRESSES.remove(label);
            }
            return;
        }
        if (record.getThrown() == null || !handshakeFailure(record.getThrown())) {
            return;
        }
        String from;
        synchronized (ADDRESSES) {
            from = ADDRESSES.get(label);
        }
        listeners.forEach(Runnable::run);
        LOG.warning("refused a TLS handshake" + (from == null ? "" : " from " + from) + ": " + reason(describe(record.getThrown())));
    }

    private static boolean handshakeFailure(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SSLHandshakeException
                    || t instanceof SSLException && String.valueOf(t.getMessage()).contains("Unrecognized SSL message")) {
                return true;
            }
        }
        return false;
    }

    private void say(Refusal refusal, String exception) {
        if (refusal.said.compareAndSet(false, true)) {
            String engine = refusal.engineReason == null ? "" : refusal.engineReason;
            // Counted before it is said: whoever reads the line finds the count already moved.
            listeners.forEach(Runnable::run);
            LOG.warning("refused a TLS handshake: " + reason((exception + " " + engine).strip()));
        }
    }

    /** The innermost cause, named, or empty. */
    private static String describe(Throwable thrown) {
        Throwable cause = thrown;
        while (cause != null && cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause == null ? "" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    /** Why, in words, from what the TLS engine said (empty: it said nothing). */
    static String reason(String detail) {
        if (detail.isEmpty() || detail.contains("NotSslRecordException") || detail.contains("plaintext connection")) {
            return "the client did not speak TLS (plain HTTP to a TLS port, or it hung up before its hello)";
        }
        if (detail.contains("UNSUPPORTED_PROTOCOL") || detail.contains("protocol_version") || detail.contains("No appropriate protocol")) {
            return "the client offered only protocol versions this port refuses (it takes TLS 1.3, or 1.2 with AEAD suites)";
        }
        if (detail.contains("NO_SHARED_CIPHER") || detail.contains("WRONG_CURVE") || detail.contains("no cipher suites in common")) {
            return "the client offered no cipher suite this port allows (AEAD suites with ECDHE only)";
        }
        if (detail.contains("Received fatal alert")) {
            return "the client ended the handshake (" + detail.substring(detail.indexOf("Received fatal alert"))
                    + "); unknown_ca or bad_certificate: it does not trust this port's certificate";
        }
        if (detail.contains("CERTIFICATE") || detail.contains("certificate")) {
            return "the client's certificate was refused (" + detail + ")";
        }
        return detail;
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
