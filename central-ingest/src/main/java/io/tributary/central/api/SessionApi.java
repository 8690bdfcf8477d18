package io.tributary.central.api;

import io.helidon.http.HeaderNames;
import io.helidon.http.SetCookie;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.tributary.central.audit.AuditEvent;
import io.tributary.central.audit.AuditLog;
import io.tributary.central.console.AdminSignIn;
import io.tributary.central.console.ConsoleGuard;
import io.tributary.central.console.ConsoleSession;
import io.tributary.central.console.ConsoleSessions;
import io.tributary.central.console.OidcSignIn;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import static io.tributary.central.api.JsonRoutes.answer;
import static io.tributary.central.api.JsonRoutes.body;
import static io.tributary.central.api.JsonRoutes.string;

/**
 * Signing in and out of the console: by an admin's name and password, or through the OIDC
 * issuer; the session itself; and the API's OpenAPI document, which needs no session.
 */
public final class SessionApi implements HttpService {
    private static final Logger LOG = Logger.getLogger(SessionApi.class.getName());
    private static final int LONGEST_PASSWORD = 1024;

    private final ConsoleSessions sessions;
    private final AdminSignIn admins;
    private final OidcSignIn oidc;
    private final AuditLog audit;
    private final LongSupplier clock;
    private final boolean https;
    private final Duration lifetime;

    /** @param oidc null when single sign-on is not set up */
    public SessionApi(ConsoleSessions sessions, AdminSignIn admins, OidcSignIn oidc, AuditLog audit, LongSupplier clock,
                      boolean https, Duration lifetime) {
        this.sessions = sessions;
        this.admins = admins;
        this.oidc = oidc;
        this.audit = audit;
        this.clock = clock;
        this.https = https;
        this.lifetime = lifetime;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/sign-in-options", (req, res) -> answer(req, res, r -> options()))
                .post("/session", this::signIn)
                .get("/session", (req, res) -> answer(req, res, r -> describe(ConsoleGuard.session(r))))
                .delete("/session", this::signOut)
                .get("/session/oidc", this::oidcBegin)
                .get("/session/oidc/callback", this::oidcFinish)
                .get("/openapi.yaml", this::openApi);
    }

    private JsonValue options() {
        var o = Json.createObjectBuilder().add("password", true).add("oidc", oidc != null);
        if (oidc != null) {
            o.add("oidcUrl", "/api/v1/session/oidc");
        }
        return o.build();
    }

    private void signIn(ServerRequest req, ServerResponse res) {
        answer(req, res, r -> {
            JsonObject body = body(r);
            String user = string(body, "user").strip();
            char[] password = string(body, "password").toCharArray();
            if (user.isEmpty() || user.length() > 256 || password.length == 0 || password.length > LONGEST_PASSWORD) {
                throw new IllegalArgumentException("give a user name and a password of at most " + LONGEST_PASSWORD + " characters");
            }
            String address = ConsoleGuard.address(r);
            AdminSignIn.Outcome outcome = admins.check(user, password, address);
            Arrays.fill(password, '\0');
            if (!outcome.ok()) {
                record(user, "console.signin.failed", address, outcome.refusal() == AdminSignIn.Refusal.THROTTLED
                        ? "too many failed sign-ins" : "wrong user name or password");
                throw outcome.refusal() == AdminSignIn.Refusal.THROTTLED
                        ? new ApiException(Status.TOO_MANY_REQUESTS_429, "too many failed sign-ins: try again in a few minutes")
                        : new ApiException(Status.UNAUTHORIZED_401, "wrong user name or password");
            }
            return startSession(res, user, outcome.roles(), address, "password");
        });
    }

    private JsonValue startSession(ServerResponse res, String user, List<String> roles, String address, String how)
            throws SQLException {
        ConsoleSessions.Created created = sessions.create(user, roles);
        res.headers().addCookie(SetCookie.builder(ConsoleGuard.COOKIE, created.cookie()).path("/").httpOnly(true)
                .secure(https).sameSite(SetCookie.SameSite.STRICT).maxAge(lifetime).build());
        record(user, "console.signin", address, how);
        return describe(created.session());
    }

    private void signOut(ServerRequest req, ServerResponse res) {
        answer(req, res, r -> {
            String user = ConsoleGuard.user(r);
            sessions.end(ConsoleGuard.cookie(r));
            // Helidon writes no Max-Age for a zero one, so an Expires in the past is what makes the browser drop the cookie.
            res.headers().addCookie(SetCookie.builder(ConsoleGuard.COOKIE, "").path("/").httpOnly(true).secure(https)
                    .sameSite(SetCookie.SameSite.STRICT).expires(Instant.EPOCH).build());
            record(user, "console.signout", ConsoleGuard.address(r), "");
            return Json.createObjectBuilder().add("signedOut", true).build();
        });
    }

    private void oidcBegin(ServerRequest req, ServerResponse res) {
        if (oidc == null) {
            JsonRoutes.send(res, Status.NOT_FOUND_404, JsonRoutes.error("single sign-on is not set up on this central"));
            return;
        }
        try {
            res.status(Status.FOUND_302).header(HeaderNames.LOCATION, oidc.begin(base(req)).toString()).send();
        } catch (OidcSignIn.Refused e) {
            backToSignIn(res, e.getMessage());
        }
    }

    private void oidcFinish(ServerRequest req, ServerResponse res) {
        if (oidc == null) {
            JsonRoutes.send(res, Status.NOT_FOUND_404, JsonRoutes.error("single sign-on is not set up on this central"));
            return;
        }
        String address = ConsoleGuard.address(req);
        var error = req.query().first("error");
        if (error.isPresent()) {
            backToSignIn(res, "the sign-in service said: " + error.get().substring(0, Math.min(200, error.get().length())));
            return;
        }
        try {
            OidcSignIn.SignedIn who = oidc.finish(req.query().first("code").orElse(null), req.query().first("state").orElse(null),
                    base(req));
            startSession(res, who.user(), who.roles(), address, "oidc");
            res.status(Status.FOUND_302).header(HeaderNames.LOCATION, "/console/#/fleet").send();
        } catch (OidcSignIn.Refused e) {
            try {
                record("oidc", "console.signin.failed", address, e.getMessage());
            } catch (SQLException recordFailed) {
                LOG.log(Level.WARNING, "recording a failed sign-in failed", recordFailed);
            }
            backToSignIn(res, e.getMessage());
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "starting a console session failed", e);
            backToSignIn(res, "central cannot start a session: " + e.getMessage());
        }
    }

    private void openApi(ServerRequest req, ServerResponse res) {
        try (InputStream in = SessionApi.class.getClassLoader().getResourceAsStream("openapi/tributary-admin.yaml")) {
            if (in == null) {
                JsonRoutes.send(res, Status.NOT_FOUND_404, JsonRoutes.error("this build has no OpenAPI document"));
                return;
            }
            res.header(HeaderNames.CONTENT_TYPE, "application/yaml");
            res.send(in.readAllBytes());
        } catch (IOException e) {
            JsonRoutes.send(res, Status.INTERNAL_SERVER_ERROR_500, JsonRoutes.error("cannot read the OpenAPI document"));
        }
    }

    /** The browser goes back to the sign-in page, which shows why. */
    private static void backToSignIn(ServerResponse res, String why) {
        res.status(Status.FOUND_302).header(HeaderNames.LOCATION,
                "/console/#/?signin_error=" + URLEncoder.encode(why, StandardCharsets.UTF_8)).send();
    }

    private String base(ServerRequest req) {
        return (req.isSecure() ? "https://" : "http://") + req.authority();
    }

    private void record(String user, String action, String address, String detail) throws SQLException {
        audit.record(AuditEvent.atCentral(clock.getAsLong(), user, action, "console", address, detail));
    }

    private static JsonObject describe(ConsoleSession s) {
        JsonArrayBuilder roles = Json.createArrayBuilder();
        s.roles().forEach(roles::add);
        return Json.createObjectBuilder().add("user", s.user()).add("csrf", s.csrf()).add("roles", roles)
                .add("expiresMillis", s.expiresMillis()).build();
    }
}
