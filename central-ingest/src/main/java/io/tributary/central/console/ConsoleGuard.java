package io.tributary.central.console;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import jakarta.json.Json;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every request to central's HTTP port passes here. All answers get the browser-hardening
 * headers; {@code /api/v1} routes, but for signing in, need a live console session, and those
 * that change something also need the session's CSRF token in {@code X-CSRF-Token} and, when
 * the browser names one, an {@code Origin} that is the console's own.
 */
public final class ConsoleGuard implements Filter {
    public static final String COOKIE = "tributary_session";
    public static final HeaderName CSRF_HEADER = HeaderNames.create("X-CSRF-Token");
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
    private static final Logger LOG = Logger.getLogger(ConsoleGuard.class.getName());
    private static final String API = "/api/v1/";
    /** Routes open without a session: how to sign in, signing in, and the API's description. */
    private static final Set<String> OPEN = Set.of("GET /api/v1/sign-in-options", "POST /api/v1/session",
            "GET /api/v1/session/oidc", "GET /api/v1/session/oidc/callback", "GET /api/v1/openapi.yaml");

    private final ConsoleSessions sessions;
    private final boolean https;
    private final String consoleOrigin;

    /** @param consoleOrigin the console's external origin when it is set, else null */
    public ConsoleGuard(ConsoleSessions sessions, boolean https, String consoleOrigin) {
        this.sessions = sessions;
        this.https = https;
        this.consoleOrigin = consoleOrigin;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        res.header("Content-Security-Policy", CSP);
        res.header("X-Content-Type-Options", "nosniff");
        res.header("Referrer-Policy", "no-referrer");
        res.header("X-Frame-Options", "DENY");
        if (https) {
            res.header("Strict-Transport-Security", "max-age=31536000");
        }
        String path = req.path().absolute().path();
        if (!path.startsWith(API) && !path.equals("/api/v1")) {
            chain.proceed();
            return;
        }
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        Method method = req.prologue().method();
        boolean changes = !(method == Method.GET || method == Method.HEAD || method == Method.OPTIONS);
        if (changes && !sameOrigin(req)) {
            refuse(res, Status.FORBIDDEN_403, "this request comes from another site's page");
            return;
        }
        if (OPEN.contains(method.text() + " " + path)) {
            chain.proceed();
            return;
        }
        Optional<ConsoleSession> session;
        try {
            session = sessions.find(cookie(req));
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "reading console sessions failed", e);
            refuse(res, Status.SERVICE_UNAVAILABLE_503, "central cannot read its sessions: " + e.getMessage());
            return;
        }
        if (session.isEmpty()) {
            refuse(res, Status.UNAUTHORIZED_401, "sign in first: no session, or it has ended");
            return;
        }
        if (changes && !csrfMatches(req, session.get())) {
            refuse(res, Status.FORBIDDEN_403, "the request lacks this session's CSRF token (X-CSRF-Token)");
            return;
        }
        req.context().register(session.get());
        chain.proceed();
    }

    /** The session cookie's value, or null. */
    public static String cookie(ServerRequest req) {
        return req.headers().cookies().first(COOKIE).orElse(null);
    }

    /** The signed-in admin a guarded route serves. */
    public static String user(ServerRequest req) {
        return session(req).user();
    }

    public static ConsoleSession session(ServerRequest req) {
        return req.context().get(ConsoleSession.class)
                .orElseThrow(() -> new IllegalStateException("a guarded route was reached without a session"));
    }

    /** The client's address, as the audit log records it. */
    public static String address(ServerRequest req) {
        SocketAddress peer = req.remotePeer().address();
        return peer instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : String.valueOf(peer);
    }

    private boolean sameOrigin(RoutingRequest req) {
        Optional<String> origin = req.headers().first(HeaderNames.ORIGIN);
        if (origin.isEmpty()) {
            return true;  // not a browser, or a same-origin GET-like request: the CSRF token still guards
        }
        String own = (req.isSecure() ? "https://" : "http://") + req.authority();
        return origin.get().equalsIgnoreCase(own) || origin.get().equalsIgnoreCase(consoleOrigin);
    }

    private static boolean csrfMatches(RoutingRequest req, ConsoleSession session) {
        Optional<String> sent = req.headers().first(CSRF_HEADER);
        return sent.isPresent() && MessageDigest.isEqual(sent.get().getBytes(StandardCharsets.UTF_8),
                session.csrf().getBytes(StandardCharsets.UTF_8));
    }

    private static void refuse(RoutingResponse res, Status status, String message) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(Json.createObjectBuilder().add("error", message).build().toString().getBytes(StandardCharsets.UTF_8));
    }
}
