package io.tributary.gateway.it;

import com.nimbusds.jose.jwk.RSAKey;
import io.tributary.gateway.auth.FakeRealm;
import io.tributary.proto.v1.FileServiceGrpc;
import io.tributary.proto.v1.PathRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
                    "--oidc-issuer", realm.issuer(), "--oidc-audience", FakeRealm.AUDIENCE, "--oidc-client", "tributary-gateway",
                    "--acl", "share:role:share-write=write", "--acl", "share:group:/auditors=read", "--grpc-port", "0"))) {
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

                // The share's rules: an auditor may read but not write; a user no rule names may do neither.
                String auditor = realm.token(realm.key, "ann", c -> c.claim("realm_access", Map.of("roles", List.of()))
                        .claim("groups", List.of("/auditors")));
                String stranger = realm.token(realm.key, "sam", c -> c.claim("realm_access", Map.of("roles", List.of("other")))
                        .claim("groups", List.of("/elsewhere")));
                long denied = gateway.metrics().count("tributary_access_denied");
                assertEquals(200, new RawHttp(port, "Bearer " + auditor).send("GET", "/share/from-carol.txt", Map.of(), new byte[0]).status());
                RawHttp.Response readOnly = new RawHttp(port, "Bearer " + auditor)
                        .send("PUT", "/share/from-ann.txt", Map.of(), "no".getBytes(StandardCharsets.UTF_8));
                assertEquals(403, readOnly.status(), readOnly.toString());
                assertTrue(readOnly.body().contains("only read"), readOnly.body());
                assertEquals(403, new RawHttp(port, "Bearer " + auditor).send("DELETE", "/share/from-carol.txt", Map.of(), new byte[0]).status());
                assertEquals(403, new RawHttp(port, "Bearer " + stranger).send("GET", "/share/from-carol.txt", Map.of(), new byte[0]).status());
                assertEquals(403, new RawHttp(port, "Bearer " + stranger).send("PROPFIND", "/share/", Map.of("Depth", "1"), new byte[0]).status());

                // The same rules on the LAN API.
                io.grpc.ManagedChannel channel = io.grpc.Grpc.newChannelBuilderForAddress("127.0.0.1", gateway.lanPort(),
                        io.grpc.TlsChannelCredentials.newBuilder().trustManager(gateway.lanCertificate().toFile()).build()).build();
                try {
                    PathRequest carolsFile = PathRequest.newBuilder().setShare("share").setPath("/from-carol.txt").build();
                    assertEquals(18, lan(channel, auditor).stat(carolsFile).getSize());
                    assertEquals(io.grpc.Status.Code.PERMISSION_DENIED, assertThrows(io.grpc.StatusRuntimeException.class,
                            () -> lan(channel, auditor).delete(carolsFile)).getStatus().getCode());
                    assertEquals(io.grpc.Status.Code.PERMISSION_DENIED, assertThrows(io.grpc.StatusRuntimeException.class,
                            () -> lan(channel, stranger).stat(carolsFile)).getStatus().getCode());
                    assertEquals(18, lan(channel, realm.token("carol")).stat(carolsFile).getSize(), "a writer reads too");
                } finally {
                    channel.shutdownNow();
                }
                assertEquals(denied + 6, gateway.metrics().count("tributary_access_denied"));
                assertEquals("signed in by token", local.getString("from-carol.txt").body(), "nothing was deleted");
            }
        }
    }

    private static FileServiceGrpc.FileServiceBlockingStub lan(io.grpc.Channel channel, String token) {
        io.grpc.Metadata headers = new io.grpc.Metadata();
        headers.put(io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return FileServiceGrpc.newBlockingStub(channel).withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(1, TimeUnit.MINUTES);
    }
}
