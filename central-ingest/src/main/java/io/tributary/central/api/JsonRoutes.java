package io.tributary.central.api;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.tributary.central.enroll.TokenRefusedException;
import io.tributary.central.versions.NotFoundException;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How every {@code /api/v1} route reads its JSON body and answers: a JSON value, or
 * {@code {"error": "..."}} with the status the failure calls for.
 */
final class JsonRoutes {
    static final int MAX_BODY = 64 * 1024;
    private static final Logger LOG = Logger.getLogger(JsonRoutes.class.getName());

    /** A route body that may fail in the ways the API maps to statuses. */
    @FunctionalInterface
    interface Route {
        JsonValue handle(ServerRequest req) throws SQLException, NotFoundException, IOException, TokenRefusedException;
    }

    private JsonRoutes() {
    }

    static void answer(ServerRequest req, ServerResponse res, Route route) {
        Status status = Status.OK_200;
        JsonValue body;
        try {
            body = route.handle(req);
        } catch (NotFoundException e) {
            status = Status.NOT_FOUND_404;
            body = error(e.getMessage());
        } catch (TokenRefusedException e) {
            status = Status.CONFLICT_409;
            body = error(e.getMessage());
        } catch (ApiException e) {
            status = e.status();
            body = error(e.getMessage());
        } catch (IllegalArgumentException e) {
            status = Status.BAD_REQUEST_400;
            body = error(e.getMessage());
        } catch (SQLException | IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "admin API " + req.prologue().method() + " " + req.path().path() + " failed", e);
            status = Status.INTERNAL_SERVER_ERROR_500;
            body = error("central failed: " + e.getMessage());
        }
        send(res, status, body);
    }

    static void send(ServerResponse res, Status status, JsonValue body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body.toString().getBytes(StandardCharsets.UTF_8));
    }

    static JsonObject error(String message) {
        return Json.createObjectBuilder().add("error", message == null ? "" : message).build();
    }

    /** The request's body as a JSON object of at most {@link #MAX_BODY} bytes. */
    static JsonObject body(ServerRequest req) throws IOException {
        byte[] bytes;
        try (InputStream in = req.content().inputStream()) {
            bytes = in.readNBytes(MAX_BODY + 1);
        }
        if (bytes.length > MAX_BODY) {
            throw new IllegalArgumentException("the request body is larger than " + MAX_BODY + " bytes");
        }
        try (JsonReader reader = Json.createReader(new StringReader(new String(bytes, StandardCharsets.UTF_8)))) {
            return reader.readObject();
        } catch (JsonException | IllegalStateException e) {
            throw new IllegalArgumentException("the request body is not a JSON object");
        }
    }

    static String string(JsonObject body, String name) {
        if (!(body.get(name) instanceof JsonString s)) {
            throw new IllegalArgumentException("'" + name + "' must be a string");
        }
        return s.getString();
    }

    static long number(JsonObject body, String name) {
        if (!(body.get(name) instanceof JsonNumber n) || !n.isIntegral()) {
            throw new IllegalArgumentException("'" + name + "' must be an integer");
        }
        try {
            return n.longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + name + "' is out of range");
        }
    }

    /** An optional integer query parameter within [min, max]. */
    static Long query(ServerRequest req, String name, long min, long max) {
        var value = req.query().first(name);
        if (value.isEmpty() || value.get().isEmpty()) {
            return null;
        }
        try {
            long n = Long.parseLong(value.get());
            if (n < min || n > max) {
                throw new IllegalArgumentException("the query parameter '" + name + "' takes " + min + " to " + max + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the query parameter '" + name + "' must be an integer");
        }
    }
}
