package io.tributary.gateway.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The LAN API's TLS, probed with {@code openssl s_client}: TLS 1.3, and 1.2 only with AEAD
 * suites; TLS 1.0, 1.1 and CBC suites are refused in the handshake, and plain text gets no answer.
 */
class LanTlsIT {
    @TempDir
    Path temp;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void onlyModernProtocolsAndAeadSuitesGetThrough() throws Exception {
        TlsProbe.requireOpenssl();
        try (GatewayProcess gateway = GatewayProcess.start(GatewayProcess.Config.of("lan-tls", temp.resolve("data"))
                .extraArgs("--grpc-port", "0"))) {
            int port = gateway.lanPort();
            // SECLEVEL=0 lets this client offer what the gateway must refuse.
            for (List<String> refused : List.of(List.of("-tls1", "-cipher", "DEFAULT@SECLEVEL=0"),
                    List.of("-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"),
                    List.of("-tls1_2", "-cipher", "AES128-SHA:AES256-SHA256"),
                    List.of("-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384"))) {
                Command.Result r = handshake(port, refused, gateway);
                assertTrue(r.output().contains("Cipher is (NONE)"), "refused " + refused + ":\n" + r.output());
            }
            for (List<String> accepted : List.of(List.of("-tls1_3"), List.of("-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"),
                    List.of("-tls1_2", "-cipher", "ECDHE-ECDSA-CHACHA20-POLY1305"))) {
                Command.Result r = handshake(port, accepted, gateway);
                assertTrue(r.output().matches("(?s).*Cipher is (TLS_AES|TLS_CHACHA|ECDHE-ECDSA-(AES128-GCM|CHACHA20)).*"),
                        "accepted " + accepted + ":\n" + r.output());
                assertTrue(r.output().contains("ALPN protocol: h2"), "gRPC over HTTP/2: " + r.output());
            }
            // Plain HTTP to the TLS port: no HTTP answer comes back, the connection is closed.
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                out.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                byte[] reply = in.readNBytes(64);
                assertTrue(reply.length == 0 || reply[0] == 0x15, "nothing, or a TLS alert record: "
                        + new String(reply, StandardCharsets.ISO_8859_1));
            }
            assertEquals(0, gateway.metrics().count("tributary_lan_calls"), "no call got through");
            // Each refusal is logged with its reason, and counted.
            Fleet.await(Duration.ofSeconds(10), "the plain-HTTP refusal logged",
                    () -> gateway.log().contains("refused a TLS handshake: the client did not speak TLS"));
            String log = gateway.log();
            assertTrue(log.contains("refused a TLS handshake: the client offered only protocol versions this port refuses"), log);
            assertTrue(log.contains("refused a TLS handshake: the client offered no cipher suite this port allows"), log);
            assertEquals(5, gateway.metrics().count("tributary_tls_handshakes_refused"), "four probes and the plain HTTP");
        }
    }

    private Command.Result handshake(int port, List<String> options, GatewayProcess gateway) {
        List<String> all = new ArrayList<>(List.of("-alpn", "h2"));
        all.addAll(options);
        return TlsProbe.handshake(port, gateway.lanCertificate(), temp, all);
    }
}
