package io.tributary.central.enroll;

import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;

/**
 * Central's certificate authority: an EC P-256 key and a self-signed CA certificate made at
 * first start in {@code DIR/ca.p12} (mode 0600; the CA key never leaves it), with the
 * certificate also written as {@code DIR/ca.crt}. It signs gateways' requests, one branch per
 * certificate, for client authentication only; and, at each start, a fresh server certificate
 * for central's own TLS port, whose key lives only in memory.
 */
public final class CertificateAuthority {
    public static final int MAX_CSR_BYTES = 4096;
    static final String STORE = "ca.p12";
    static final String PEM = "ca.crt";
    private static final String ALIAS = "ca";
    // The store protects nothing the file mode does not; a fixed password keeps it openable.
    private static final char[] STORE_PASSWORD = "tributary".toCharArray();
    private static final Duration CA_LIFETIME = Duration.ofDays(3650);
    private static final Duration SERVER_LIFETIME = Duration.ofDays(397);
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A key pair and the certificate this CA issued for it. */
    public record Identity(PrivateKey key, X509Certificate certificate) {
    }

    private final PrivateKey key;
    private final X509Certificate certificate;

    private CertificateAuthority(PrivateKey key, X509Certificate certificate) {
        this.key = key;
        this.certificate = certificate;
    }

    /** Loads the CA in {@code dir}, or makes one. */
    public static CertificateAuthority loadOrCreate(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path store = dir.resolve(STORE);
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            if (Files.exists(store)) {
                try (InputStream in = Files.newInputStream(store)) {
                    ks.load(in, STORE_PASSWORD);
                }
            } else {
                KeyPair pair = newKeyPair();
                X509Certificate ca = selfSigned(pair);
                ks.load(null, null);
                ks.setKeyEntry(ALIAS, pair.getPrivate(), STORE_PASSWORD, new X509Certificate[]{ca});
                writePrivate(store, ks);
            }
            PrivateKey key = (PrivateKey) ks.getKey(ALIAS, STORE_PASSWORD);
            X509Certificate cert = (X509Certificate) ks.getCertificate(ALIAS);
            if (key == null || cert == null) {
                throw new IOException(store + " holds no '" + ALIAS + "' key");
            }
            Files.writeString(dir.resolve(PEM), pem(cert), StandardCharsets.US_ASCII);
            return new CertificateAuthority(key, cert);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot load or create central's certificate authority in " + dir + ": " + e.getMessage(), e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** SHA-256 of the CA certificate in lower-case hex: what an enrollment token pins. */
    public String fingerprint() {
        return fingerprint(certificate);
    }

    public static String fingerprint(X509Certificate cert) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Signs a gateway's PKCS#10 request for {@code branch}, valid for {@code lifetime} from
     * {@code now}. The request must be well formed, signed by its own key, and that key EC P-256
     * or RSA of 2048 bits or more; anything else is an {@link IllegalArgumentException}.
     */
    public X509Certificate issueGateway(byte[] csrDer, String branch, Duration lifetime, Instant now) {
        PublicKey subjectKey = checkRequest(csrDer);
        // Backdated for clocks a little behind, but never by much of a short lifetime.
        Duration skew = lifetime.dividedBy(10).compareTo(CLOCK_SKEW) < 0 ? lifetime.dividedBy(10) : CLOCK_SKEW;
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(),
                    Date.from(now.minus(skew)), Date.from(now.plus(lifetime)), gatewaySubject(branch), subjectKey);
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            return sign(b);
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot sign a gateway certificate: " + e.getMessage(), e);
        }
    }

    /** A new key pair and a server certificate for {@code hostNames} (DNS names or IP literals). */
    public Identity serverIdentity(List<String> hostNames) throws IOException {
        try {
            KeyPair pair = newKeyPair();
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(),
                    Date.from(now.minus(CLOCK_SKEW)), Date.from(now.plus(SERVER_LIFETIME)),
                    new X500Name("CN=tributary central"), pair.getPublic());
            GeneralName[] names = hostNames.stream().distinct()
                    .map(h -> new GeneralName(isIpLiteral(h) ? GeneralName.iPAddress : GeneralName.dNSName, h))
                    .toArray(GeneralName[]::new);
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            return new Identity(pair.getPrivate(), sign(b));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot make central's server certificate: " + e.getMessage(), e);
        }
    }

    /** The branch a gateway certificate names: its subject's common name. */
    public static String branchOf(X509Certificate cert) {
        RDN[] cn = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded()).getRDNs(BCStyle.CN);
        if (cn.length != 1) {
            throw new IllegalArgumentException("a gateway certificate names exactly one branch");
        }
        return IETFUtils.valueToString(cn[0].getFirst().getValue());
    }

    /** The serial number as central records it: lower-case hex. */
    public static String serialOf(X509Certificate cert) {
        return cert.getSerialNumber().toString(16);
    }

    public static String pem(X509Certificate cert) throws GeneralSecurityException {
        return "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(cert.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }

    /**
     * The key of a well-formed PKCS#10 request signed by that key, EC P-256 or RSA of 2048 bits
     * or more; anything else is an {@link IllegalArgumentException} saying what is wrong.
     */
    public static PublicKey checkRequest(byte[] csrDer) {
        if (csrDer.length == 0 || csrDer.length > MAX_CSR_BYTES) {
            throw new IllegalArgumentException("a certification request is 1 to " + MAX_CSR_BYTES + " bytes, got " + csrDer.length);
        }
        try {
            JcaPKCS10CertificationRequest csr = new JcaPKCS10CertificationRequest(csrDer);
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(csr.getSubjectPublicKeyInfo()))) {
                throw new IllegalArgumentException("the certification request is not signed by its own key");
            }
            PublicKey pk = csr.getPublicKey();
            boolean strong = pk instanceof ECPublicKey ec && ec.getParams().getCurve().getField().getFieldSize() == 256
                    || pk instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() >= 2048;
            if (!strong) {
                throw new IllegalArgumentException("the certification request's key must be EC P-256 or RSA of 2048 bits or more");
            }
            return pk;
        } catch (IOException | RuntimeException | GeneralSecurityException | OperatorCreationException | PKCSException e) {
            if (e instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new IllegalArgumentException("the certification request is not a valid PKCS#10 request: " + e.getMessage(), e);
        }
    }

    private static X500Name gatewaySubject(String branch) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "tributary gateway").addRDN(BCStyle.CN, branch).build();
    }

    private X509Certificate sign(X509v3CertificateBuilder b) throws GeneralSecurityException, OperatorCreationException {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }

    private static X509Certificate selfSigned(KeyPair pair) throws GeneralSecurityException, OperatorCreationException, IOException {
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=tributary central CA " + HexFormat.of().formatHex(RANDOM.generateSeed(4)));
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minus(CLOCK_SKEW)),
                Date.from(now.plus(CA_LIFETIME)), subject, pair.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).setBit(126);
    }

    private static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    }

    /** Writes the store through a 0600 temporary file, forced and renamed into place. */
    private static void writePrivate(Path target, KeyStore ks) throws IOException, GeneralSecurityException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            OutputStream out = Channels.newOutputStream(ch);
            ks.store(out, STORE_PASSWORD);
            out.flush();
            ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    }
}
