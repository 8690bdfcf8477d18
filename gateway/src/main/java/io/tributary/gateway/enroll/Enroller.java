package io.tributary.gateway.enroll;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.tributary.proto.v1.EnrollRequest;
import io.tributary.proto.v1.EnrollmentGrpc;
import io.tributary.proto.v1.IssuedCertificate;

import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Enrolls a gateway: makes its key pair, sends central a certification request with the
 * one-time token, and stores what central signs. Central's certificate is trusted only if its
 * chain holds the CA whose fingerprint the token carries, so the token's secret goes to no one
 * else.
 */
public final class Enroller {
    private static final Pattern TOKEN = Pattern.compile("tbr1\\.[A-Za-z0-9_-]{32}\\.([0-9a-f]{64})");

    private Enroller() {
    }

    /**
     * Enrolls the gateway whose data is in {@code dataDir} with central at {@code target}.
     * Bad input is an {@link IllegalArgumentException}; a refusal or an unreachable central an
     * {@link IOException}; in every failure nothing is stored.
     */
    public static EnrolledCertificate enroll(Path dataDir, String target, String token) throws IOException {
        Matcher m = TOKEN.matcher(token == null ? "" : token.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("an enrollment token looks like tbr1.<32 characters>.<64 hex digits>;"
                    + " ask central's admin for one ('tributary central token --branch NAME')");
        }
        var existing = EnrolledCertificate.load(dataDir);
        if (existing.isPresent()) {
            throw new IllegalArgumentException("this gateway is enrolled already, as branch '" + existing.get().branch()
                    + "'; to enroll it again, move " + dataDir.resolve("identity") + " away first");
        }
        String pin = m.group(1);
        CertificateRequest request = CertificateRequest.fresh();
        ManagedChannel channel = NettyChannelBuilder.forTarget(target,
                TlsChannelCredentials.newBuilder().trustManager(new PinnedCa(pin)).build()).build();
        try {
            IssuedCertificate issued = EnrollmentGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .enroll(EnrollRequest.newBuilder().setToken(token.strip()).setCsr(ByteString.copyFrom(request.der())).build());
            EnrolledCertificate enrolled = accept(issued, request, pin);
            enrolled.store(dataDir);
            return enrolled;
        } catch (StatusRuntimeException e) {
            throw new IOException(explain(e.getStatus(), target), e);
        } finally {
            channel.shutdownNow();
        }
    }

    /** Checks that what central sent certifies our key under the CA we expected. */
    static EnrolledCertificate accept(IssuedCertificate issued, CertificateRequest request, String pin) throws IOException {
        try {
            CertificateFactory x509 = CertificateFactory.getInstance("X.509");
            X509Certificate cert = (X509Certificate) x509.generateCertificate(new ByteArrayInputStream(issued.getCertificate().toByteArray()));
            X509Certificate ca = (X509Certificate) x509.generateCertificate(new ByteArrayInputStream(issued.getCaCertificate().toByteArray()));
            if (pin != null && !fingerprint(ca).equals(pin)) {
                throw new IOException("central answered with a CA other than the one the token names");
            }
            if (!cert.getPublicKey().equals(request.keys().getPublic())) {
                throw new IOException("central's certificate is not for the key this gateway made");
            }
            cert.verify(ca.getPublicKey());
            cert.checkValidity();
            return new EnrolledCertificate(request.keys().getPrivate(), cert, ca);
        } catch (GeneralSecurityException e) {
            throw new IOException("central's answer is not a valid certificate: " + e.getMessage(), e);
        }
    }

    static String explain(Status status, String target) {
        String why = status.getDescription() == null ? status.getCode().toString() : status.getDescription();
        // A refused handshake arrives as "io exception" with the reason deep in the causes.
        for (Throwable t = status.getCause(); t != null; t = t.getCause()) {
            if (t instanceof CertificateException || t instanceof javax.net.ssl.SSLException) {
                why = t.getMessage();
                if (t instanceof CertificateException) {
                    break;
                }
            }
        }
        return switch (status.getCode()) {
            case PERMISSION_DENIED, UNAUTHENTICATED -> "central refused: " + why;
            case INVALID_ARGUMENT -> "central refused the request: " + why;
            case UNAVAILABLE, DEADLINE_EXCEEDED -> "cannot reach central at " + target + " over TLS: " + why;
            default -> "central answered " + status.getCode() + ": " + why;
        };
    }

    static String fingerprint(X509Certificate cert) throws GeneralSecurityException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
    }

    /** Trusts a server whose chain holds the CA with the pinned fingerprint, and validates the chain to it. */
    private static final class PinnedCa implements X509TrustManager {
        private final String pin;

        PinnedCa(String pin) {
            this.pin = pin;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            for (X509Certificate c : chain) {
                try {
                    if (fingerprint(c).equals(pin)) {
                        for (TrustManager tm : EnrolledCertificate.trusting(c)) {
                            if (tm instanceof X509TrustManager x) {
                                x.checkServerTrusted(chain, authType);
                                return;
                            }
                        }
                    }
                } catch (GeneralSecurityException e) {
                    throw new CertificateException(e);
                }
            }
            throw new CertificateException("the server's certificate is not from the central CA the token names (SHA-256 "
                    + pin.substring(0, 16) + "...): is --central the right address?");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
