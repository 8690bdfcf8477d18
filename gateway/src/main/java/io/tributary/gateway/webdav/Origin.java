package io.tributary.gateway.webdav;

import java.util.Locale;

/**
 * The scheme, host and port a request was addressed to, so absolute URIs in Destination and If
 * headers can be recognized as naming this server or another one.
 *
 * @param host lower-cased, IPv6 literals with their brackets; null when the request named none
 */
record Origin(String scheme, String host, int port) {

    /**
     * @param authority the request's Host, {@code host[:port]}; null or empty when absent
     * @throws DavException 400 for an authority that does not parse
     */
    static Origin of(String scheme, String authority) {
        String s = scheme.toLowerCase(Locale.ROOT);
        if (authority == null || authority.isEmpty()) {
            return new Origin(s, null, defaultPort(s));
        }
        String a = authority.toLowerCase(Locale.ROOT);
        if (a.indexOf('@') >= 0) {
            throw DavException.badRequest("user information is not allowed in a URI authority");
        }
        int colon = a.lastIndexOf(':');
        if (colon < 0 || a.endsWith("]")) {
            return new Origin(s, a, defaultPort(s));
        }
        String portText = a.substring(colon + 1);
        if (portText.isEmpty()) {
            return new Origin(s, a.substring(0, colon), defaultPort(s));
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw DavException.badRequest("the port '" + portText + "' is not a number");
        }
        if (port < 1 || port > 65535) {
            throw DavException.badRequest("the port " + port + " is out of range");
        }
        return new Origin(s, a.substring(0, colon), port);
    }

    /** True if {@code other} names this server. A request without Host cannot tell hosts apart. */
    boolean sameServer(Origin other) {
        return scheme.equals(other.scheme) && port == other.port
                && (host == null || other.host == null || host.equals(other.host));
    }

    private static int defaultPort(String scheme) {
        return switch (scheme) {
            case "https" -> 443;
            case "http" -> 80;
            default -> -1;
        };
    }
}
