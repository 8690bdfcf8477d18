package io.tributary.gateway.auth;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * Which OpenID Connect issuer (a Keycloak realm) vouches for users, and the audience its access
 * tokens must name for this service.
 *
 * @param issuer   the realm's issuer URL, exactly as its tokens carry it, e.g.
 *                 {@code https://sso.example.com/realms/acme}
 * @param audience the {@code aud} value tokens must hold (Keycloak: an audience mapper on the client)
 */
public record OidcSettings(URI issuer, String audience) {
    public OidcSettings {
        if (issuer == null || issuer.getHost() == null || issuer.getRawQuery() != null || issuer.getRawFragment() != null) {
            throw new IllegalArgumentException("--oidc-issuer must be an http(s) URL with a host and no query, got " + issuer);
        }
        boolean https = "https".equalsIgnoreCase(issuer.getScheme());
        if (!https && !("http".equalsIgnoreCase(issuer.getScheme()) && isLoopback(issuer.getHost()))) {
            // Keys fetched over plain HTTP could be swapped by anyone on the path.
            throw new IllegalArgumentException("--oidc-issuer must use https (plain http only on this machine), got " + issuer);
        }
        if (audience == null || audience.isBlank()) {
            throw new IllegalArgumentException("--oidc-audience must name this service's audience");
        }
    }

    private static boolean isLoopback(String host) {
        try {
            return host.equals("localhost") || InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
