package io.tributary.gateway.it;

import io.tributary.gateway.enroll.EnrolledCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gateway identity end to end, with real processes: {@code tributary gateway enroll} and
 * {@code tributary central token/revoke} on the command line, mutual TLS between a gateway and
 * central, renewal before expiry, and revocation cutting a branch off while another carries on.
 */
class EnrollmentIT {
    @TempDir
    Path root;

    private Command.Result cli(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(GatewayProcess.javaBinary()));
        cmd.addAll(GatewayProcess.JVM_FLAGS);
        cmd.addAll(List.of("-cp", GatewayProcess.testClassPath(), mainClass));
        cmd.addAll(List.of(args));
        return Command.run(cmd, Map.of(), root, Duration.ofSeconds(90), null);
    }

    private Command.Result enroll(Path data, int centralPort, String token) {
        return cli(GatewayProcess.MAIN_CLASS, "gateway", "enroll", "--data", data.toString(), "--central", "127.0.0.1:" + centralPort,
                "--token", token);
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aTokenFromTheCommandLineEnrollsOneGatewayOnce() throws Exception {
        try (Fleet fleet = new Fleet(root.resolve("fleet"))) {
            Command.Result made = cli(GatewayProcess.CENTRAL_MAIN_CLASS, "central", "token", "--data", fleet.centralData().toString(),
                    "--branch", "Graz", "--expires", "10m");
            assertEquals(0, made.exitCode(), made::describe);
            String token = made.output().lines().filter(l -> l.startsWith("tbr1.")).findFirst().orElseThrow(() -> new AssertionError(made.describe()));

            Path wrongPin = root.resolve("wrong-pin");
            String otherCa = token.substring(0, token.length() - 4) + (token.endsWith("0000") ? "1111" : "0000");
            Command.Result pinned = enroll(wrongPin, fleet.centralPort(), otherCa);
            assertEquals(1, pinned.exitCode(), pinned::describe);
            assertTrue(pinned.output().contains("not from the central CA the token names"), pinned::describe);
            assertFalse(Files.exists(wrongPin.resolve("identity/gateway.p12")));

            Command.Result garbled = enroll(root.resolve("garbled"), fleet.centralPort(), "tbr1.not-a-token");
            assertEquals(2, garbled.exitCode(), garbled::describe);
            assertTrue(garbled.output().contains("an enrollment token looks like"), garbled::describe);
            assertFalse(Files.exists(root.resolve("garbled")), "nothing is created for bad input");

            Path graz = root.resolve("graz");
            Command.Result ok = enroll(graz, fleet.centralPort(), token);
            assertEquals(0, ok.exitCode(), "the token still works: a server with the wrong CA never saw it\n" + ok.describe());
            assertTrue(ok.output().contains("enrolled as branch 'Graz'"), ok::describe);
            Path identity = graz.resolve("identity/gateway.p12");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(identity)));
            assertEquals("Graz", EnrolledCertificate.load(graz).orElseThrow().branch());

            Command.Result replay = enroll(root.resolve("linz"), fleet.centralPort(), token);
            assertEquals(1, replay.exitCode(), replay::describe);
            assertTrue(replay.output().contains("used already"), replay::describe);
            assertFalse(Files.exists(root.resolve("linz/identity/gateway.p12")));

            Command.Result notEnrolled = cli(GatewayProcess.MAIN_CLASS, "gateway", "--data", root.resolve("linz").toString(),
                    "--central", "127.0.0.1:" + fleet.centralPort());
            assertEquals(2, notEnrolled.exitCode(), notEnrolled::describe);
            assertTrue(notEnrolled.output().contains("not enrolled with central yet"), notEnrolled::describe);
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aRevokedBranchIsCutOffWhileTheOtherCarriesOn() {
        try (Fleet fleet = new Fleet(root.resolve("fleet"))) {
            GatewayProcess a = fleet.gateway("Alpha");
            GatewayProcess b = fleet.gateway("Bravo");
            Dav atA = a.dav();
            Dav atB = b.dav();
            Fleet.assertWritten(atA.put("before.txt", "from A".getBytes(StandardCharsets.UTF_8)), "PUT at A");
            Fleet.await(Duration.ofSeconds(30), "before.txt at B", () -> atB.get("before.txt").status() == 200);

            Command.Result revoke = cli(GatewayProcess.CENTRAL_MAIN_CLASS, "central", "revoke", "--data", fleet.centralData().toString(),
                    "--branch", "Alpha");
            assertEquals(0, revoke.exitCode(), revoke::describe);
            assertTrue(revoke.output().contains("revoked 1 certificate of branch 'Alpha'"), revoke::describe);
            Fleet.await(Duration.ofSeconds(10), "A's link to central closed", () -> a.metrics().count("tributary_upstream_connected") == 0);
            Fleet.await(Duration.ofSeconds(10), "central logged the cut", () -> fleet.central().log().contains("closing the session of branch 'Alpha'"));

            Fleet.assertWritten(atA.put("after.txt", "A is cut off".getBytes(StandardCharsets.UTF_8)), "PUT at A still works on the LAN");
            Fleet.assertWritten(atB.put("from-b.txt", "B carries on".getBytes(StandardCharsets.UTF_8)), "PUT at B");
            Fleet.await(Duration.ofSeconds(30), "B's receipt", () -> Fleet.receipt(atB, "from-b.txt").equals("true"));
            Fleet.await(Duration.ofSeconds(10), "central refused A's reconnections, logging why",
                    () -> fleet.central().log().contains("refused a TLS client certificate (CN=Alpha")
                            || fleet.central().log().matches("(?s).*refused a call from .*branch 'Alpha'.*has been revoked.*"));
            assertTrue(a.log().contains("has been revoked"), "the gateway's log says why its link is down");
            assertEquals(404, atB.get("after.txt").status(), "nothing from a revoked branch reaches the others");
            assertEquals(0, a.metrics().count("tributary_upstream_connected"));
            assertEquals(1, b.metrics().count("tributary_upstream_connected"));
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void certificatesAreRenewedBeforeTheyExpireAndTheLinkOutlivesThem() throws Exception {
        try (Fleet fleet = new Fleet(root.resolve("fleet"), "--gateway-cert-lifetime", "20s")) {
            GatewayProcess a = fleet.gateway("Alpha");
            Path aData = a.config().dataDir();
            EnrolledCertificate first = EnrolledCertificate.load(aData).orElseThrow();
            GatewayProcess b = fleet.gateway("Bravo");
            Fleet.await(Duration.ofSeconds(40), "A renewed its certificate", () -> !serial(aData).equals(first.serial()));
            Fleet.await(Duration.ofSeconds(30), "A's first certificate expired",
                    () -> Instant.now().isAfter(first.certificate().getNotAfter().toInstant().plusSeconds(2)));
            Dav atA = a.dav();
            Fleet.assertWritten(atA.put("renewed.txt", "after renewal".getBytes(StandardCharsets.UTF_8)), "PUT at A");
            Fleet.await(Duration.ofSeconds(30), "renewed.txt at B", () -> b.dav().get("renewed.txt").status() == 200);
            assertEquals(1, a.metrics().count("tributary_upstream_connected"));
            assertNotEquals(first.serial(), serial(aData));
            assertTrue(a.log().contains("renewed the certificate for central"), "the gateway logs each renewal");
            assertFalse(a.log().contains("renewing the certificate for central failed"), a.log());
            assertFalse(fleet.central().log().contains("expired at"), "no session outlived its certificate");
        }
    }

    private static String serial(Path data) {
        try {
            return EnrolledCertificate.load(data).orElseThrow().serial();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void centralSpeaksOnlyModernTls() throws Exception {
        TlsProbe.requireOpenssl();
        try (Fleet fleet = new Fleet(root.resolve("fleet"))) {
            Path ca = fleet.centralData().resolve("ca/ca.crt");
            for (List<String> refused : List.of(List.of("-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"),
                    List.of("-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA:AES128-SHA"))) {
                Command.Result r = TlsProbe.handshake(fleet.centralPort(), ca, root, refused);
                assertTrue(r.output().contains("Cipher is (NONE)"), "refused " + refused + ":\n" + r.output());
            }
            Command.Result modern = TlsProbe.handshake(fleet.centralPort(), ca, root, List.of("-tls1_3"));
            assertTrue(modern.output().contains("Verify return code: 0 (ok)"), "central's certificate chains to its CA:\n" + modern.output());
            byte[] reply = TlsProbe.plainHttpReply(fleet.centralPort(), "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertFalse(new String(reply, StandardCharsets.ISO_8859_1).startsWith("HTTP"), "no plaintext answer");
            Fleet.await(Duration.ofSeconds(10), "central logged the plain-HTTP refusal",
                    () -> fleet.central().log().contains("refused a TLS handshake: the client did not speak TLS"));
            String log = fleet.central().log();
            assertTrue(log.contains("refused a TLS handshake: the client offered only protocol versions this port refuses"), log);
            assertTrue(log.contains("refused a TLS handshake: the client offered no cipher suite this port allows"), log);
        }
    }
}
