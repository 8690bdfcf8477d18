package io.tributary.central.enroll;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Decides, during the TLS handshake, which gateway certificates central accepts: issued by this
 * central's CA, within their validity, for client authentication, and not revoked. The revoked
 * serials are read from the database by {@link #refresh()}, which central runs every second, so
 * a revocation made on any central node takes effect on all of them within that time. Every
 * refusal is logged with the peer's address and the reason.
 */
public final class GatewayTrust extends X509ExtendedTrustManager {
    private static final Logger LOG = Logger.getLogger(GatewayTrust.class.getName());

    private final X509ExtendedTrustManager pkix;
    private final X509Certificate ca;
    private final IssuedCertificates issued;
    private final Runnable onRefused;
    private volatile Set<String> revoked = Set.of();

    public GatewayTrust(X509Certificate ca, IssuedCertificates issued, Runnable onRefused) {
        this.ca = ca;
        this.issued = issued;
        this.onRefused = onRefused;
        try {
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            anchors.setCertificateEntry("ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(anchors);
            X509ExtendedTrustManager found = null;
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x) {
                    found = x;
                }
            }
            if (found == null) {
                throw new IllegalStateException("the JDK offers no X.509 trust manager");
            }
            this.pkix = found;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot set up trust in central's CA: " + e.getMessage(), e);
        }
    }

    /** Reads the revoked serials again. */
    public void refresh() throws SQLException {
        revoked = Set.copyOf(issued.revokedSerials());
    }

    /** Why a peer admitted earlier must now be cut off, or null if it may stay. */
    public String refusal(GatewayPeer peer, Instant now) {
        if (revoked.contains(peer.serial())) {
            return "the certificate of branch '" + peer.branch() + "' (serial " + peer.serial() + ") has been revoked";
        }
        if (!now.isBefore(peer.notAfter())) {
            return "the certificate of branch '" + peer.branch() + "' (serial " + peer.serial() + ") expired at " + peer.notAfter();
        }
        return null;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        String from = engine == null || engine.getPeerHost() == null ? null : engine.getPeerHost() + ":" + engine.getPeerPort();
        check(chain, from, () -> pkix.checkClientTrusted(chain, authType, engine));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        String from = socket == null ? null : String.valueOf(socket.getRemoteSocketAddress());
        check(chain, from, () -> pkix.checkClientTrusted(chain, authType, socket));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, null, () -> pkix.checkClientTrusted(chain, authType));
    }

    private interface Check {
        void run() throws CertificateException;
    }

    private void check(X509Certificate[] chain, String from, Check pkixCheck) throws CertificateException {
        String subject = chain == null || chain.length == 0 ? "no certificate" : chain[0].getSubjectX500Principal().getName()
                + " serial " + CertificateAuthority.serialOf(chain[0]);
        try {
            pkixCheck.run();
        } catch (CertificateException e) {
            refuse(from, subject, "not a valid certificate from this central's CA: " + e.getMessage());
            throw e;
        }
        String serial = CertificateAuthority.serialOf(chain[0]);
        if (revoked.contains(serial)) {
            refuse(from, subject, "revoked");
            throw new CertificateException("the gateway certificate " + serial + " has been revoked");
        }
    }

    private void refuse(String from, String subject, String why) {
        onRefused.run();
        LOG.warning("refused a TLS client certificate" + (from == null ? "" : " from " + from) + " (" + subject + "): " + why);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("central does not verify servers with its gateway trust");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("central does not verify servers with its gateway trust");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("central does not verify servers with its gateway trust");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[]{ca};
    }
}
