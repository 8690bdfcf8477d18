package io.tributary.central.api;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.tributary.central.audit.AuditEvent;
import io.tributary.central.audit.AuditLog;
import io.tributary.central.console.ConsoleGuard;
import io.tributary.central.enroll.Branches;
import io.tributary.central.enroll.EnrollmentToken;
import io.tributary.central.enroll.EnrollmentTokens;
import io.tributary.central.enroll.TokenRefusedException;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.LongSupplier;

import static io.tributary.central.api.JsonRoutes.answer;
import static io.tributary.central.api.JsonRoutes.body;
import static io.tributary.central.api.JsonRoutes.number;
import static io.tributary.central.api.JsonRoutes.string;

/** Enrollment tokens from the console: make one for a branch (its secret shown once), list them, revoke an unused one. */
public final class TokensApi implements HttpService {
    private static final int LISTED = 500;

    private final EnrollmentTokens tokens;
    private final AuditLog audit;
    private final LongSupplier clock;

    public TokensApi(EnrollmentTokens tokens, AuditLog audit, LongSupplier clock) {
        this.tokens = tokens;
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/tokens", (req, res) -> answer(req, res, this::list))
                .post("/tokens", (req, res) -> answer(req, res, this::create))
                .delete("/tokens/{id}", (req, res) -> answer(req, res, this::revoke));
    }

    private JsonValue list(ServerRequest req) throws SQLException {
        long now = clock.getAsLong();
        JsonArrayBuilder list = Json.createArrayBuilder();
        for (EnrollmentTokens.Listed t : tokens.list(LISTED)) {
            list.add(describe(t, now));
        }
        return Json.createObjectBuilder().add("tokens", list).build();
    }

    private JsonValue create(ServerRequest req) throws SQLException, IOException {
        JsonObject body = body(req);
        String branch = Branches.check(string(body, "branch").strip());
        long seconds = number(body, "lifetimeSeconds");
        if (seconds < 1 || seconds > EnrollmentTokens.LONGEST_LIFETIME.toSeconds()) {
            throw new IllegalArgumentException("'lifetimeSeconds' takes 1 to " + EnrollmentTokens.LONGEST_LIFETIME.toSeconds() + ", got " + seconds);
        }
        long now = clock.getAsLong();
        EnrollmentToken token = tokens.create(branch, Duration.ofSeconds(seconds));
        String id = EnrollmentTokens.id(token);
        audit.record(AuditEvent.atCentral(now, ConsoleGuard.user(req), "enroll.token", branch, ConsoleGuard.address(req),
                "token " + id + ", valid " + Duration.ofSeconds(seconds)));
        return Json.createObjectBuilder().add("id", id).add("branch", branch).add("token", token.toString())
                .add("createdMillis", now).add("expiresMillis", now + seconds * 1000).build();
    }

    private JsonValue revoke(ServerRequest req) throws SQLException, TokenRefusedException {
        EnrollmentTokens.Listed t = tokens.revoke(req.path().pathParameters().get("id"));
        audit.record(AuditEvent.atCentral(clock.getAsLong(), ConsoleGuard.user(req), "enroll.token.revoke", t.branch(),
                ConsoleGuard.address(req), "token " + t.id()));
        return describe(t, clock.getAsLong()).build();
    }

    private static JsonObjectBuilder describe(EnrollmentTokens.Listed t, long now) {
        JsonObjectBuilder o = Json.createObjectBuilder().add("id", t.id()).add("branch", t.branch()).add("state", t.state(now))
                .add("createdMillis", t.createdMillis()).add("expiresMillis", t.expiresMillis());
        if (t.usedMillis() > 0) {
            o.add("usedMillis", t.usedMillis());
        }
        return o;
    }
}
