package io.tributary.central.console;

import io.tributary.central.Central;
import io.tributary.central.CentralConfig;
import io.tributary.central.enroll.EnrollmentToken;
import io.tributary.central.enroll.TokenRefusedException;
import io.tributary.proto.auth.LocalUserStore;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The admin console's API and files, against a real central on free loopback ports (SQLite),
 * over plain HTTP with java.net.http: sessions, CSRF and Origin checks, strict input, tokens,
 * the audit log, static files and path traversal, and that every operation the OpenAPI
 * document names is routed.
 * <p>
 * The refusal tests run first ({@link Order}) so that "no token was made" can be checked as an
 * empty token list.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleApiTest {
    private static final String ADMIN = "admin";
    private static final String ADMIN_PASSWORD = "test-admin-pw";
    /** A second admin, whose name the throttle test locks out. */
    private static final String OPS = "ops";
    private static final String OPS_PASSWORD = "ops-pw-for-tests";
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    static Path data;
    static Central central;
    static HttpClient http;
    static String base;
    /** The admin's session cookie ({@code tributary_session=...}) and its CSRF token. */
    static String cookie;
    static String csrf;

    @BeforeAll
    static void start() throws Exception {
        LocalUserStore admins = LocalUserStore.open(data.resolve("admins"));
        admins.put(ADMIN, ADMIN_PASSWORD.toCharArray());
        admins.put(OPS, OPS_PASSWORD.toCharArray());
        central = Central.start(CentralConfig.embedded(data));
        base = "http://127.0.0.1:" + central.httpPort();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        Session s = signIn(ADMIN, ADMIN_PASSWORD);
        cookie = s.cookie();
        csrf = s.csrf();
    }

    @AfterAll
    static void stop() {
        if (http != null) {
            http.close();
        }
        if (central != null) {
            central.close();
        }
    }

    // ---------------------------------------------------------------- sessions and sign-in

    @Test
    @Order(1)
    void withoutASessionTheApiAnswers401ButSignInOptionsAreOpen() throws Exception {
        for (String path : List.of("/api/v1/gateways", "/api/v1/tokens", "/api/v1/session", "/api/v1/audit")) {
            HttpResponse<String> r = send("GET", path, null, null, null);
            assertEquals(401, r.statusCode(), path + ": " + r.body());
            assertJsonError(r);
            assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(null), path);
        }
        // A cookie that names no session is no better than none.
        HttpResponse<String> forged = send("GET", "/api/v1/tokens", "tributary_session=" + "A".repeat(43), null, null);
        assertEquals(401, forged.statusCode());
        // Nor can a request without a session change anything.
        HttpResponse<String> post = send("POST", "/api/v1/tokens", null, null, "{\"branch\":\"x\",\"lifetimeSeconds\":60}");
        assertEquals(401, post.statusCode(), post.body());

        HttpResponse<String> options = send("GET", "/api/v1/sign-in-options", null, null, null);
        assertEquals(200, options.statusCode(), options.body());
        JsonObject o = json(options.body());
        assertTrue(o.getBoolean("password"));
        assertFalse(o.getBoolean("oidc"));
        assertFalse(o.containsKey("oidcUrl"), "no single sign-on address when OIDC is off");
    }

    @Test
    @Order(2)
    void aWrongPasswordIsRefusedAndAudited() throws Exception {
        long before = lastSeq();
        HttpResponse<String> r = post("/api/v1/session", null, null, signInBody(ADMIN, "not-the-password"));
        assertEquals(401, r.statusCode(), r.body());
        assertEquals("wrong user name or password", json(r.body()).getString("error"));
        assertTrue(r.headers().allValues("Set-Cookie").isEmpty(), "no cookie for a failed sign-in");

        List<JsonObject> failed = records("console.signin.failed", 50).stream()
                .filter(x -> x.getJsonNumber("seq").longValue() > before).toList();
        assertEquals(1, failed.size(), failed.toString());
        assertEquals(ADMIN, failed.getFirst().getString("actor"));
        assertEquals("console.signin.failed", failed.getFirst().getString("action"));
        assertEquals("127.0.0.1", failed.getFirst().getString("address"));
    }

    @Test
    @Order(3)
    void fiveFailuresForOneNameLockItOutEvenWithTheRightPassword() throws Exception {
        for (int i = 1; i <= 5; i++) {
            HttpResponse<String> r = post("/api/v1/session", null, null, signInBody(OPS, "wrong-" + i));
            assertEquals(401, r.statusCode(), "failure " + i + ": " + r.body());
        }
        HttpResponse<String> sixth = post("/api/v1/session", null, null, signInBody(OPS, OPS_PASSWORD));
        assertEquals(429, sixth.statusCode(), sixth.body());
        assertJsonError(sixth);
        assertTrue(sixth.headers().allValues("Set-Cookie").isEmpty(), "a throttled sign-in starts no session");
        // Only that name is held back: another admin from the same address still signs in.
        assertEquals(200, post("/api/v1/session", null, null, signInBody(ADMIN, ADMIN_PASSWORD)).statusCode());
    }

    @Test
    @Order(4)
    void aGoodSignInSetsAHardenedCookieAndGivesTheCsrfToken() throws Exception {
        HttpResponse<String> r = post("/api/v1/session", null, null, signInBody(ADMIN, ADMIN_PASSWORD));
        assertEquals(200, r.statusCode(), r.body());
        JsonObject s = json(r.body());
        assertEquals(ADMIN, s.getString("user"));
        assertFalse(s.getString("csrf").isBlank());
        assertEquals(List.of(AdminSignIn.LOCAL_ADMIN), s.getJsonArray("roles").getValuesAs(jakarta.json.JsonString::getString));
        assertTrue(s.getJsonNumber("expiresMillis").longValue() > System.currentTimeMillis());

        String setCookie = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(ConsoleGuard.COOKIE + "="))
                .findFirst().orElseThrow(() -> new AssertionError("no session cookie in " + r.headers().map()));
        List<String> attributes = List.of(setCookie.split(";")).stream().map(a -> a.strip().toLowerCase(Locale.ROOT)).toList();
        assertTrue(attributes.contains("httponly"), setCookie);
        assertTrue(attributes.contains("samesite=strict"), setCookie);
        assertTrue(attributes.contains("path=/"), setCookie);
        assertFalse(attributes.contains("secure"), "no Secure on plain http: " + setCookie);
        assertTrue(setCookie.split(";")[0].length() > ConsoleGuard.COOKIE.length() + 30, "a long random value: " + setCookie);

        // The cookie names the session, whose CSRF token GET /session gives again.
        String newCookie = setCookie.split(";")[0].strip();
        HttpResponse<String> again = send("GET", "/api/v1/session", newCookie, null, null);
        assertEquals(200, again.statusCode(), again.body());
        assertEquals(s.getString("csrf"), json(again.body()).getString("csrf"));
        assertFalse(s.getString("csrf").equals(csrf), "each session has its own CSRF token");
    }

    // ---------------------------------------------------------------- CSRF and input

    @Test
    @Order(5)
    void changesWithoutTheCsrfTokenOrFromAnotherOriginAreRefusedAndChangeNothing() throws Exception {
        List<JsonObject> before = tokens();
        String body = "{\"branch\":\"Csrf\",\"lifetimeSeconds\":3600}";

        HttpResponse<String> none = post("/api/v1/tokens", cookie, null, body);
        assertEquals(403, none.statusCode(), none.body());
        assertJsonError(none);
        assertTrue(json(none.body()).getString("error").contains("CSRF"), none.body());

        HttpResponse<String> wrong = post("/api/v1/tokens", cookie, csrf + "x", body);
        assertEquals(403, wrong.statusCode(), wrong.body());
        HttpResponse<String> otherSessions = post("/api/v1/tokens", cookie, "A".repeat(csrf.length()), body);
        assertEquals(403, otherSessions.statusCode(), otherSessions.body());

        // The right CSRF token does not help a request a foreign page makes.
        HttpResponse<String> foreign = send("POST", "/api/v1/tokens", cookie, csrf, body, "Origin", "https://evil.example");
        assertEquals(403, foreign.statusCode(), foreign.body());
        assertJsonError(foreign);
        HttpResponse<String> foreignDelete = send("DELETE", "/api/v1/session", cookie, csrf, null, "Origin", "https://evil.example");
        assertEquals(403, foreignDelete.statusCode(), foreignDelete.body());
        HttpResponse<String> noCsrfDelete = send("DELETE", "/api/v1/session", cookie, null, null);
        assertEquals(403, noCsrfDelete.statusCode(), noCsrfDelete.body());

        List<JsonObject> after = tokens();
        assertEquals(before, after, "a refused request changes nothing");
        assertTrue(after.isEmpty(), "no token was made: " + after);
        assertEquals(200, send("GET", "/api/v1/session", cookie, null, null).statusCode(), "and the session still lives");

        // The console's own origin is fine (proves the checks above were about the origin and the token).
        HttpResponse<String> own = send("POST", "/api/v1/branches/Nobody/revoke", cookie, csrf, "{}", "Origin", base);
        assertEquals(200, own.statusCode(), own.body());
    }

    @Test
    @Order(6)
    void badInputIs400WithAClearErrorAndMakesNoToken() throws Exception {
        List<JsonObject> before = tokens();
        badRequest("/api/v1/tokens", "{\"branch\":\"Berlin\",\"lifetimeSeconds\":0}", "lifetimeSeconds");
        badRequest("/api/v1/tokens", "{\"branch\":\"Berlin\",\"lifetimeSeconds\":604801}", "lifetimeSeconds");
        badRequest("/api/v1/tokens", "{\"branch\":\"Berlin\",\"lifetimeSeconds\":-5}", "lifetimeSeconds");
        badRequest("/api/v1/tokens", "{\"branch\":\"Berlin\",\"lifetimeSeconds\":\"60\"}", "lifetimeSeconds");
        badRequest("/api/v1/tokens", "{\"branch\":\"Berlin\",\"lifetimeSeconds\":1.5}", "lifetimeSeconds");
        badRequest("/api/v1/tokens", "{\"branch\":\"Ber/lin\",\"lifetimeSeconds\":60}", "branch name");
        badRequest("/api/v1/tokens", "{\"branch\":\"../etc\",\"lifetimeSeconds\":60}", "branch name");
        badRequest("/api/v1/tokens", "{\"branch\":\"Ber\\u0007lin\",\"lifetimeSeconds\":60}", "branch name");
        badRequest("/api/v1/tokens", "{\"branch\":\"Berlin\\nEvil\",\"lifetimeSeconds\":60}", "branch name");
        badRequest("/api/v1/tokens", "{\"branch\":\"" + "b".repeat(65) + "\",\"lifetimeSeconds\":60}", "branch name");
        badRequest("/api/v1/tokens", "{\"lifetimeSeconds\":60}", "branch");
        badRequest("/api/v1/tokens", "this is not JSON", "not a JSON object");
        badRequest("/api/v1/tokens", "[1,2,3]", "not a JSON object");
        badRequest("/api/v1/tokens", "", "not a JSON object");
        String huge = "{\"branch\":\"Berlin\",\"lifetimeSeconds\":60,\"pad\":\"" + "p".repeat(70 * 1024) + "\"}";
        badRequest("/api/v1/tokens", huge, "larger than 65536");

        HttpResponse<String> notHex = send("DELETE", "/api/v1/tokens/not-hex", cookie, csrf, null);
        assertEquals(400, notHex.statusCode(), notHex.body());
        assertTrue(json(notHex.body()).getString("error").contains("hex"), notHex.body());
        HttpResponse<String> upper = send("DELETE", "/api/v1/tokens/0123456789ABCDEF", cookie, csrf, null);
        assertEquals(400, upper.statusCode(), upper.body());
        HttpResponse<String> unknown = send("DELETE", "/api/v1/tokens/0123456789abcdef", cookie, csrf, null);
        assertEquals(409, unknown.statusCode(), unknown.body());
        assertTrue(json(unknown.body()).getString("error").contains("0123456789abcdef"), unknown.body());

        List<JsonObject> after = tokens();
        assertEquals(before, after, "a refused request changes nothing");
        assertTrue(after.isEmpty(), "no token was made: " + after);
        // And the server still answers on the same footing after the oversized body.
        assertEquals(200, send("GET", "/api/v1/tokens", cookie, null, null).statusCode());
    }

    private static void badRequest(String path, String body, String errorMentions) throws Exception {
        HttpResponse<String> r = post(path, cookie, csrf, body);
        String what = body.length() > 80 ? body.substring(0, 80) + "... (" + body.length() + " chars)" : body;
        assertEquals(400, r.statusCode(), what + " -> " + r.body());
        JsonObject error = json(r.body());
        assertTrue(error.getString("error").contains(errorMentions), what + " -> " + r.body());
    }

    // ---------------------------------------------------------------- tokens and audit

    @Test
    @Order(10)
    void aTokenIsMadeListedRevokedAndThenRefusedAtEnrollment() throws Exception {
        long before = lastSeq();
        HttpResponse<String> made = post("/api/v1/tokens", cookie, csrf, "{\"branch\":\"Lyon\",\"lifetimeSeconds\":3600}");
        assertEquals(200, made.statusCode(), made.body());
        JsonObject t = json(made.body());
        String id = t.getString("id");
        String text = t.getString("token");
        assertEquals("Lyon", t.getString("branch"));
        assertTrue(id.matches("[0-9a-f]{16}"), id);
        assertTrue(text.startsWith("tbr1."), "the secret is shown once, on creation");
        assertEquals(3_600_000, t.getJsonNumber("expiresMillis").longValue() - t.getJsonNumber("createdMillis").longValue());

        JsonObject listed = token(id).orElseThrow(() -> new AssertionError("token " + id + " is not listed"));
        assertEquals("unused", listed.getString("state"));
        assertEquals("Lyon", listed.getString("branch"));
        assertFalse(listed.containsKey("token"), "the list never shows a secret");
        assertFalse(listed.containsKey("usedMillis") && listed.get("usedMillis") != JsonValue.NULL);
        for (JsonObject any : tokens()) {
            assertFalse(any.toString().contains(text.split("\\.")[1]), "no secret in the list");
        }

        HttpResponse<String> revoked = send("DELETE", "/api/v1/tokens/" + id, cookie, csrf, null);
        assertEquals(200, revoked.statusCode(), revoked.body());
        assertEquals("revoked", json(revoked.body()).getString("state"));
        assertEquals(id, json(revoked.body()).getString("id"));
        assertEquals("revoked", token(id).orElseThrow().getString("state"));

        TokenRefusedException refused = assertThrows(TokenRefusedException.class,
                () -> central.enrollmentTokens().redeem(EnrollmentToken.parse(text)));
        assertTrue(refused.getMessage().contains("revoked"), refused.getMessage());

        List<JsonObject> audited = records(id, 50).stream().filter(r -> r.getJsonNumber("seq").longValue() > before).toList();
        JsonObject create = audited.stream().filter(r -> r.getString("action").equals("enroll.token")).findFirst()
                .orElseThrow(() -> new AssertionError("no enroll.token record: " + audited));
        JsonObject revoke = audited.stream().filter(r -> r.getString("action").equals("enroll.token.revoke")).findFirst()
                .orElseThrow(() -> new AssertionError("no enroll.token.revoke record: " + audited));
        for (JsonObject r : List.of(create, revoke)) {
            assertEquals(ADMIN, r.getString("actor"), r.toString());
            assertEquals("Lyon", r.getString("target"), r.toString());
            assertEquals("127.0.0.1", r.getString("address"), r.toString());
            assertFalse(r.toString().contains(text.split("\\.")[1]), "the audit log never holds a token's secret");
        }
        assertTrue(create.getJsonNumber("seq").longValue() < revoke.getJsonNumber("seq").longValue());

        // A revoked token cannot be revoked into anything else, and the answer says so plainly.
        HttpResponse<String> twice = send("DELETE", "/api/v1/tokens/" + id, cookie, csrf, null);
        assertTrue(twice.statusCode() == 200 || twice.statusCode() == 409, twice.statusCode() + " " + twice.body());
        assertEquals("revoked", token(id).orElseThrow().getString("state"));
    }

    @Test
    @Order(11)
    void aUsedTokenCannotBeRevoked() throws Exception {
        JsonObject t = json(post("/api/v1/tokens", cookie, csrf, "{\"branch\":\"Oslo\",\"lifetimeSeconds\":60}").body());
        assertEquals("Oslo", central.enrollmentTokens().redeem(EnrollmentToken.parse(t.getString("token"))));
        assertEquals("used", token(t.getString("id")).orElseThrow().getString("state"));
        HttpResponse<String> r = send("DELETE", "/api/v1/tokens/" + t.getString("id"), cookie, csrf, null);
        assertEquals(409, r.statusCode(), r.body());
        assertTrue(json(r.body()).getString("error").contains("used"), r.body());
        assertEquals("used", token(t.getString("id")).orElseThrow().getString("state"));
    }

    @Test
    @Order(12)
    void theAuditLogPagesBackwardsAndRefusesBadLimits() throws Exception {
        for (String branch : List.of("Page-a", "Page-b")) {
            assertEquals(200, post("/api/v1/tokens", cookie, csrf, "{\"branch\":\"" + branch + "\",\"lifetimeSeconds\":60}").statusCode());
        }
        HttpResponse<String> first = send("GET", "/api/v1/audit?q=enroll.token&limit=1", cookie, null, null);
        assertEquals(200, first.statusCode(), first.body());
        JsonObject page1 = json(first.body());
        JsonArray records1 = page1.getJsonArray("records");
        assertEquals(1, records1.size(), first.body());
        assertEquals(JsonValue.ValueType.NUMBER, page1.get("next").getValueType(), "an older page exists: " + first.body());
        long next = page1.getJsonNumber("next").longValue();
        JsonObject newest = records1.getJsonObject(0);
        assertTrue(newest.getString("action").startsWith("enroll.token"), newest.toString());
        assertEquals("Page-b", newest.getString("target"), "newest first");

        HttpResponse<String> second = send("GET", "/api/v1/audit?q=enroll.token&limit=1&before=" + next, cookie, null, null);
        assertEquals(200, second.statusCode(), second.body());
        JsonArray records2 = json(second.body()).getJsonArray("records");
        assertEquals(1, records2.size(), second.body());
        JsonObject older = records2.getJsonObject(0);
        assertTrue(older.getJsonNumber("seq").longValue() < newest.getJsonNumber("seq").longValue(), older + " then " + newest);
        assertEquals("Page-a", older.getString("target"), "the one made before");
        assertTrue(older.getString("action").startsWith("enroll.token"), older.toString());

        for (String bad : List.of("limit=0", "limit=501", "limit=-1", "limit=ten", "before=0", "q=" + "x".repeat(201))) {
            HttpResponse<String> r = send("GET", "/api/v1/audit?" + bad, cookie, null, null);
            assertEquals(400, r.statusCode(), bad + " -> " + r.body());
            assertJsonError(r);
        }
        HttpResponse<String> most = send("GET", "/api/v1/audit?limit=500", cookie, null, null);
        assertEquals(200, most.statusCode(), "limit=500 is allowed: " + most.body());
        assertEquals(JsonValue.NULL, json(most.body()).get("next"), "everything fits in one page of 500");
    }

    @Test
    @Order(13)
    void theAuditLogExportsAsJsonLinesInOrder() throws Exception {
        HttpResponse<String> r = send("GET", "/api/v1/audit/export", cookie, null, null);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/x-ndjson"), r.headers().map().toString());
        assertTrue(r.headers().firstValue("Content-Disposition").orElse("").startsWith("attachment"), r.headers().map().toString());
        String[] lines = r.body().split("\n");
        assertTrue(lines.length >= 3, "sign-ins and token records at least: " + lines.length);
        long previous = 0;
        for (String line : lines) {
            JsonObject record = json(line);
            long seq = record.getJsonNumber("seq").longValue();
            assertTrue(seq > previous, "seq " + seq + " after " + previous);
            assertEquals(64, record.getString("hash").length());
            previous = seq;
        }
        assertEquals(1, json(lines[0]).getJsonNumber("seq").longValue(), "from the first record on");
        assertEquals(lastSeq(), previous, "to the last");

        HttpResponse<String> from = send("GET", "/api/v1/audit/export?from=2", cookie, null, null);
        assertEquals(200, from.statusCode());
        assertEquals(2, json(from.body().split("\n")[0]).getJsonNumber("seq").longValue());
        assertEquals(400, send("GET", "/api/v1/audit/export?from=zero", cookie, null, null).statusCode());
        assertEquals(401, send("GET", "/api/v1/audit/export", null, null, null).statusCode(), "not without a session");
    }

    @Test
    @Order(14)
    void signingOutEndsTheSession() throws Exception {
        Session s = signIn(ADMIN, ADMIN_PASSWORD);
        assertEquals(200, send("GET", "/api/v1/session", s.cookie(), null, null).statusCode());
        long before = lastSeq();

        HttpResponse<String> out = send("DELETE", "/api/v1/session", s.cookie(), s.csrf(), null);
        assertEquals(200, out.statusCode(), out.body());
        assertTrue(json(out.body()).getBoolean("signedOut"));
        String cleared = out.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(ConsoleGuard.COOKIE + "="))
                .findFirst().orElseThrow(() -> new AssertionError("the cookie is not cleared: " + out.headers().map()));
        assertTrue(cleared.startsWith(ConsoleGuard.COOKIE + "=;"), cleared);
        assertTrue(expiredCookie(cleared), "the browser is told to drop the cookie: " + cleared);
        assertTrue(cleared.contains("HttpOnly") && cleared.contains("SameSite=Strict"), cleared);

        HttpResponse<String> after = send("GET", "/api/v1/session", s.cookie(), null, null);
        assertEquals(401, after.statusCode(), after.body());
        assertEquals(401, send("GET", "/api/v1/tokens", s.cookie(), null, null).statusCode());
        assertEquals(401, send("DELETE", "/api/v1/session", s.cookie(), s.csrf(), null).statusCode(), "once only");

        List<JsonObject> signouts = records("console.signout", 50).stream()
                .filter(r -> r.getJsonNumber("seq").longValue() > before).toList();
        assertEquals(1, signouts.size(), signouts.toString());
        assertEquals(ADMIN, signouts.getFirst().getString("actor"));
        assertEquals("console.signout", signouts.getFirst().getString("action"));

        assertEquals(200, send("GET", "/api/v1/session", cookie, null, null).statusCode(), "other sessions live on");
    }

    // ---------------------------------------------------------------- files

    @Test
    @Order(20)
    void theConsoleIsServedWithItsHardeningHeaders() throws Exception {
        HttpResponse<String> index = send("GET", "/console/", null, null, null);
        assertEquals(200, index.statusCode());
        assertTrue(index.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), index.headers().map().toString());
        String csp = index.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.contains("script-src 'self'"), csp);
        assertTrue(csp.contains("frame-ancestors 'none'"), csp);
        assertEquals("DENY", index.headers().firstValue("X-Frame-Options").orElse(null));
        assertEquals("nosniff", index.headers().firstValue("X-Content-Type-Options").orElse(null));
        assertEquals("no-referrer", index.headers().firstValue("Referrer-Policy").orElse(null));
        assertTrue(index.headers().firstValue("Strict-Transport-Security").isEmpty(), "no HSTS on plain http");
        assertTrue(index.body().toLowerCase(Locale.ROOT).contains("<html"), "index.html");

        HttpResponse<String> app = send("GET", "/console/app.js", null, null, null);
        assertEquals(200, app.statusCode());
        assertTrue(app.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"), app.headers().map().toString());
        assertEquals("DENY", app.headers().firstValue("X-Frame-Options").orElse(null));

        HttpResponse<String> uplot = send("GET", "/console/vendor/uplot/uPlot.esm.js", null, null, null);
        assertEquals(200, uplot.statusCode());
        assertTrue(uplot.headers().firstValue("Content-Type").orElse("").contains("javascript"), uplot.headers().map().toString());
        assertTrue(uplot.body().length() > 10_000, "the real uPlot module");

        HttpResponse<String> root = send("GET", "/", null, null, null);
        assertEquals(302, root.statusCode());
        assertEquals("/console/", root.headers().firstValue("Location").orElse(null));
        assertEquals(404, send("GET", "/console/nosuch.js", null, null, null).statusCode());

        // The API's own answers carry the same headers.
        HttpResponse<String> api = send("GET", "/api/v1/sign-in-options", null, null, null);
        assertTrue(api.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"));
        assertEquals("DENY", api.headers().firstValue("X-Frame-Options").orElse(null));
    }

    @Test
    @Order(21)
    void pathTraversalReachesNoOtherResource() throws Exception {
        // What each path would reach if it escaped /console/, and how that resource starts.
        Map<String, String> attempts = new java.util.LinkedHashMap<>();
        attempts.put("/console/../META-INF/MANIFEST.MF", "Manifest-Version");
        attempts.put("/console/..%2fMETA-INF/MANIFEST.MF", "Manifest-Version");
        attempts.put("/console/%2e%2e/openapi/tributary-admin.yaml", "openapi:");
        attempts.put("/console/..%2Fopenapi%2Ftributary-admin.yaml", "openapi:");
        attempts.put("/console/%2e%2e%2f%2e%2e%2fio/tributary/central/Central.class", "\u00ca\u00fe\u00ba\u00be");
        attempts.put("/console/x.class", "\u00ca\u00fe\u00ba\u00be");
        attempts.put("/console/pages/../../Central.class", "\u00ca\u00fe\u00ba\u00be");
        attempts.put("/console/pages/../../io/tributary/central/Central.class", "\u00ca\u00fe\u00ba\u00be");
        attempts.put("/console/vendor/uplot/../../../META-INF/MANIFEST.MF", "Manifest-Version");
        attempts.put("/console/vendor/uplot/../package.json", "\"name\"");
        attempts.put("/console//etc/passwd", "root:");
        attempts.put("/console/.%2e/openapi/tributary-admin.yaml", "openapi:");
        for (Map.Entry<String, String> a : attempts.entrySet()) {
            RawResponse r = raw(a.getKey());
            boolean leaked = r.status() == 200 && r.body().contains(a.getValue());
            assertFalse(leaked, a.getKey() + " answered the resource: " + r.head());
            assertTrue(r.status() == 400 || r.status() == 404, a.getKey() + " is refused or not found: " + r.head());
        }
        // The raw client itself works: a plain path is served.
        RawResponse ok = raw("/console/app.js");
        assertEquals(200, ok.status(), ok.head());
    }

    // ---------------------------------------------------------------- the OpenAPI document

    @Test
    @Order(30)
    void everyOperationInTheOpenApiDocumentIsRouted() throws Exception {
        HttpResponse<String> doc = send("GET", "/api/v1/openapi.yaml", null, null, null);
        assertEquals(200, doc.statusCode(), "open without a session");
        assertTrue(doc.headers().firstValue("Content-Type").orElse("").startsWith("application/yaml"), doc.headers().map().toString());
        Map<String, Object> api = new Yaml().load(doc.body());
        assertTrue(String.valueOf(api.get("openapi")).startsWith("3."), "an OpenAPI 3 document");
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) api.get("paths");
        assertNotNull(paths);

        record Operation(String method, String path) {
        }
        List<Operation> operations = new ArrayList<>();
        for (Map.Entry<String, Map<String, Object>> p : paths.entrySet()) {
            for (String method : p.getValue().keySet()) {
                if (List.of("get", "post", "put", "patch", "delete", "head", "options").contains(method)) {
                    operations.add(new Operation(method.toUpperCase(Locale.ROOT), p.getKey()));
                }
            }
        }
        assertTrue(operations.size() >= 20, "the document names the API's operations: " + operations);
        // Signing out last: it ends the session the others use.
        operations.sort(Comparator.comparing((Operation o) -> o.method().equals("DELETE") && o.path().equals("/session")));

        Session s = signIn(ADMIN, ADMIN_PASSWORD);
        List<String> unrouted = new ArrayList<>();
        for (Operation o : operations) {
            String path = "/api/v1" + fill(o.path());
            String body = o.method().equals("POST") || o.method().equals("PUT") || o.method().equals("PATCH") ? "{}" : null;
            HttpResponse<String> r = send(o.method(), path, s.cookie(), s.csrf(), body);
            String seen = o.method() + " " + o.path() + " (" + path + ") -> " + r.statusCode() + " " + abbreviate(r.body());
            if (r.statusCode() == 405) {
                unrouted.add(seen);
            } else if (r.statusCode() == 404 && !isJsonError(r.body())) {
                unrouted.add(seen);   // Helidon's own 404: no route matched
            } else if (r.statusCode() == 401) {
                unrouted.add(seen + " (the session was lost)");
            }
        }
        assertTrue(unrouted.isEmpty(), "operations the document names but central does not route:\n" + String.join("\n", unrouted));

        // The check above would catch an unrouted path: Helidon's 404 is not JSON.
        HttpResponse<String> nowhere = send("GET", "/api/v1/nowhere", cookie, null, null);
        assertEquals(404, nowhere.statusCode());
        assertFalse(isJsonError(nowhere.body()), nowhere.body());
    }

    /** Whether a Set-Cookie value tells the browser to drop the cookie at once: Max-Age 0 or less, or an Expires past. */
    private static boolean expiredCookie(String setCookie) {
        for (String attribute : setCookie.split(";")) {
            String[] nv = attribute.strip().split("=", 2);
            if (nv.length == 2 && nv[0].equalsIgnoreCase("Max-Age") && Long.parseLong(nv[1].strip()) <= 0) {
                return true;
            }
            if (nv.length == 2 && nv[0].equalsIgnoreCase("Expires")
                    && java.time.ZonedDateTime.parse(nv[1].strip(), java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant().isBefore(java.time.Instant.now())) {
                return true;
            }
        }
        return false;
    }

    private static String fill(String template) {
        Matcher m = Pattern.compile("\\{([^}]+)}").matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = switch (m.group(1)) {
                case "share" -> "nosuch";
                case "id", "gatewayId" -> "0000000000000000";
                case "branch" -> "x";
                default -> "x";
            };
            m.appendReplacement(out, value);
        }
        m.appendTail(out);
        return out.toString();
    }

    // ---------------------------------------------------------------- helpers

    private record Session(String cookie, String csrf) {
    }

    private static Session signIn(String user, String password) throws Exception {
        HttpResponse<String> r = post("/api/v1/session", null, null, signInBody(user, password));
        assertEquals(200, r.statusCode(), "signing in " + user + ": " + r.body());
        String c = r.headers().allValues("Set-Cookie").stream().filter(v -> v.startsWith(ConsoleGuard.COOKIE + "="))
                .findFirst().orElseThrow().split(";")[0].strip();
        return new Session(c, json(r.body()).getString("csrf"));
    }

    private static String signInBody(String user, String password) {
        return Json.createObjectBuilder().add("user", user).add("password", password).build().toString();
    }

    private static HttpResponse<String> post(String path, String cookie, String csrf, String body) throws Exception {
        return send("POST", path, cookie, csrf, body);
    }

    /** One request; {@code extra} are header names and values in turn. */
    private static HttpResponse<String> send(String method, String path, String cookie, String csrf, String body, String... extra)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        if (csrf != null) {
            b.header(ConsoleGuard.CSRF_HEADER.defaultCase(), csrf);
        }
        for (int i = 0; i + 1 < extra.length; i += 2) {
            b.header(extra[i], extra[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject json(String text) {
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    private static boolean isJsonError(String body) {
        try {
            JsonObject o = json(body);
            return o.containsKey("error") && o.get("error").getValueType() == JsonValue.ValueType.STRING;
        } catch (JsonException | IllegalStateException e) {
            return false;
        }
    }

    private static void assertJsonError(HttpResponse<String> r) {
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.headers().map().toString());
        assertTrue(isJsonError(r.body()), r.body());
        assertFalse(json(r.body()).getString("error").isBlank(), r.body());
    }

    private static List<JsonObject> tokens() throws Exception {
        HttpResponse<String> r = send("GET", "/api/v1/tokens", cookie, null, null);
        assertEquals(200, r.statusCode(), r.body());
        return json(r.body()).getJsonArray("tokens").getValuesAs(JsonObject.class);
    }

    private static Optional<JsonObject> token(String id) throws Exception {
        return tokens().stream().filter(t -> t.getString("id").equals(id)).findFirst();
    }

    /** Audit records whose fields contain {@code q}, newest first. */
    private static List<JsonObject> records(String q, int limit) throws Exception {
        HttpResponse<String> r = send("GET", "/api/v1/audit?limit=" + limit + "&q="
                + java.net.URLEncoder.encode(q, StandardCharsets.UTF_8), cookie, null, null);
        assertEquals(200, r.statusCode(), r.body());
        return json(r.body()).getJsonArray("records").getValuesAs(JsonObject.class);
    }

    /** The newest audit record's seq. */
    private static long lastSeq() throws Exception {
        List<JsonObject> newest = records("", 1);
        return newest.isEmpty() ? 0 : newest.getFirst().getJsonNumber("seq").longValue();
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    private record RawResponse(int status, String head, String body) {
    }

    /** Whether {@code text} holds a whole HTTP answer: its head and the body its Content-Length or chunking announces. */
    private static boolean complete(String text) {
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        String head = text.substring(0, end).toLowerCase(Locale.ROOT);
        Matcher length = Pattern.compile("\r\ncontent-length: *(\\d+)").matcher(head);
        if (length.find()) {
            return text.length() - end - 4 >= Long.parseLong(length.group(1));
        }
        if (head.contains("\r\ntransfer-encoding: chunked")) {
            return text.endsWith("\r\n0\r\n\r\n");
        }
        return false;   // to the end of the stream
    }

    /** GET {@code path} exactly as given, on a plain socket: no client normalises it. */
    private static RawResponse raw(String path) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", central.httpPort()), (int) TIMEOUT.toMillis());
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + central.httpPort() + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            // Read the head, then as much body as it announces: the server may keep the socket open a while.
            String text = "";
            int n;
            while (all.size() < 4 * 1024 * 1024 && !complete(text) && (n = in.read(buffer)) >= 0) {
                all.write(buffer, 0, n);
                // ISO-8859-1 keeps every byte as one char, so a class file's 0xCAFEBABE is findable.
                text = all.toString(StandardCharsets.ISO_8859_1);
            }
            int end = text.indexOf("\r\n\r\n");
            String head = end < 0 ? text : text.substring(0, end);
            String body = end < 0 ? "" : text.substring(end + 4);
            String[] status = head.split("\r\n", 2)[0].split(" ");
            if (status.length < 2 || !status[0].startsWith("HTTP/")) {
                fail("not an HTTP answer to " + path + ": " + abbreviate(text));
            }
            return new RawResponse(Integer.parseInt(status[1]), head, body);
        }
    }
}
