package io.tributary.gateway.webdav;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;

/**
 * OPTIONS: advertises WebDAV classes 1 and 2. Windows' WebDAV redirector and Office look for
 * {@code DAV} and {@code MS-Author-Via} before they will map or save to a URL.
 */
final class OptionsHandler implements DavMethod {
    /** What a URL inside a share allows, before knowing what is there. */
    static final String SHARE_ALLOW =
            "OPTIONS, GET, HEAD, PUT, DELETE, MKCOL, COPY, MOVE, PROPFIND, PROPPATCH, LOCK, UNLOCK";
    /** What an existing file allows: everything but MKCOL. */
    static final String FILE_ALLOW =
            "OPTIONS, GET, HEAD, PUT, DELETE, COPY, MOVE, PROPFIND, PROPPATCH, LOCK, UNLOCK";
    /** What an existing collection allows: neither PUT nor MKCOL. */
    static final String COLLECTION_ALLOW =
            "OPTIONS, GET, HEAD, DELETE, COPY, MOVE, PROPFIND, PROPPATCH, LOCK, UNLOCK";

    @Override
    public void handle(DavRequest request, ServerResponse res) {
        res.header(DavHeaders.DAV, "1, 2");
        res.header(DavHeaders.MS_AUTHOR_VIA, "DAV");
        res.header(HeaderNames.ALLOW, request.target().isServiceRoot() ? DavEndpoint.SERVICE_ROOT_ALLOW : SHARE_ALLOW);
        res.send();
    }
}
