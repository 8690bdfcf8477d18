package io.tributary.proto.log;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The fields every log line carries: the process's own (its gateway or central id), set once at
 * start, and the request's (request id, user, share), set by the front-end for as long as it
 * serves the request on its thread. Helidon serves each request on a thread of its own, so a
 * thread's fields are the request's.
 */
public final class LogContext {
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final Map<String, String> PROCESS = new ConcurrentHashMap<>();
    private static final ThreadLocal<Map<String, String>> REQUEST = new ThreadLocal<>();

    private LogContext() {
    }

    /** A field of this process, on every line from now on. */
    public static void process(String key, String value) {
        PROCESS.put(key, value);
    }

    /** Starts a request's fields on this thread; closing the scope ends them. */
    public static Scope request(String requestId) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("request_id", requestId);
        Map<String, String> outer = REQUEST.get();
        REQUEST.set(fields);
        return () -> {
            if (outer == null) {
                REQUEST.remove();
            } else {
                REQUEST.set(outer);
            }
        };
    }

    /** Adds a field to the request on this thread, if one is being served. */
    public static void put(String key, String value) {
        Map<String, String> fields = REQUEST.get();
        if (fields != null && value != null) {
            fields.put(key, value);
        }
    }

    /** This thread's request id, or null. */
    public static String requestId() {
        Map<String, String> fields = REQUEST.get();
        return fields == null ? null : fields.get("request_id");
    }

    /** The process's fields, then this thread's request's. */
    public static Map<String, String> fields() {
        Map<String, String> all = new LinkedHashMap<>(PROCESS);
        Map<String, String> request = REQUEST.get();
        if (request != null) {
            all.putAll(request);
        }
        return Collections.unmodifiableMap(all);
    }

    /**
     * The request id a client sent, if it is one a log line can carry as it is (1 to 64 letters,
     * digits, '.', '_', ':' or '-'); else a new random one.
     */
    public static String requestIdFrom(String offered) {
        if (offered != null && REQUEST_ID.matcher(offered).matches()) {
            return offered;
        }
        return Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
    }

    /** The end of a request's fields. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
