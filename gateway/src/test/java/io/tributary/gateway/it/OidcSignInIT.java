package io.tributary.gateway.it;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A gateway told to trust a Keycloak realm (its discovery document and keys served by WireMock)
 * admits a bearer of that realm's token to the share, refuses a forged one, and still admits its
 * local users.
 */
class OidcSignInIT {
    @TempDir
    Path dataDir;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aRealmsTokenOpensTheShareAndAForgedOneDoesNot() throws Exception {
        WireMockServer keycloak = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        keycloak.start();
        try {
            String issuer = "http://127.0.0.1:" + keycloak.port() + "/realms/acme";
            RSAKey key = new RSAKeyGenerator(2048).keyID("realm-key").generate();
            keycloak.stubFor(get(urlEqualTo("/realms/acme/.well-known/openid-configuration")).willReturn(okJson(
                    "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer + "/protocol/openid-connect/certs\"}")));
            keycloak.stubFor(get(urlEqualTo("/realms/acme/protocol/openid-connect/certs"))
                    .willReturn(okJson(new JWKSet(key.toPublicJWK()).toString())));
            try (GatewayProcess gateway = GatewayProcess.start(GatewayProcess.Config.of("oidc", dataDir)
                    .extraArgs("--oidc-issuer", issuer, "--oidc-audience", "tributary"))) {
                int port = gateway.sharePort();
                RawHttp.Response put = new RawHttp(port, "Bearer " + token(key, issuer, "carol"))
                        .send("PUT", "/share/from-carol.txt", Map.of(), "signed in by token".getBytes(StandardCharsets.UTF_8));
                assertEquals(201, put.status(), put.toString());

                long failures = gateway.metrics().count("tributary_auth_failures");
                RSAKey impostor = new RSAKeyGenerator(2048).keyID("realm-key").generate();
                RawHttp.Response forged = new RawHttp(port, "Bearer " + token(impostor, issuer, "mallory"))
                        .send("PUT", "/share/from-mallory.txt", Map.of(), "forged".getBytes(StandardCharsets.UTF_8));
                assertEquals(401, forged.status(), forged.toString());
                assertTrue(gateway.metrics().count("tributary_auth_failures") > failures, "the refusal is counted");

                Dav local = gateway.dav();
                assertEquals("signed in by token", local.getString("from-carol.txt").body(), "and a local user still signs in");
                assertEquals(404, local.getString("from-mallory.txt").statusCode(), "nothing of the forged request was kept");
                assertFalse(gateway.log().contains("signed in by token"), "content is not logged");
            }
        } finally {
            keycloak.stop();
        }
    }

    private static String token(RSAKey key, String issuer, String user) throws Exception {
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
                new JWTClaimsSet.Builder().issuer(issuer).subject("id-" + user).audience(List.of("tributary"))
                        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)))
                        .claim("preferred_username", user).build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }
}
