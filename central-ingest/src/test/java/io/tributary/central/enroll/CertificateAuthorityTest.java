package io.tributary.central.enroll;

import io.tributary.central.testing.TestCertificates;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CertificateAuthorityTest {
    @TempDir
    Path dir;

    @Test
    void theCaIsMadeOnceAndItsKeyIsReadableByTheOwnerOnly() throws Exception {
        CertificateAuthority first = CertificateAuthority.loadOrCreate(dir);
        CertificateAuthority again = CertificateAuthority.loadOrCreate(dir);
        assertEquals(first.fingerprint(), again.fingerprint());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(CertificateAuthority.STORE))));
        assertTrue(Files.readString(dir.resolve(CertificateAuthority.PEM)).startsWith("-----BEGIN CERTIFICATE-----"));
        assertTrue(first.certificate().getBasicConstraints() >= 0, "a CA certificate");
    }

    @Test
    void aGatewayCertificateNamesItsBranchAndIsForClientsOnly() throws Exception {
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir);
        Instant now = Instant.now();
        X509Certificate cert = TestCertificates.issued(ca, "São Paulo 2", now, Duration.ofDays(30)).certificate();
        assertEquals("São Paulo 2", CertificateAuthority.branchOf(cert));
        assertEquals(List.of("1.3.6.1.5.5.7.3.2"), cert.getExtendedKeyUsage(), "clientAuth only");
        assertEquals(-1, cert.getBasicConstraints(), "not a CA");
        assertEquals(now.plus(Duration.ofDays(30)).getEpochSecond(), cert.getNotAfter().toInstant().getEpochSecond());
        X509Certificate brief = TestCertificates.issued(ca, "Lyon", now, Duration.ofSeconds(30)).certificate();
        assertTrue(Duration.between(brief.getNotBefore().toInstant(), now).compareTo(Duration.ofSeconds(4)) < 0,
                "a short lifetime is backdated by a tenth of it (and the rounding to seconds) at most");
    }

    @Test
    void weakForgedAndMalformedRequestsAreRefused() throws Exception {
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir);
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        KeyPair weak = rsa.generateKeyPair();
        byte[] weakRequest = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=x"), weak.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(weak.getPrivate())).getEncoded();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CertificateAuthority.checkRequest(weakRequest))
                .getMessage().contains("2048"));

        KeyPair mine = TestCertificates.keyPair();
        KeyPair someoneElse = TestCertificates.keyPair();
        byte[] forged = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=x"), mine.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(someoneElse.getPrivate())).getEncoded();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CertificateAuthority.checkRequest(forged))
                .getMessage().contains("not signed by its own key"));

        byte[] good = TestCertificates.request(mine);
        byte[] truncated = Arrays.copyOf(good, good.length / 2);
        byte[] flipped = good.clone();
        flipped[flipped.length - 5] ^= 0x40;
        for (byte[] bad : List.of(new byte[0], truncated, flipped, new byte[CertificateAuthority.MAX_CSR_BYTES + 1])) {
            assertThrows(IllegalArgumentException.class, () -> CertificateAuthority.checkRequest(bad));
        }
        assertFalse(Arrays.equals(good, flipped));
        assertEquals(mine.getPublic(), CertificateAuthority.checkRequest(good));
    }
}
