package io.tributary.proto.auth;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * An endpoint an OIDC issuer's discovery document names (token, keys, authorization), checked
 * before anything is sent to it or read from it: https, or plain http only on the host of an
 * issuer that is itself plain http (a Keycloak on this machine), so that a document cannot send
 * a code or a key lookup somewhere else in the clear.
 */
public final class IssuerEndpoint {
    private IssuerEndpoint() {
    }

    /**
     * @param field the document's field, for the message
     * @throws IllegalArgumentException not a URL, or neither https nor on the http issuer's host
     */
    public static URI check(URI issuer, String value, String field) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(field + " is not a URL: " + value);
        }
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        boolean sameHttp = "http".equalsIgnoreCase(uri.getScheme()) && "http".equalsIgnoreCase(issuer.getScheme())
                && issuer.getHost() != null && issuer.getHost().equals(uri.getHost());
        if (uri.getHost() == null || !(https || sameHttp)) {
            throw new IllegalArgumentException(field + " " + value + " is not https");
        }
        return uri;
    }
}
