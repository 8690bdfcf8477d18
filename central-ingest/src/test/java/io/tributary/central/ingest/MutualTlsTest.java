package io.tributary.central.ingest;

import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.tributary.central.Central;
import io.tributary.central.CentralConfig;
import io.tributary.central.enroll.CertificateAuthority;
import io.tributary.central.enroll.EnrollmentToken;
import io.tributary.central.testing.TestCertificates;
import io.tributary.proto.v1.CentralMessage;
import io.tributary.proto.v1.EnrollRequest;
import io.tributary.proto.v1.EnrollmentGrpc;
import io.tributary.proto.v1.FetchChunksRequest;
import io.tributary.proto.v1.IngestGrpc;
import io.tributary.proto.v1.IssuedCertificate;
import io.tributary.proto.v1.RenewRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ingest port admits only gateways with a valid, unrevoked certificate from this central's CA. */
class MutualTlsTest {
    @TempDir
    static Path data;
    @TempDir
    static Path otherData;
    static Central central;
    static final List<ManagedChannel> OPEN = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        central = Central.start(CentralConfig.embedded(data));
    }

    @AfterAll
    static void stop() throws Exception {
        for (ManagedChannel c : OPEN) {
            c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        central.close();
    }

    private static ManagedChannel keep(ManagedChannel c) {
        OPEN.add(c);
        return c;
    }

    /** A channel that trusts central but presents no certificate, as a gateway does to enroll. */
    private static ManagedChannel anonymous() throws Exception {
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        anchors.setCertificateEntry("ca", central.authority().certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(anchors);
        return keep(Grpc.newChannelBuilderForAddress("127.0.0.1", central.grpcPort(),
                TlsChannelCredentials.newBuilder().trustManager(tmf.getTrustManagers()).build()).build());
    }

    private static X509Certificate parse(ByteString der) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der.toByteArray()));
    }

    private static long metric(String name) throws Exception {
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + central.httpPort() + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        for (String line : body.split("\n")) {
            if (line.startsWith(name + " ")) {
                return (long) Double.parseDouble(line.substring(name.length() + 1).strip());
            }
        }
        throw new AssertionError(name + " not in /metrics");
    }

    @Test
    void aTokenEnrollsOnceAndItsCertificateOpensASession() throws Exception {
        EnrollmentToken token = central.enrollmentTokens().create("Madrid", Duration.ofMinutes(5));
        KeyPair keys = TestCertificates.keyPair();
        EnrollmentGrpc.EnrollmentBlockingStub enroll = EnrollmentGrpc.newBlockingStub(anonymous()).withDeadlineAfter(10, TimeUnit.SECONDS);

        StatusRuntimeException garbage = assertThrows(StatusRuntimeException.class, () -> enroll.enroll(EnrollRequest.newBuilder()
                .setToken(token.toString()).setCsr(ByteString.copyFromUtf8("not a request")).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, garbage.getStatus().getCode());

        IssuedCertificate issued = enroll.enroll(EnrollRequest.newBuilder().setToken(token.toString())
                .setCsr(ByteString.copyFrom(TestCertificates.request(keys))).build());
        assertEquals("Madrid", issued.getBranch());
        X509Certificate cert = parse(issued.getCertificate());
        assertEquals(keys.getPublic(), cert.getPublicKey(), "the certificate is for the key the gateway made");
        assertEquals("Madrid", CertificateAuthority.branchOf(cert));
        cert.verify(central.authority().certificate().getPublicKey());

        StatusRuntimeException replay = assertThrows(StatusRuntimeException.class, () -> enroll.enroll(EnrollRequest.newBuilder()
                .setToken(token.toString()).setCsr(ByteString.copyFrom(TestCertificates.request(TestCertificates.keyPair()))).build()));
        assertEquals(Status.Code.PERMISSION_DENIED, replay.getStatus().getCode());
        assertTrue(replay.getStatus().getDescription().contains("used already"), replay.getStatus().getDescription());

        ManagedChannel madrid = keep(TestCertificates.channel(central.grpcPort(), new TestCertificates.Holder(keys, cert),
                central.authority().certificate()));
        try (TestGateway g = new TestGateway(madrid, "gw-madrid")) {
            g.hello("Madrid", "tls-s1");
        }
    }

    @Test
    void aSessionMayNotClaimAnotherBranchOrAnotherBranchsGatewayId() throws Exception {
        try (TestGateway g = new TestGateway(TestCertificates.channel(central, "Porto"), "gw-porto")) {
            g.hello("Porto", "tls-s2");
        }
        ManagedChannel faro = keep(TestCertificates.channel(central, "Faro"));
        try (TestGateway g = new TestGateway(faro, "gw-faro")) {
            g.send(io.tributary.proto.v1.GatewayMessage.newBuilder().setHello(io.tributary.proto.v1.Hello.newBuilder()
                    .setGatewayId("gw-faro").setBranch("Porto")).build());
            Status status = g.ended();
            assertEquals(Status.Code.PERMISSION_DENIED, status.getCode());
            assertTrue(status.getDescription().contains("'Faro'"), status.getDescription());
        }
        try (TestGateway g = new TestGateway(faro, "gw-porto")) {
            g.send(io.tributary.proto.v1.GatewayMessage.newBuilder().setHello(io.tributary.proto.v1.Hello.newBuilder()
                    .setGatewayId("gw-porto")).build());
            Status status = g.ended();
            assertEquals(Status.Code.PERMISSION_DENIED, status.getCode(), "Faro may not take over Porto's gateway id");
            assertTrue(status.getDescription().contains("belongs to branch 'Porto'"), status.getDescription());
        }
    }

    @Test
    void withoutACertificateOnlyEnrollmentIsOpen() throws Exception {
        ManagedChannel anonymous = anonymous();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> IngestGrpc.newBlockingStub(anonymous)
                .withDeadlineAfter(10, TimeUnit.SECONDS).fetchChunks(FetchChunksRequest.newBuilder().build()).hasNext());
        assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
        StatusRuntimeException renew = assertThrows(StatusRuntimeException.class, () -> EnrollmentGrpc.newBlockingStub(anonymous)
                .withDeadlineAfter(10, TimeUnit.SECONDS).renew(RenewRequest.newBuilder()
                        .setCsr(ByteString.copyFrom(TestCertificates.request(TestCertificates.keyPair()))).build()));
        assertEquals(Status.Code.UNAUTHENTICATED, renew.getStatus().getCode());
    }

    @Test
    void certificatesFromAnotherCaOrExpiredAreRefusedAtTheHandshake() throws Exception {
        CertificateAuthority other = CertificateAuthority.loadOrCreate(otherData.resolve("ca"));
        long before = metric("central_tls_client_certificates_refused_total");
        ManagedChannel foreign = keep(TestCertificates.channel(central.grpcPort(),
                TestCertificates.issued(other, "Oslo", Instant.now(), Duration.ofDays(1)), central.authority().certificate()));
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> IngestGrpc.newBlockingStub(foreign)
                .withDeadlineAfter(10, TimeUnit.SECONDS).fetchChunks(FetchChunksRequest.newBuilder().build()).hasNext());
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), "no TLS session: " + e.getStatus());

        ManagedChannel expired = keep(TestCertificates.channel(central.grpcPort(), TestCertificates.issued(central.authority(), "Oslo",
                Instant.now().minus(Duration.ofDays(2)), Duration.ofDays(1)), central.authority().certificate()));
        StatusRuntimeException late = assertThrows(StatusRuntimeException.class, () -> IngestGrpc.newBlockingStub(expired)
                .withDeadlineAfter(10, TimeUnit.SECONDS).fetchChunks(FetchChunksRequest.newBuilder().build()).hasNext());
        assertEquals(Status.Code.UNAVAILABLE, late.getStatus().getCode(), "no TLS session: " + late.getStatus());
        assertEquals(before + 2, metric("central_tls_client_certificates_refused_total"));
    }

    @Test
    void revocationClosesOpenSessionsAndRefusesNewOnes() throws Exception {
        EnrollmentToken token = central.enrollmentTokens().create("Tallinn", Duration.ofMinutes(5));
        KeyPair keys = TestCertificates.keyPair();
        IssuedCertificate issued = EnrollmentGrpc.newBlockingStub(anonymous()).withDeadlineAfter(10, TimeUnit.SECONDS)
                .enroll(EnrollRequest.newBuilder().setToken(token.toString()).setCsr(ByteString.copyFrom(TestCertificates.request(keys))).build());
        TestCertificates.Holder holder = new TestCertificates.Holder(keys, parse(issued.getCertificate()));
        ManagedChannel tallinn = keep(TestCertificates.channel(central.grpcPort(), holder, central.authority().certificate()));
        try (TestGateway g = new TestGateway(tallinn, "gw-tallinn")) {
            assertEquals(CentralMessage.KindCase.WELCOME, g.hello("Tallinn", "tls-s3").getKindCase());
            assertEquals(1, central.certificates().revokeBranch("Tallinn"));
            Status cut = g.ended();
            assertEquals(Status.Code.UNAUTHENTICATED, cut.getCode());
            assertTrue(cut.getDescription().contains("revoked"), cut.getDescription());
        }
        ManagedChannel again = keep(TestCertificates.channel(central.grpcPort(), holder, central.authority().certificate()));
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> IngestGrpc.newBlockingStub(again)
                .withDeadlineAfter(10, TimeUnit.SECONDS).fetchChunks(FetchChunksRequest.newBuilder().build()).hasNext());
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), "refused at the handshake: " + e.getStatus());
        StatusRuntimeException renew = assertThrows(StatusRuntimeException.class, () -> EnrollmentGrpc.newBlockingStub(again)
                .withDeadlineAfter(10, TimeUnit.SECONDS).renew(RenewRequest.newBuilder()
                        .setCsr(ByteString.copyFrom(TestCertificates.request(TestCertificates.keyPair()))).build()));
        assertEquals(Status.Code.UNAVAILABLE, renew.getStatus().getCode(), "a revoked gateway cannot renew");
    }

    @Test
    void renewalIssuesANewCertificateForTheSameBranch() throws Exception {
        TestCertificates.Holder old = TestCertificates.issued(central.authority(), "Vilnius", Instant.now(), Duration.ofDays(1));
        ManagedChannel vilnius = keep(TestCertificates.channel(central.grpcPort(), old, central.authority().certificate()));
        KeyPair fresh = TestCertificates.keyPair();
        IssuedCertificate renewed = EnrollmentGrpc.newBlockingStub(vilnius).withDeadlineAfter(10, TimeUnit.SECONDS)
                .renew(RenewRequest.newBuilder().setCsr(ByteString.copyFrom(TestCertificates.request(fresh))).build());
        X509Certificate cert = parse(renewed.getCertificate());
        assertEquals("Vilnius", CertificateAuthority.branchOf(cert));
        assertEquals(fresh.getPublic(), cert.getPublicKey());
        assertNotEquals(old.certificate().getSerialNumber(), cert.getSerialNumber());
        assertEquals(1, central.certificates().issuedFor("Vilnius"), "renewals are recorded, so they can be revoked");
    }
}
