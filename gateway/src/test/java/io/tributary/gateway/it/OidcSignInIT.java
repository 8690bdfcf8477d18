package io.tributary.gateway.it;

import com.nimbusds.jose.jwk.RSAKey;
import io.tributary.gateway.auth.FakeRealm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A gateway process told to trust a Keycloak realm (WireMock) admits a bearer of the realm's
 * token and a Basic user the realm vouches for, refuses a forged token, and still admits its local
 * users.
 */
class OidcSignInIT {
    @TempDir
    Path dataDir;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aRealmsUsersOpenTheShareAndForgeriesDoNot() throws Exception {
        try (FakeRealm realm = new FakeRealm()) {
            realm.server.stubFor(post(urlEqualTo("/realms/acme/protocol/openid-connect/token")).atPriority(5)
                    .willReturn(aResponse().withStatus(401).withBody("{\"error\":\"invalid_grant\"}")));
            realm.server.stubFor(post(urlEqualTo("/realms/acme/protocol/openid-connect/token")).atPriority(1)
                    .withRequestBody(containing("username=erin")).withRequestBody(containing("password=erins-password"))
                    .willReturn(okJson("{\"access_token\":\"" + realm.token("erin") + "\"}")));
            try (GatewayProcess gateway = GatewayProcess.start(GatewayProcess.Config.of("oidc", dataDir).extraArgs(
                    "--oidc-issuer", realm.issuer(), "--oidc-audience", FakeRealm.AUDIENCE, "--oidc-client", "tributary-gateway"))) {
                int port = gateway.sharePort();
                RawHttp.Response put = new RawHttp(port, "Bearer " + realm.token("carol"))
                        .send("PUT", "/share/from-carol.txt", Map.of(), "signed in by token".getBytes(StandardCharsets.UTF_8));
                assertEquals(201, put.status(), put.toString());

                RawHttp.Response basic = new RawHttp(port, "Basic " + Base64.getEncoder().encodeToString(
                        "erin:erins-password".getBytes(StandardCharsets.UTF_8)))
                        .send("PUT", "/share/from-erin.txt", Map.of(), "signed in at the realm".getBytes(StandardCharsets.UTF_8));
                assertEquals(201, basic.status(), "a mapped drive's Basic credentials, checked at the realm: " + basic);

                long failures = gateway.metrics().count("tributary_auth_failures");
                RSAKey impostor = FakeRealm.newKey(realm.key.getKeyID());
                RawHttp.Response forged = new RawHttp(port, "Bearer " + realm.token(impostor, "mallory", c -> { }))
                        .send("PUT", "/share/from-mallory.txt", Map.of(), "forged".getBytes(StandardCharsets.UTF_8));
                assertEquals(401, forged.status(), forged.toString());
                RawHttp.Response guessed = new RawHttp(port, "Basic " + Base64.getEncoder().encodeToString(
                        "erin:guess".getBytes(StandardCharsets.UTF_8)))
                        .send("PUT", "/share/from-guess.txt", Map.of(), "guessed".getBytes(StandardCharsets.UTF_8));
                assertEquals(401, guessed.status(), guessed.toString());
                assertEquals(failures + 2, gateway.metrics().count("tributary_auth_failures"), "both refusals are counted");

                Dav local = gateway.dav();
                assertEquals("signed in by token", local.getString("from-carol.txt").body(), "and a local user still signs in");
                assertEquals("signed in at the realm", local.getString("from-erin.txt").body());
                assertEquals(404, local.getString("from-mallory.txt").statusCode(), "nothing of the forged request was kept");
                assertEquals(404, local.getString("from-guess.txt").statusCode());
                assertTrue(!gateway.log().contains("erins-password"), "passwords are not logged");
            }
        }
    }
}
