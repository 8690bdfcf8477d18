package io.tributary.gateway.webdav;

import io.helidon.http.Status;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request the front-end refuses, with the status to answer and what to tell the client.
 *
 * <p>When {@code condition} is set the body is a {@code DAV:error} naming that precondition (RFC 4918
 * section 16), with {@code hrefs} inside it where the condition takes them; otherwise the body is the
 * message as plain text. Thrown for expected refusals only, so it carries no stack trace.
 */
final class DavException extends RuntimeException {
    private final Status status;
    private final String condition;
    private final List<String> hrefs;
    private final Map<String, String> headers = new LinkedHashMap<>();

    private DavException(Status status, String condition, List<String> hrefs, String message) {
        super(message, null, false, false);
        this.status = status;
        this.condition = condition;
        this.hrefs = List.copyOf(hrefs);
    }

    static DavException badRequest(String message) {
        return new DavException(Status.BAD_REQUEST_400, null, List.of(), message);
    }

    static DavException of(Status status, String message) {
        return new DavException(status, null, List.of(), message);
    }

    /** A refusal whose body is {@code <D:error><D:condition>hrefs</D:condition></D:error>}. */
    static DavException condition(Status status, String condition, List<String> hrefs, String message) {
        return new DavException(status, condition, hrefs, message);
    }

    /** Adds a header to the error response (Allow on 405, Content-Range on 416). */
    DavException header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    Status status() {
        return status;
    }

    /** The DAV: precondition element's local name, or null for a plain-text body. */
    String condition() {
        return condition;
    }

    List<String> hrefs() {
        return hrefs;
    }

    Map<String, String> headers() {
        return headers;
    }
}
