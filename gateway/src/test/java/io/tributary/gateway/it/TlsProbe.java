package io.tributary.gateway.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.fail;

/** {@code openssl s_client} against a port on 127.0.0.1: what a TLS handshake with given options comes to. */
final class TlsProbe {
    static final Path OPENSSL = Path.of("/usr/bin/openssl");

    private TlsProbe() {
    }

    static void requireOpenssl() {
        if (!Files.isExecutable(OPENSSL)) {
            fail(OPENSSL + " is not installed; .ci/run installs it (apt-get install openssl)");
        }
    }

    /** The client's report; "Cipher is (NONE)" in it when the handshake was refused. */
    static Command.Result handshake(int port, Path ca, Path workDir, List<String> options) {
        List<String> cmd = new ArrayList<>(List.of(OPENSSL.toString(), "s_client", "-connect", "127.0.0.1:" + port, "-CAfile", ca.toString()));
        cmd.addAll(options);
        return Command.run(cmd, Map.of(), workDir, Duration.ofSeconds(30), null);
    }

    /** Sends a plain HTTP request to a TLS port and returns the first bytes of whatever comes back (nothing on a reset). */
    static byte[] plainHttpReply(int port, String request) throws java.io.IOException {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            java.io.OutputStream out = s.getOutputStream();
            out.write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.flush();
            try {
                return s.getInputStream().readNBytes(64);
            } catch (java.net.SocketException reset) {
                return new byte[0];
            }
        }
    }
}
