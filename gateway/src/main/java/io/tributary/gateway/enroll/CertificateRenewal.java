package io.tributary.gateway.enroll;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.tributary.proto.v1.EnrollmentGrpc;
import io.tributary.proto.v1.IssuedCertificate;
import io.tributary.proto.v1.RenewRequest;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Renews the gateway's certificate two thirds into its validity, over the mutual-TLS channel it
 * authenticates, with a new key pair each time. The new certificate is stored before it is used;
 * a failed attempt is logged and tried again at the next check.
 */
public final class CertificateRenewal implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CertificateRenewal.class.getName());

    private final CentralCredentials credentials;
    private final Channel channel;
    private final Runnable renewed;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("certificate-renewal").factory());

    /** @param renewed run after a renewal, to move open connections onto the new certificate */
    public CertificateRenewal(CentralCredentials credentials, Channel channel, Runnable renewed) {
        this.credentials = credentials;
        this.channel = channel;
        this.renewed = renewed;
    }

    public CertificateRenewal start() {
        // A twentieth of the lifetime, between a second and an hour: a few checks before it is due.
        long every = Math.clamp(credentials.current().lifetime().toMillis() / 20, 1000, Duration.ofHours(1).toMillis());
        timer.scheduleWithFixedDelay(this::renewIfDue, every, every, TimeUnit.MILLISECONDS);
        return this;
    }

    void renewIfDue() {
        EnrolledCertificate current = credentials.current();
        if (Instant.now().isBefore(current.renewAfter())) {
            return;
        }
        try {
            CertificateRequest request = CertificateRequest.fresh();
            IssuedCertificate issued = EnrollmentGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .renew(RenewRequest.newBuilder().setCsr(ByteString.copyFrom(request.der())).build());
            EnrolledCertificate next = Enroller.accept(issued, request, Enroller.fingerprint(current.ca()));
            if (!next.branch().equals(current.branch())) {
                throw new IOException("central renewed the certificate for branch '" + next.branch() + "', not '" + current.branch() + "'");
            }
            next.store(credentials.dataDir());
            credentials.use(next);
            LOG.log(System.Logger.Level.INFO, "renewed the certificate for central: " + current.serial() + " -> " + next.serial()
                    + ", valid until " + next.certificate().getNotAfter().toInstant());
            renewed.run();
        } catch (StatusRuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "renewing the certificate for central failed (it expires "
                    + current.certificate().getNotAfter().toInstant() + "): " + Enroller.explain(e.getStatus(), "central"));
        } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "renewing the certificate for central failed: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
