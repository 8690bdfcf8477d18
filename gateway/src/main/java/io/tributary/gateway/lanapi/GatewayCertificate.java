package io.tributary.gateway.lanapi;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;

/**
 * The gateway's own TLS identity for its LAN API until enrollment with central issues one: an
 * EC P-256 key and a self-signed certificate made at first start, kept in {@code DIR/gateway.p12}
 * (readable by the service user only). The certificate is also written as {@code DIR/gateway.crt}
 * (PEM) for clients to trust, and its SHA-256 fingerprint is logged at start.
 */
public record GatewayCertificate(PrivateKey key, X509Certificate certificate, Path pemFile) {
    static final String STORE = "gateway.p12";
    static final String PEM = "gateway.crt";
    private static final String ALIAS = "gateway";
    // The store protects nothing the file permissions do not; a fixed password keeps it openable.
    private static final char[] STORE_PASSWORD = "tributary".toCharArray();
    private static final Duration VALIDITY = Duration.ofDays(825);

    /** Loads the certificate in {@code dir}, or makes one for {@code hostNames} (DNS names or IP literals). */
    public static GatewayCertificate loadOrCreate(Path dir, List<String> hostNames) throws IOException {
        Files.createDirectories(dir);
        Path store = dir.resolve(STORE);
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            if (Files.exists(store)) {
                try (InputStream in = Files.newInputStream(store)) {
                    ks.load(in, STORE_PASSWORD);
                }
            } else {
                ks.load(null, null);
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"));
                KeyPair pair = generator.generateKeyPair();
                X509Certificate cert = selfSigned(pair, hostNames);
                ks.setKeyEntry(ALIAS, pair.getPrivate(), STORE_PASSWORD, new X509Certificate[]{cert});
                Path temp = dir.resolve(STORE + ".tmp");
                Files.deleteIfExists(temp);
                Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                try (OutputStream out = Files.newOutputStream(temp)) {
                    ks.store(out, STORE_PASSWORD);
                }
                Files.move(temp, store, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            PrivateKey key = (PrivateKey) ks.getKey(ALIAS, STORE_PASSWORD);
            X509Certificate cert = (X509Certificate) ks.getCertificate(ALIAS);
            if (key == null || cert == null) {
                throw new IOException(store + " holds no '" + ALIAS + "' key; move it away to make a new one");
            }
            Path pem = dir.resolve(PEM);
            Files.writeString(pem, pem(cert));
            return new GatewayCertificate(key, cert, pem);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot load or create the gateway's TLS certificate in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** SHA-256 of the certificate, in hex pairs: what a user compares when trusting it. */
    public String fingerprint() {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate selfSigned(KeyPair pair, List<String> hostNames)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=tributary gateway");
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                new BigInteger(127, new SecureRandom()), Date.from(now.minus(Duration.ofMinutes(5))),
                Date.from(now.plus(VALIDITY)), subject, pair.getPublic());
        GeneralName[] names = hostNames.stream().distinct()
                .map(h -> new GeneralName(isIpLiteral(h) ? GeneralName.iPAddress : GeneralName.dNSName, h))
                .toArray(GeneralName[]::new);
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    }

    private static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    }

    static String pem(X509Certificate cert) throws GeneralSecurityException {
        return "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(cert.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }
}
