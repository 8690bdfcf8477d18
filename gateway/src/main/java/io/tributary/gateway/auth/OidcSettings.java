package io.tributary.gateway.auth;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * Which OpenID Connect issuer (a Keycloak realm) vouches for users, and the audience its access
 * tokens must name for this service.
 *
 * @param issuer   the realm's issuer URL, exactly as its tokens carry it, e.g.
 *                 {@code https://sso.example.com/realms/acme}
 * @param audience the {@code aud} value tokens must hold (Keycloak: an audience mapper on the client)
 * @param passwordClient   the client whose password grant admits Basic users the local store does
 *                         not hold, or null for bearer tokens only
 * @param clientSecretFile that client's secret, in a file (never on the command line), or null
 *                         for a public client
 * @param offlineWindow    how long after a Basic user's last sign-in at the issuer the gateway
 *                         admits them on its own while the issuer cannot be reached; 0 never
 */
public record OidcSettings(URI issuer, String audience, String passwordClient, Path clientSecretFile, Duration offlineWindow) {
    public static final Duration DEFAULT_OFFLINE_WINDOW = Duration.ofHours(8);

    /** Bearer tokens only. */
    public OidcSettings(URI issuer, String audience) {
        this(issuer, audience, null, null, DEFAULT_OFFLINE_WINDOW);
    }

    public OidcSettings {
        if (offlineWindow == null || offlineWindow.isNegative()) {
            throw new IllegalArgumentException("--offline-window must not be negative");
        }
        if (clientSecretFile != null && passwordClient == null) {
            throw new IllegalArgumentException("--oidc-client-secret-file needs --oidc-client");
        }
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
