package io.tributary.gateway.webdav;

import io.helidon.http.Status;

/**
 * Resolves a URI a client names in a header (the Destination of COPY and MOVE, the tags of If lists)
 * to a resource of this server.
 *
 * <p>RFC 4918 allows an absolute URI or an absolute path. A URI naming another server, port or scheme
 * gets 502 (section 9.8.5: "the destination is on another server"); one that does not parse gets 400.
 * The path is decoded by the same strict rules as request paths.
 */
final class Destination {
    private Destination() {
    }

    /**
     * @param value  the header value as sent
     * @param origin the server the request itself was addressed to
     * @throws DavException 400 when malformed, 502 when on another server
     */
    static DavAddress resolve(String value, Origin origin) {
        String v = value == null ? "" : value.strip();
        if (v.isEmpty()) {
            throw DavException.badRequest("the Destination is empty");
        }
        if (v.indexOf('#') >= 0) {
            throw DavException.badRequest("the URI '" + v + "' has a fragment, which is not allowed here");
        }
        if (v.indexOf('?') >= 0) {
            throw DavException.badRequest("the URI '" + v + "' has a query, which is not allowed here");
        }
        if (v.startsWith("//")) {
            throw DavException.badRequest("the URI '" + v + "' has no scheme");
        }
        if (v.startsWith("/")) {
            return DavAddress.parse(v);
        }
        int sep = v.indexOf("://");
        if (sep <= 0 || !isScheme(v.substring(0, sep))) {
            throw DavException.badRequest("'" + v + "' is neither an absolute URI nor an absolute path");
        }
        String scheme = v.substring(0, sep);
        int pathStart = v.indexOf('/', sep + 3);
        String authority = pathStart < 0 ? v.substring(sep + 3) : v.substring(sep + 3, pathStart);
        String path = pathStart < 0 ? "/" : v.substring(pathStart);
        if (authority.isEmpty()) {
            throw DavException.badRequest("the URI '" + v + "' has no host");
        }
        if (!origin.sameServer(Origin.of(scheme, authority))) {
            throw DavException.of(Status.BAD_GATEWAY_502,
                    "'" + v + "' is on another server; this one can only copy and move within itself");
        }
        return DavAddress.parse(path);
    }

    private static boolean isScheme(String s) {
        if (s.isEmpty() || !Character.isLetter(s.charAt(0))) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c < 0x80 && (Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.'))) {
                return false;
            }
        }
        return true;
    }
}
