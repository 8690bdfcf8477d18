package io.tributary.central.enroll;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.tributary.central.audit.AuditEvent;
import io.tributary.central.audit.AuditLog;
import io.tributary.proto.v1.EnrollRequest;
import io.tributary.proto.v1.EnrollmentGrpc;
import io.tributary.proto.v1.IssuedCertificate;
import io.tributary.proto.v1.RenewRequest;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@code tributary.v1.Enrollment} service. A request's certification request is checked
 * before its token is used up, so a malformed request does not cost the branch its token.
 */
public final class EnrollmentService extends EnrollmentGrpc.EnrollmentImplBase {
    private static final Logger LOG = Logger.getLogger(EnrollmentService.class.getName());

    private final CertificateAuthority ca;
    private final EnrollmentTokens tokens;
    private final IssuedCertificates issued;
    private final Duration lifetime;
    private final Supplier<Instant> clock;
    private final AuditLog audit;

    public EnrollmentService(CertificateAuthority ca, EnrollmentTokens tokens, IssuedCertificates issued, Duration lifetime,
                             Supplier<Instant> clock, AuditLog audit) {
        this.audit = audit;
        this.ca = ca;
        this.tokens = tokens;
        this.issued = issued;
        this.lifetime = lifetime;
        this.clock = clock;
    }

    @Override
    public void enroll(EnrollRequest request, StreamObserver<IssuedCertificate> responses) {
        try {
            EnrollmentToken token;
            try {
                token = EnrollmentToken.parse(request.getToken());
            } catch (IllegalArgumentException e) {
                throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
            }
            byte[] csr = request.getCsr().toByteArray();
            try {
                CertificateAuthority.checkRequest(csr);
            } catch (IllegalArgumentException e) {
                throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
            }
            String branch;
            try {
                branch = tokens.redeem(token);
            } catch (TokenRefusedException e) {
                LOG.warning("refused an enrollment from " + PeerCertificates.ADDRESS.get() + ": " + e.getMessage());
                record("unknown", "enroll.refused", "", e.getMessage());
                throw Status.PERMISSION_DENIED.withDescription(e.getMessage()).asRuntimeException();
            }
            X509Certificate cert = issue(csr, branch);
            issued.record(CertificateAuthority.serialOf(cert), branch, cert.getNotAfter().getTime());
            record(branch, "enroll.ok", branch, "certificate " + CertificateAuthority.serialOf(cert) + " until " + cert.getNotAfter().toInstant());
            LOG.info("enrolled branch '" + branch + "' from " + PeerCertificates.ADDRESS.get() + ": certificate " + CertificateAuthority.serialOf(cert) + " until " + cert.getNotAfter().toInstant());
            reply(responses, cert, branch);
        } catch (SQLException e) {
            LOG.log(Level.SEVERE, "enrollment failed", e);
            responses.onError(Status.UNAVAILABLE.withDescription("central's database failed; try again").asRuntimeException());
        } catch (RuntimeException e) {
            responses.onError(e instanceof io.grpc.StatusRuntimeException ? e : Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
        }
    }

    @Override
    public void renew(RenewRequest request, StreamObserver<IssuedCertificate> responses) {
        GatewayPeer peer = PeerCertificates.PEER.get();
        if (peer == null) {
            responses.onError(Status.UNAUTHENTICATED.withDescription("renewal needs the gateway's current certificate").asRuntimeException());
            return;
        }
        try {
            X509Certificate cert = issue(request.getCsr().toByteArray(), peer.branch());
            issued.record(CertificateAuthority.serialOf(cert), peer.branch(), cert.getNotAfter().getTime());
            record(peer.branch(), "certificate.renewed", peer.branch(), peer.serial() + " -> " + CertificateAuthority.serialOf(cert));
            LOG.info("renewed the certificate of branch '" + peer.branch() + "': " + peer.serial() + " -> "
                    + CertificateAuthority.serialOf(cert) + " until " + cert.getNotAfter().toInstant());
            reply(responses, cert, peer.branch());
        } catch (SQLException e) {
            LOG.log(Level.SEVERE, "renewal failed", e);
            responses.onError(Status.UNAVAILABLE.withDescription("central's database failed; try again").asRuntimeException());
        } catch (RuntimeException e) {
            responses.onError(e instanceof io.grpc.StatusRuntimeException ? e : Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
        }
    }

    private void record(String actor, String action, String target, String detail) throws SQLException {
        audit.record(AuditEvent.atCentral(clock.get().toEpochMilli(), actor, action, target,
                String.valueOf(PeerCertificates.ADDRESS.get()), detail));
    }

    private X509Certificate issue(byte[] csr, String branch) {
        try {
            return ca.issueGateway(csr, branch, lifetime, clock.get());
        } catch (IllegalArgumentException e) {
            throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
        }
    }

    private void reply(StreamObserver<IssuedCertificate> responses, X509Certificate cert, String branch) {
        try {
            responses.onNext(IssuedCertificate.newBuilder().setCertificate(ByteString.copyFrom(cert.getEncoded()))
                    .setCaCertificate(ByteString.copyFrom(ca.certificate().getEncoded())).setBranch(branch).build());
            responses.onCompleted();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
