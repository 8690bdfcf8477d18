package io.tributary.gateway.webdav;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;

/** The WebDAV headers (RFC 4918 section 10) and Microsoft's one, which Helidon does not name. */
final class DavHeaders {
    static final HeaderName DAV = HeaderNames.create("DAV");
    static final HeaderName DEPTH = HeaderNames.create("Depth");
    static final HeaderName DESTINATION = HeaderNames.create("Destination");
    static final HeaderName IF = HeaderNames.create("If");
    static final HeaderName LOCK_TOKEN = HeaderNames.create("Lock-Token");
    static final HeaderName OVERWRITE = HeaderNames.create("Overwrite");
    static final HeaderName TIMEOUT = HeaderNames.create("Timeout");
    /** Tells Microsoft Office to save back over WebDAV rather than read-only. */
    static final HeaderName MS_AUTHOR_VIA = HeaderNames.create("MS-Author-Via");

    private DavHeaders() {
    }
}
