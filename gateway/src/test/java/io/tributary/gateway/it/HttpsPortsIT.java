package io.tributary.gateway.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Central's HTTP port (health, metrics, the admin API) with {@code --http-tls} and a gateway's
 * operator port with {@code --operator-tls}: HTTPS with certificates the client can check (central's
 * chains to its CA), old protocols and plain HTTP refused, each refusal logged with its reason.
 */
class HttpsPortsIT {
    @TempDir
    Path root;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void centralsAdminPortAndTheGatewaysOperatorPortSpeakOnlyHttps() throws Exception {
        TlsProbe.requireOpenssl();
        try (Fleet fleet = new Fleet(root, "--http-tls")) {
            GatewayProcess central = fleet.central();
            assertTrue(central.httpUri().toString().startsWith("https://"));
            HttpResponse<String> health = central.httpClient().send(HttpRequest.newBuilder(central.httpUri().resolve("/health/ready"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
            assertTrue(central.metrics().count("central_sessions") >= 0, "metrics over HTTPS");

            GatewayProcess gateway = fleet.gateway("Alpha", "--operator-tls");
            assertTrue(gateway.httpUri().toString().startsWith("https://"));
            assertTrue(gateway.metrics().count("tributary_webdav_requests") >= 0, "the gateway's metrics over HTTPS");

            for (GatewayProcess p : List.of(central, gateway)) {
                int port = p.httpUri().getPort();
                Command.Result old = TlsProbe.handshake(port, p.httpCertificate(), root, List.of("-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"));
                assertTrue(old.output().contains("Cipher is (NONE)"), "TLS 1.1 refused:\n" + old.output());
                Command.Result modern = TlsProbe.handshake(port, p.httpCertificate(), root, List.of("-tls1_3"));
                assertTrue(modern.output().contains("Verify return code: 0 (ok)"), "the certificate checks out:\n" + modern.output());
                byte[] reply = TlsProbe.plainHttpReply(port, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                assertFalse(new String(reply, StandardCharsets.ISO_8859_1).startsWith("HTTP"), "no plaintext answer");
                Fleet.await(Duration.ofSeconds(10), p + " logging the plain-HTTP refusal",
                        () -> p.log().contains("refused a TLS handshake from ") && p.log().contains("the client did not speak TLS"));
                assertTrue(p.log().contains("the client offered only protocol versions this port refuses"), p.log());
            }
        }
    }
}
