package io.tributary.central.enroll;

import java.security.cert.X509Certificate;
import java.time.Instant;

/** The gateway at the other end of a mutual-TLS connection, as its verified certificate names it. */
public record GatewayPeer(String branch, String serial, Instant notAfter, String address) {
    static GatewayPeer of(X509Certificate cert, String address) {
        return new GatewayPeer(CertificateAuthority.branchOf(cert), CertificateAuthority.serialOf(cert),
                cert.getNotAfter().toInstant(), address);
    }
}
