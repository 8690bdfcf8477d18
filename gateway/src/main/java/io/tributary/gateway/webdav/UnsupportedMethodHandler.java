package io.tributary.gateway.webdav;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

import java.util.Set;

/**
 * Every method not routed elsewhere: 405 with Allow for methods HTTP defines (a client may try POST),
 * 501 for methods this server does not know at all (RFC 9110 section 15.6.2).
 */
final class UnsupportedMethodHandler implements DavMethod {
    private static final Set<String> KNOWN = Set.of("POST", "PATCH", "TRACE", "CONNECT");

    @Override
    public void handle(DavRequest request, ServerResponse res) {
        String method = request.method();
        if (KNOWN.contains(method)) {
            throw DavException.of(Status.METHOD_NOT_ALLOWED_405, method + " is not supported here")
                    .header("Allow", request.target().isServiceRoot()
                            ? DavEndpoint.SERVICE_ROOT_ALLOW : OptionsHandler.SHARE_ALLOW);
        }
        throw DavException.of(Status.NOT_IMPLEMENTED_501, method + " is not a method this server implements");
    }
}
