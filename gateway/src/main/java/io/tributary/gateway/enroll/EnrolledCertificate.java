package io.tributary.gateway.enroll;

import io.tributary.proto.fs.PrivateFile;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The key and certificate central issued to this gateway, with central's CA certificate, kept
 * in {@code DATA/identity/gateway.p12} (mode 0600). The branch is the certificate's common name.
 */
public record EnrolledCertificate(PrivateKey key, X509Certificate certificate, X509Certificate ca) {
    static final String FILE = "identity/gateway.p12";
    private static final String ALIAS = "gateway";
    // The store protects nothing the file mode does not; a fixed password keeps it openable.
    private static final char[] STORE_PASSWORD = "tributary".toCharArray();

    /** The enrolled certificate in {@code dataDir}, if this gateway has been enrolled. */
    public static Optional<EnrolledCertificate> load(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, STORE_PASSWORD);
            Certificate[] chain = ks.getCertificateChain(ALIAS);
            PrivateKey key = (PrivateKey) ks.getKey(ALIAS, STORE_PASSWORD);
            if (key == null || chain == null || chain.length != 2) {
                throw new IOException(file + " does not hold a gateway key with its certificate and central's CA");
            }
            return Optional.of(new EnrolledCertificate(key, (X509Certificate) chain[0], (X509Certificate) chain[1]));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the gateway's certificate in " + file + ": " + e.getMessage(), e);
        }
    }

    /** Replaces what is stored in {@code dataDir}: a crash leaves the old certificate or the new one. */
    public void store(Path dataDir) throws IOException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry(ALIAS, key, STORE_PASSWORD, new Certificate[]{certificate, ca});
            PrivateFile.replace(dataDir.resolve(FILE), out -> {
                try {
                    ks.store(out, STORE_PASSWORD);
                } catch (GeneralSecurityException e) {
                    throw new IOException(e);
                }
            });
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot store the gateway's certificate: " + e.getMessage(), e);
        }
    }

    public String branch() {
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
        } catch (InvalidNameException e) {
            throw new IllegalStateException("the gateway certificate's subject is not a name: " + e.getMessage(), e);
        }
        throw new IllegalStateException("the gateway certificate names no branch");
    }

    public String serial() {
        return certificate.getSerialNumber().toString(16);
    }

    /** When to ask for a new certificate: two thirds into this one's validity. */
    public Instant renewAfter() {
        return certificate.getNotAfter().toInstant().minus(lifetime().dividedBy(3));
    }

    public Duration lifetime() {
        return Duration.between(certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant());
    }

    /**
     * Key managers for this certificate under an alias of its own (its serial): the TLS engine
     * caches key material by alias, so a renewed certificate must not reuse the old one's.
     */
    KeyManager[] keyManagers() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] none = new char[0];
            ks.setKeyEntry("gateway-" + serial(), key, none, new Certificate[]{certificate, ca});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, none);
            return kmf.getKeyManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot use the gateway's key: " + e.getMessage(), e);
        }
    }

    /** Trusts central's CA and nothing else. */
    public TrustManager[] trustManagers() {
        return trusting(ca);
    }

    static TrustManager[] trusting(X509Certificate anchor) {
        try {
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            anchors.setCertificateEntry("central-ca", anchor);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(anchors);
            return tmf.getTrustManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot trust central's CA: " + e.getMessage(), e);
        }
    }
}
