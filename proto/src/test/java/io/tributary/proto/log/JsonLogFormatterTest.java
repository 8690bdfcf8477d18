package io.tributary.proto.log;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonLogFormatterTest {
    private static LogRecord record(String message, Object... params) {
        LogRecord r = new LogRecord(Level.WARNING, message);
        r.setLoggerName("io.tributary.test");
        r.setInstant(Instant.parse("2026-12-02T10:00:00Z"));
        r.setParameters(params);
        return r;
    }

    @Test
    void aLineIsOneJsonObjectWithTheProcessAndRequestFields() {
        LogContext.process("gateway_id", "gw-1");
        String line;
        try (LogContext.Scope scope = LogContext.request("req-42")) {
            LogContext.put("user", "ann");
            LogContext.put("share", "finance");
            line = new JsonLogFormatter().format(record("refused \"{0}\"\nnext line <b>&", "x.txt"));
        }
        assertTrue(line.endsWith(System.lineSeparator()) && line.indexOf('\n') == line.length() - 1, "one line: " + line);
        JsonObject o = JsonParser.parseString(line).getAsJsonObject();
        assertEquals("2026-12-02T10:00:00Z", o.get("time").getAsString());
        assertEquals("WARNING", o.get("level").getAsString());
        assertEquals("io.tributary.test", o.get("logger").getAsString());
        assertEquals("refused \"x.txt\"\nnext line <b>&", o.get("message").getAsString(), "a hostile message cannot break the line");
        assertEquals("gw-1", o.get("gateway_id").getAsString());
        assertEquals("req-42", o.get("request_id").getAsString());
        assertEquals("ann", o.get("user").getAsString());
        assertEquals("finance", o.get("share").getAsString());

        JsonObject after = JsonParser.parseString(new JsonLogFormatter().format(record("later"))).getAsJsonObject();
        assertNull(after.get("request_id"), "the request's fields end with its scope");
        assertEquals("gw-1", after.get("gateway_id").getAsString());
    }

    @Test
    void anExceptionComesAsItsStackTrace() {
        LogRecord r = record("failed");
        r.setThrown(new IllegalStateException("boom"));
        JsonObject o = JsonParser.parseString(new JsonLogFormatter().format(r)).getAsJsonObject();
        assertTrue(o.get("error").getAsString().startsWith("java.lang.IllegalStateException: boom"), o.toString());
    }

    @Test
    void requestIdsFromClientsAreKeptOnlyWhenTheyAreSafe() {
        assertEquals("abc-123_x.y:z", LogContext.requestIdFrom("abc-123_x.y:z"));
        for (String hostile : new String[]{null, "", "a b", "x\ny", "\"quoted\"", "a".repeat(65)}) {
            String id = LogContext.requestIdFrom(hostile);
            assertNotEquals(hostile, id);
            assertTrue(id.matches("[0-9a-f]{16}"), id);
        }
        assertFalse(LogContext.requestIdFrom(null).equals(LogContext.requestIdFrom(null)), "fresh ids differ");
    }
}
