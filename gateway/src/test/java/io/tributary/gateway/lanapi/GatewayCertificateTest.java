package io.tributary.gateway.lanapi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GatewayCertificateTest {
    @TempDir
    Path dir;

    @Test
    void madeOnceKeptPrivateAndValidForItsNames() throws Exception {
        GatewayCertificate made = GatewayCertificate.loadOrCreate(dir, List.of("localhost", "127.0.0.1", "::1", "gw.branch.example"));
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(dir.resolve(GatewayCertificate.STORE)), "the private key is the service user's only");
        made.certificate().checkValidity();
        made.certificate().verify(made.certificate().getPublicKey());
        assertEquals("EC", made.key().getAlgorithm());
        Set<String> names = made.certificate().getSubjectAlternativeNames().stream()
                .map(n -> String.valueOf(n.get(1))).collect(Collectors.toSet());
        assertTrue(names.containsAll(Set.of("localhost", "127.0.0.1", "gw.branch.example")), names.toString());
        assertTrue(names.stream().anyMatch(n -> n.startsWith("0:0:0:0:0:0:0:1")), names.toString());

        GatewayCertificate again = GatewayCertificate.loadOrCreate(dir, List.of("other"));
        assertEquals(made.certificate(), again.certificate(), "a restart keeps the certificate clients trust");
        assertEquals(made.fingerprint(), again.fingerprint());
        try (InputStream pem = Files.newInputStream(again.pemFile())) {
            X509Certificate exported = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(pem);
            assertEquals(made.certificate(), exported, "the PEM for clients is the same certificate");
        }
        assertTrue(made.fingerprint().matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"), made.fingerprint());
    }
}
