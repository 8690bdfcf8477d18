package io.tributary.gateway;

import io.helidon.common.tls.Tls;
import io.tributary.gateway.lanapi.GatewayCertificate;
import io.tributary.proto.tls.TlsPolicy;

import java.util.List;

/**
 * The TLS of the share and operator ports: the gateway's certificate and {@link TlsPolicy}, so that
 * Basic credentials and file content never cross the LAN in the clear.
 */
final class ShareTls {
    private ShareTls() {
    }

    static Tls of(GatewayCertificate certificate) {
        return Tls.builder()
                .privateKey(certificate.key())
                .privateKeyCertChain(List.of(certificate.certificate()))
                .enabledProtocols(TlsPolicy.PROTOCOLS)
                .enabledCipherSuites(TlsPolicy.SUITES)
                .build();
    }
}
