package io.tributary.gateway.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The share over HTTPS (--share-tls), with curl as the client: files go up and down with the
 * gateway's certificate trusted; plain HTTP, TLS 1.0/1.1 and CBC suites get nothing.
 */
class ShareTlsIT {
    private static final Path CURL = Path.of("/usr/bin/curl");

    @TempDir
    Path temp;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void theShareSpeaksOnlyModernTls() throws Exception {
        TlsProbe.requireOpenssl();
        try (GatewayProcess gateway = GatewayProcess.start(GatewayProcess.Config.of("share-tls", temp.resolve("data"))
                .extraArgs("--share-tls"))) {
            String base = "https://127.0.0.1:" + gateway.sharePort() + "/share/";
            String ca = gateway.lanCertificate().toString();
            Path file = Files.writeString(temp.resolve("over-tls.txt"), "carried over TLS");
            Command.Result put = curl("--cacert", ca, "-u", gateway.user() + ":" + gateway.password(), "-T", file.toString(),
                    "-w", "%{http_code}", "-o", "/dev/null", base + "over-tls.txt");
            assertEquals("201", put.output().strip(), put::describe);
            Command.Result get = curl("--cacert", ca, "-u", gateway.user() + ":" + gateway.password(), base + "over-tls.txt");
            assertEquals("carried over TLS", get.output(), get::describe);
            Command.Result untrusted = curl("-u", gateway.user() + ":" + gateway.password(), base + "over-tls.txt");
            assertNotEquals(0, untrusted.exitCode(), "a client that does not trust the certificate gets nothing: " + untrusted.output());

            for (List<String> refused : List.of(List.of("-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"),
                    List.of("-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA:AES128-SHA"))) {
                Command.Result r = TlsProbe.handshake(gateway.sharePort(), gateway.lanCertificate(), temp, refused);
                assertTrue(r.output().contains("Cipher is (NONE)"), "refused " + refused + ":\n" + r.output());
            }
            Command.Result modern = TlsProbe.handshake(gateway.sharePort(), gateway.lanCertificate(), temp, List.of("-tls1_3"));
            assertTrue(modern.output().contains("Cipher is TLS_"), modern.output());

            // Plain HTTP with Basic credentials to the TLS port: no HTTP answer comes back.
            byte[] reply = TlsProbe.plainHttpReply(gateway.sharePort(), "GET /share/over-tls.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic eDp5\r\n\r\n");
            assertTrue(reply.length == 0 || reply[0] == 0x15, "nothing, or a TLS alert: " + new String(reply, StandardCharsets.ISO_8859_1));

            // Each refusal is logged with the client's address and the reason.
            Fleet.await(Duration.ofSeconds(10), "the plain-HTTP refusal logged",
                    () -> gateway.log().matches("(?s).*refused a TLS handshake from [^:]+:\\d+: the client did not speak TLS.*"));
            String log = gateway.log();
            assertTrue(log.contains("the client offered only protocol versions this port refuses"), log);
            assertTrue(log.contains("the client offered no cipher suite this port allows"), log);
        }
    }

    private Command.Result curl(String... args) {
        List<String> cmd = new ArrayList<>(List.of(CURL.toString(), "-sS", "--max-time", "30"));
        cmd.addAll(List.of(args));
        return Command.run(cmd, Map.of(), temp, Duration.ofSeconds(60), null);
    }
}
