package io.tributary.gateway.webdav;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;

/**
 * Answers for requests the HTTP layer refuses before any handler runs (a malformed request line,
 * headers over the hard limit): the status with a one-line reason in the body, then the connection
 * closes, so a client sees why rather than an empty 400. The parser's reason is not echoed.
 */
public final class TransportErrors implements DirectHandler {
    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                                    ServerResponseHeaders headers, String message) {
        String reason = status.code() == 400
                ? "the request is not valid HTTP/1.1, or its headers exceed " + WebDavLimits.HARD_MAX_HEADERS_BYTES + " bytes"
                : status.reasonPhrase();
        headers.set(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        return TransportResponse.builder()
                .status(status)
                .headers(headers)
                .keepAlive(false)
                .entity(status.code() + " " + status.reasonPhrase() + ": " + reason + "\n")
                .build();
    }
}
