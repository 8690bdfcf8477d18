package io.tributary.central.testing;

import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.tributary.central.Central;
import io.tributary.central.enroll.CertificateAuthority;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;

/** Gateway keys and certificates for tests that talk to a central over mutual TLS. */
public final class TestCertificates {
    /** A key pair and its certificate. */
    public record Holder(KeyPair keys, X509Certificate certificate) {
    }

    private TestCertificates() {
    }

    public static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A DER PKCS#10 request for {@code keys}. */
    public static byte[] request(KeyPair keys) {
        try {
            return new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=test"), keys.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())).getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A certificate for {@code branch} signed by {@code ca}, valid from {@code from} for {@code lifetime}. */
    public static Holder issued(CertificateAuthority ca, String branch, Instant from, Duration lifetime) {
        KeyPair keys = keyPair();
        return new Holder(keys, ca.issueGateway(request(keys), branch, lifetime, from));
    }

    /** A channel to {@code central} presenting a fresh certificate for {@code branch}. */
    public static ManagedChannel channel(Central central, String branch) {
        return channel(central.grpcPort(), issued(central.authority(), branch, Instant.now(), Duration.ofDays(1)), central.authority().certificate());
    }

    /** A channel to port {@code port} on loopback presenting {@code holder}'s certificate and trusting {@code ca}. */
    public static ManagedChannel channel(int port, Holder holder, X509Certificate ca) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] none = new char[0];
            ks.setKeyEntry("gateway", holder.keys().getPrivate(), none, new Certificate[]{holder.certificate()});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, none);
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            anchors.setCertificateEntry("ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(anchors);
            return Grpc.newChannelBuilderForAddress("127.0.0.1", port, TlsChannelCredentials.newBuilder()
                    .keyManager(new Insistent((javax.net.ssl.X509ExtendedKeyManager) kmf.getKeyManagers()[0])).trustManager(tmf.getTrustManagers()).build()).build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Presents its certificate whatever issuers the server asks for, as a hostile client would. */
    private static final class Insistent extends javax.net.ssl.X509ExtendedKeyManager {
        private final javax.net.ssl.X509ExtendedKeyManager keys;

        Insistent(javax.net.ssl.X509ExtendedKeyManager keys) {
            this.keys = keys;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, java.security.Principal[] issuers, javax.net.ssl.SSLEngine engine) {
            return "gateway";
        }

        @Override
        public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, java.net.Socket socket) {
            return "gateway";
        }

        @Override
        public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
            return new String[]{"gateway"};
        }

        @Override
        public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, java.security.Principal[] issuers, java.net.Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return keys.getCertificateChain(alias);
        }

        @Override
        public java.security.PrivateKey getPrivateKey(String alias) {
            return keys.getPrivateKey(alias);
        }
    }
}
