package io.tributary.gateway.webdav;

import io.helidon.webserver.http.ServerResponse;

/** What one HTTP method does to an authenticated, resolved request. */
@FunctionalInterface
interface DavMethod {
    /**
     * Answers the request, or throws {@link DavException} or
     * {@link io.tributary.gateway.share.ShareException} for the endpoint to answer.
     */
    void handle(DavRequest request, ServerResponse response) throws Exception;
}
