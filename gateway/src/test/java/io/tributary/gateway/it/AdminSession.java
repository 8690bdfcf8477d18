package io.tributary.gateway.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A console admin signed in to central's {@code /api/v1} over plain HTTP, as the console's page is. */
final class AdminSession {
    private static final Pattern CSRF = Pattern.compile("\"csrf\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern COOKIE = Pattern.compile("tributary_session=([^;]+)");

    private final HttpClient http = HttpClient.newHttpClient();
    private final URI base;
    private final String cookie;
    private final String csrf;

    private AdminSession(URI base, String cookie, String csrf) {
        this.base = base;
        this.cookie = cookie;
        this.csrf = csrf;
    }

    /** Signs {@code user} in at central's HTTP port {@code base}. */
    static AdminSession signIn(URI base, String user, String password) {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> r = send(http, HttpRequest.newBuilder(base.resolve("/api/v1/session")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"" + user + "\",\"password\":\"" + password + "\"}")).build());
        Matcher csrf = CSRF.matcher(r.body());
        Matcher cookie = COOKIE.matcher(r.headers().firstValue("Set-Cookie").orElse(""));
        if (r.statusCode() != 200 || !csrf.find() || !cookie.find()) {
            throw new AssertionError("signing in as " + user + " -> " + r.statusCode() + " " + r.body());
        }
        return new AdminSession(base, cookie.group(1), csrf.group(1));
    }

    /** A request with the session's cookie and CSRF token; {@code json} null sends no body. */
    HttpResponse<String> call(String method, String path, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Cookie", "tributary_session=" + cookie).header("X-CSRF-Token", csrf);
        b = json == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.method(method, HttpRequest.BodyPublishers.ofString(json)).header("Content-Type", "application/json");
        return send(http, b.build());
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
