package io.tributary.gateway.enroll;

import io.grpc.ChannelCredentials;
import io.grpc.TlsChannelCredentials;

import java.nio.file.Path;

/**
 * What the gateway presents to central and trusts from it: its current certificate (swapped in
 * place when renewed) and central's CA as the only trust anchor.
 */
public final class CentralCredentials {
    private final Path dataDir;
    private final CurrentKeyManager keys;
    private volatile EnrolledCertificate current;

    public CentralCredentials(Path dataDir, EnrolledCertificate certificate) {
        this.dataDir = dataDir;
        this.current = certificate;
        this.keys = new CurrentKeyManager(certificate);
    }

    public EnrolledCertificate current() {
        return current;
    }

    Path dataDir() {
        return dataDir;
    }

    /** Makes {@code renewed} the certificate of every new connection. */
    void use(EnrolledCertificate renewed) {
        keys.use(renewed);
        current = renewed;
    }

    public ChannelCredentials channelCredentials() {
        return TlsChannelCredentials.newBuilder().keyManager(keys).trustManager(current.trustManagers()).build();
    }
}
