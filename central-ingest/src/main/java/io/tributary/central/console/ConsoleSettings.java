package io.tributary.central.console;

import java.net.URI;
import java.time.Duration;

/**
 * How admins sign in to the console.
 *
 * @param oidcIssuer      the OIDC issuer for single sign-on, or null for local admins only
 * @param oidcClient      the console's client id at the issuer (a public client: PKCE, no secret)
 * @param adminRole       the realm role an OIDC user needs
 * @param consoleUrl      the console's external address (scheme, host, port), from which the
 *                        redirect URI is made; null for the address central listens on
 * @param sessionLifetime how long a console session lasts
 */
public record ConsoleSettings(URI oidcIssuer, String oidcClient, String adminRole, URI consoleUrl, Duration sessionLifetime) {
    public static final String DEFAULT_ADMIN_ROLE = "tributary-admin";
    public static final Duration DEFAULT_SESSION = Duration.ofHours(8);

    /** Local admins only, eight-hour sessions. */
    public static final ConsoleSettings LOCAL = new ConsoleSettings(null, null, DEFAULT_ADMIN_ROLE, null, DEFAULT_SESSION);

    public ConsoleSettings {
        if ((oidcIssuer == null) != (oidcClient == null)) {
            throw new IllegalArgumentException("--oidc-issuer and --oidc-client go together");
        }
        if (oidcIssuer != null && !"https".equals(oidcIssuer.getScheme()) && !isLoopback(oidcIssuer)) {
            throw new IllegalArgumentException("--oidc-issuer must be an https URL (http only on loopback), got " + oidcIssuer);
        }
        if (consoleUrl != null && (consoleUrl.getScheme() == null || consoleUrl.getHost() == null
                || !(consoleUrl.getScheme().equals("https") || consoleUrl.getScheme().equals("http")))) {
            throw new IllegalArgumentException("--console-url must be an http(s) URL, got " + consoleUrl);
        }
        if (adminRole == null || adminRole.isBlank() || adminRole.length() > 128) {
            throw new IllegalArgumentException("--oidc-admin-role must be 1 to 128 characters");
        }
        if (sessionLifetime.compareTo(Duration.ofMinutes(5)) < 0 || sessionLifetime.compareTo(Duration.ofDays(7)) > 0) {
            throw new IllegalArgumentException("--console-session takes 5m to 7d, got " + sessionLifetime);
        }
    }

    public boolean oidc() {
        return oidcIssuer != null;
    }

    private static boolean isLoopback(URI uri) {
        String host = uri.getHost();
        return "http".equals(uri.getScheme()) && host != null
                && (host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]") || host.equals("::1"));
    }
}
