package io.tributary.gateway.auth;

import com.nimbusds.jose.util.JSONObjectUtils;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.Map;

/**
 * Trades a user name and password for an access token at the issuer's token endpoint (OAuth's
 * resource-owner password grant; in Keycloak, "direct access grants" on the client), for WebDAV
 * clients that can only send Basic credentials. The token is then checked like any bearer's.
 */
public final class PasswordGrant {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_RESPONSE = 64 * 1024;

    /** The issuer could not be asked (down, unreachable, answering 5xx): not a verdict on the password. */
    public static final class Unreachable extends IOException {
        Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final TokenVerifier verifier;
    private final String clientId;
    private final String clientSecret;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();

    /** @param clientSecret the confidential client's secret, or null for a public client */
    public PasswordGrant(TokenVerifier verifier, String clientId, String clientSecret) {
        if (clientId == null || clientId.isBlank()) {
            throw new IllegalArgumentException("--oidc-client must name the client that may exchange passwords");
        }
        this.verifier = verifier;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
    }

    /**
     * @throws TokenRejectedException the issuer refused the credentials, or its token did not verify
     * @throws Unreachable            the issuer could not be asked
     */
    public TokenVerifier.Bearer exchange(String user, char[] password) throws TokenRejectedException, Unreachable {
        URI endpoint;
        try {
            endpoint = verifier.tokenEndpoint();
        } catch (TokenRejectedException e) {
            throw new Unreachable(e.getMessage(), e);
        }
        StringBuilder form = new StringBuilder("grant_type=password&scope=openid");
        field(form, "client_id", clientId);
        if (clientSecret != null) {
            field(form, "client_secret", clientSecret);
        }
        field(form, "username", user);
        field(form, "password", new String(password));
        HttpResponse<byte[]> response;
        try {
            response = http.send(HttpRequest.newBuilder(endpoint).timeout(TIMEOUT)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new Unreachable("cannot reach " + endpoint + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("interrupted", e);
        }
        int status = response.statusCode();
        if (status >= 500 || status == 429) {
            throw new Unreachable("the token endpoint answered " + status, null);
        }
        if (status != 200) {
            throw new TokenRejectedException("the issuer refused the credentials of '" + user + "' (" + status + ")");
        }
        if (response.body().length > MAX_RESPONSE) {
            throw new TokenRejectedException("a token response of " + response.body().length + " bytes");
        }
        Map<String, Object> body;
        try {
            body = JSONObjectUtils.parse(new String(response.body(), StandardCharsets.UTF_8));
        } catch (ParseException e) {
            throw new TokenRejectedException("a token response that is not JSON");
        }
        if (!(body.get("access_token") instanceof String token)) {
            throw new TokenRejectedException("a token response without an access_token");
        }
        TokenVerifier.Bearer bearer = verifier.verify(token);
        if (!bearer.user().equals(user)) {
            // Keycloak also takes an e-mail address; the share knows a Basic user by the name typed,
            // online and, with RememberedSignIns, offline alike.
            return new TokenVerifier.Bearer(user, bearer.roles(), bearer.groups(), bearer.expires());
        }
        return bearer;
    }

    private static void field(StringBuilder form, String name, String value) {
        form.append('&').append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
}
