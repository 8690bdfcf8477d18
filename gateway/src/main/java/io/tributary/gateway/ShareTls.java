package io.tributary.gateway;

import io.helidon.common.tls.Tls;
import io.tributary.gateway.lanapi.GatewayCertificate;

import java.util.List;

/**
 * The share port's TLS: the gateway's certificate, TLS 1.3, and TLS 1.2 only with ECDHE and
 * AEAD suites, so that Basic credentials and file content never cross the LAN in the clear or
 * under a cipher with known weaknesses.
 */
final class ShareTls {
    static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    static final List<String> SUITES = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private ShareTls() {
    }

    static Tls of(GatewayCertificate certificate) {
        return Tls.builder()
                .privateKey(certificate.key())
                .privateKeyCertChain(List.of(certificate.certificate()))
                .enabledProtocols(PROTOCOLS)
                .enabledCipherSuites(SUITES)
                .build();
    }
}
