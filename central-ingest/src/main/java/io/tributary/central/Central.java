package io.tributary.central;

import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import io.tributary.proto.log.LogContext;
import io.tributary.proto.tls.RefusedHandshakes;
import io.tributary.proto.tls.TlsPolicy;
import io.helidon.common.tls.Tls;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.WebServer;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.tributary.central.api.AdminApi;
import io.tributary.central.api.AuditApi;
import io.tributary.central.api.FleetApi;
import io.tributary.central.api.SessionApi;
import io.tributary.central.api.TokensApi;
import io.tributary.central.console.AdminSignIn;
import io.tributary.central.console.ConsoleFiles;
import io.tributary.central.console.ConsoleGuard;
import io.tributary.central.console.ConsoleSessions;
import io.tributary.central.console.ConsoleSettings;
import io.tributary.central.console.OidcSignIn;
import io.tributary.central.fleet.Throughput;
import io.tributary.proto.auth.LocalUserStore;
import io.tributary.proto.auth.SignInThrottle;
import io.tributary.central.audit.AuditLog;
import io.tributary.central.chunks.ChunkStore;
import io.tributary.central.enroll.CertificateAuthority;
import io.tributary.central.enroll.EnrollmentService;
import io.tributary.central.enroll.EnrollmentTokens;
import io.tributary.central.enroll.GatewayTrust;
import io.tributary.central.enroll.IssuedCertificates;
import io.tributary.central.enroll.PeerCertificates;
import io.tributary.central.ingest.IngestServer;
import io.tributary.central.ingest.IngestService;
import io.tributary.central.ingest.OpenSessions;
import io.tributary.central.meta.MetaStore;
import io.tributary.central.observe.CentralMetrics;
import io.tributary.central.observe.OperatorEndpoints;
import io.tributary.central.versions.Retention;

import javax.net.ssl.KeyManagerFactory;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Instant;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.UUID;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A running central node: stores, the certificate authority, gRPC ingest and enrollment over
 * mutual TLS, operator HTTP, the admin console and its API, version retention.
 */
public final class Central implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Central.class.getName());

    private final MetaStore meta;
    private final OpenSessions sessions;
    private final IngestServer grpc;
    private final WebServer http;
    private final ScheduledExecutorService timer;
    private final CertificateAuthority ca;
    private final EnrollmentTokens tokens;
    private final IssuedCertificates certificates;
    private final AuditLog audit;
    private final AutoCloseable handshakeLog;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private Central(MetaStore meta, OpenSessions sessions, IngestServer grpc, WebServer http, ScheduledExecutorService timer,
                    CertificateAuthority ca, EnrollmentTokens tokens, IssuedCertificates certificates, AuditLog audit,
                    AutoCloseable handshakeLog) {
        this.audit = audit;
        this.handshakeLog = handshakeLog;
        this.ca = ca;
        this.tokens = tokens;
        this.certificates = certificates;
        this.meta = meta;
        this.sessions = sessions;
        this.grpc = grpc;
        this.http = http;
        this.timer = timer;
    }

    public static Central start(CentralConfig config) throws IOException, SQLException {
        Files.createDirectories(config.data());
        String centralId = centralId(config.data());
        LogContext.process("central_id", centralId);
        ChunkStore chunks = ChunkStore.open(config.data().resolve("chunks"));
        MetaStore meta = MetaStore.open(config.jdbcUrl(), config.databaseUser(), config.databasePassword(), config.clock());
        CentralMetrics metrics = new CentralMetrics();
        OpenSessions sessions = new OpenSessions();
        metrics.sessions(sessions::size);
        IngestServer grpc = null;
        AutoCloseable handshakeLog = () -> { };
        try {
            CertificateAuthority ca = CertificateAuthority.loadOrCreate(config.data().resolve("ca"));
            IssuedCertificates certificates = new IssuedCertificates(meta.database(), config.clock());
            EnrollmentTokens tokens = new EnrollmentTokens(meta.database(), ca.fingerprint(), config.clock());
            GatewayTrust trust = new GatewayTrust(ca.certificate(), certificates, metrics.tlsRefused::inc);
            AuditLog audit = new AuditLog(meta.database());
            Throughput throughput = new Throughput();
            trust.refresh();
            // A new key each start, kept in memory only: nothing to steal from central's disk.
            CertificateAuthority.Identity identity = ca.serverIdentity(config.certificateNames());
            grpc = IngestServer.start(config.bindHost(), config.grpcPort(), tls(ca, identity, trust),
                    ServerInterceptors.intercept(new IngestService(chunks, meta, metrics, sessions, centralId, audit, throughput),
                            new PeerCertificates(trust, true)),
                    ServerInterceptors.intercept(new EnrollmentService(ca, tokens, certificates, config.gatewayCertificateLifetime(),
                            () -> Instant.ofEpochMilli(config.clock().getAsLong()), audit), new PeerCertificates(trust, false)));
            WebServerConfig.Builder web = WebServer.builder()
                    .host(config.bindHost())
                    .port(config.httpPort());
            if (config.httpTls()) {
                web.tls(Tls.builder().privateKey(identity.key()).privateKeyCertChain(List.of(identity.certificate(), ca.certificate()))
                        .enabledProtocols(TlsPolicy.PROTOCOLS).enabledCipherSuites(TlsPolicy.SUITES).build());
            }
            ConsoleSettings console = config.console();
            ConsoleSessions consoleSessions = new ConsoleSessions(meta.database(), config.clock(), console.sessionLifetime());
            AdminSignIn admins = new AdminSignIn(LocalUserStore.open(config.data().resolve("admins")), new SignInThrottle());
            OidcSignIn oidc = console.oidc() ? new OidcSignIn(console, config.clock()) : null;
            String consoleOrigin = console.consoleUrl() == null ? null
                    : console.consoleUrl().getScheme() + "://" + console.consoleUrl().getRawAuthority();
            WebServer http = web
                    .routing(r -> r.addFilter(new ConsoleGuard(consoleSessions, config.httpTls(), consoleOrigin))
                            .register("/", new OperatorEndpoints(metrics, meta::healthy))
                            .get("/", (req, res) -> res.status(Status.FOUND_302).header(HeaderNames.LOCATION, "/console/").send())
                            .register("/console", new ConsoleFiles())
                            .register("/api/v1", new SessionApi(consoleSessions, admins, oidc, audit, config.clock(), config.httpTls(),
                                            console.sessionLifetime()),
                                    new FleetApi(meta, certificates, throughput, audit),
                                    new TokensApi(tokens, audit, config.clock()),
                                    new AuditApi(audit),
                                    new AdminApi(meta, sessions::changed, audit)))
                    .build()
                    .start();
            ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name("version-retention").factory());
            Retention retention = new Retention(meta, config.keepVersions());
            timer.scheduleWithFixedDelay(() -> {
                try {
                    int gone = retention.sweep();
                    if (gone > 0) {
                        LOG.info("version retention removed " + gone + " versions");
                    }
                } catch (SQLException | RuntimeException e) {
                    LOG.log(Level.WARNING, "version retention failed", e);
                }
            }, 1, 60, TimeUnit.MINUTES);
            // Revocations made on any node, and certificates that expire, end open sessions within a second.
            timer.scheduleWithFixedDelay(() -> {
                try {
                    trust.refresh();
                    Instant now = Instant.ofEpochMilli(config.clock().getAsLong());
                    sessions.closeRefused(peer -> {
                        String why = trust.refusal(peer, now);
                        if (why != null) {
                            metrics.sessionsCutOff.inc();
                        }
                        return why;
                    });
                } catch (SQLException | RuntimeException e) {
                    LOG.log(Level.WARNING, "reading revoked certificates failed", e);
                }
            }, 1, 1, TimeUnit.SECONDS);
            // After the web server, whose start (re)configures java.util.logging and so drops handlers added before.
            handshakeLog = RefusedHandshakes.install(metrics.tlsHandshakesRefused::inc);
            return new Central(meta, sessions, grpc, http, timer, ca, tokens, certificates, audit, handshakeLog);
        } catch (IOException | RuntimeException e) {
            closeQuietly(handshakeLog);
            sessions.close();
            if (grpc != null) {
                grpc.close();
            }
            meta.close();
            throw e;
        }
    }

    /** TLS 1.3 or 1.2 with AEAD suites (gRPC's defaults); a client certificate is checked when offered. */
    private static ServerCredentials tls(CertificateAuthority ca, CertificateAuthority.Identity server, GatewayTrust trust)
            throws IOException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] none = new char[0];
            ks.setKeyEntry("central", server.key(), none, new Certificate[]{server.certificate(), ca.certificate()});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, none);
            return TlsServerCredentials.newBuilder().keyManager(kmf.getKeyManagers()).trustManager(trust)
                    .clientAuth(TlsServerCredentials.ClientAuth.OPTIONAL).build();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS for central: " + e.getMessage(), e);
        }
    }

    public CertificateAuthority authority() {
        return ca;
    }

    public EnrollmentTokens enrollmentTokens() {
        return tokens;
    }

    public IssuedCertificates certificates() {
        return certificates;
    }

    public AuditLog auditLog() {
        return audit;
    }

    /** Stable for the data directory: gateways see the same id after a restart. */
    private static String centralId(Path data) throws IOException {
        Path file = data.resolve("central-id");
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        }
        String id = UUID.randomUUID().toString();
        Files.writeString(file, id + "\n", StandardCharsets.UTF_8);
        return id;
    }

    public int grpcPort() {
        return grpc.port();
    }

    public int httpPort() {
        return http.port();
    }

    /** Blocks until {@link #close()} has run (from a shutdown hook, for example). */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        if (stopped.getCount() == 0) {
            return;
        }
        timer.shutdownNow();
        sessions.close();
        grpc.close();
        http.stop();
        meta.close();
        closeQuietly(handshakeLog);
        stopped.countDown();
    }

    private static void closeQuietly(AutoCloseable registration) {
        try {
            registration.close();
        } catch (Exception e) {
            LOG.log(Level.FINE, "closing the handshake log failed", e);
        }
    }
}
