package io.tributary.gateway;

import io.tributary.proto.auth.SignInThrottle;
import io.tributary.proto.auth.LocalUserStore;
import io.helidon.http.DirectHandler;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http1.Http1Config;
import io.tributary.gateway.audit.AuditTrail;
import io.tributary.gateway.auth.AccessRuleChanges;
import io.tributary.gateway.auth.Authenticator;
import io.tributary.gateway.auth.BasicAuthenticator;
import io.tributary.gateway.auth.BearerAuthenticator;
import io.tributary.gateway.auth.OidcSettings;
import io.tributary.gateway.auth.PasswordGrant;
import io.tributary.gateway.auth.RememberedSignIns;
import io.tributary.gateway.auth.TokenVerifier;
import io.tributary.gateway.keys.ErasureWatch;
import io.tributary.gateway.keys.KeyProvider;
import io.tributary.gateway.keys.TenantErasedException;
import io.tributary.gateway.keys.LocalKeyStore;
import io.tributary.gateway.keys.TenantKeys;
import io.tributary.gateway.lanapi.GatewayCertificate;
import io.tributary.gateway.lanapi.LanApiServer;
import io.tributary.gateway.observe.GatewayMetrics;
import io.tributary.gateway.observe.OperatorEndpoints;
import io.tributary.gateway.share.NamespaceStore;
import io.tributary.gateway.share.Shares;
import io.tributary.gateway.enroll.CentralCredentials;
import io.tributary.gateway.enroll.EnrolledCertificate;
import io.tributary.gateway.uplink.Uplink;
import io.tributary.gateway.webdav.TransportErrors;
import io.tributary.gateway.webdav.WebDavLimits;
import io.tributary.gateway.webdav.WebDavService;
import io.tributary.proto.log.LogContext;
import io.tributary.proto.tls.RefusedHandshakes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** A running gateway: storage opened and recovered, the share and operator ports listening. */
public final class Gateway implements AutoCloseable {
    /** The single tenant of a stand-alone gateway; enrollment assigns real tenants later. */
    public static final String DEFAULT_TENANT = "default";
    /** Where, under the data directory, the audit trail's queue lives. */
    public static final String AUDIT_DIR = "audit";
    /** How often a running gateway looks for a tombstone of its tenant's keys. */
    static final Duration ERASURE_CHECK = Duration.ofSeconds(1);
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(Gateway.class.getName());

    private final NamespaceStore store;
    private final AuditTrail audit;
    private final ErasureWatch erasure;
    private final AutoCloseable handshakeLog;
    private final Uplink uplink;
    private final WebServer shareServer;
    private final WebServer operatorServer;
    private final LanApiServer lanServer;
    private final GatewayCertificate lanCertificate;

    private Gateway(NamespaceStore store, AuditTrail audit, ErasureWatch erasure, Uplink uplink, WebServer shareServer, WebServer operatorServer,
                    LanApiServer lanServer, GatewayCertificate lanCertificate, AutoCloseable handshakeLog) {
        this.handshakeLog = handshakeLog;
        this.store = store;
        this.audit = audit;
        this.erasure = erasure;
        this.uplink = uplink;
        this.shareServer = shareServer;
        this.operatorServer = operatorServer;
        this.lanServer = lanServer;
        this.lanCertificate = lanCertificate;
    }

    public static Gateway start(GatewayConfig config) throws IOException {
        Path data = config.dataDir();
        Files.createDirectories(data);
        GatewayMetrics metrics = new GatewayMetrics();

        KeyProvider provider = config.vault() != null ? config.vault().open(config.keysDir()) : LocalKeyStore.openOrCreate(config.keysDir());
        String gatewayId = GatewayIdentity.loadOrCreate(data);
        LogContext.process("gateway_id", gatewayId);
        LocalUserStore users = LocalUserStore.open(data.resolve("users"));
        for (Map.Entry<String, String> user : config.localUsers().entrySet()) {
            users.put(user.getKey(), user.getValue().toCharArray());
        }
        AuditTrail audit = AuditTrail.open(data.resolve(AUDIT_DIR));
        try {
            AccessRuleChanges.record(data, config.access(), audit, "os:" + System.getProperty("user.name", "?"));
        } catch (IOException e) {
            audit.close();
            throw e;
        }
        NamespaceStore store = null;
        ErasureWatch erasure;
        try {
            boolean minting = !provider.holds(DEFAULT_TENANT);
            TenantKeys keys = provider.keys(DEFAULT_TENANT);
            if (minting) {
                audit.record("gateway", "key.create", DEFAULT_TENANT, "", "minted the tenant's keys in "
                        + (config.vault() != null ? "Vault " + config.vault().url() : config.keysDir().toString()));
            }
            store = NamespaceStore.open(
                    new NamespaceStore.Paths(data.resolve("index"), config.ssdDir(), data.resolve("journal")),
                    config.shares(), keys, config.chunkSizes(), config.zstdLevel(), config.durability(), metrics,
                    Clock.systemUTC(), new NamespaceStore.Options(gatewayId, config.uplink() != null, config.cacheCapBytes()));
            // Once storage is open: a start that fails leaves no timer behind.
            erasure = ErasureWatch.watching(config.keysDir(), DEFAULT_TENANT, ERASURE_CHECK);
        } catch (TenantErasedException e) {
            // Serve the refusal rather than fail to start: users and monitoring learn why, not just that.
            LOG.severe(e.getMessage() + "; serving every share as erased");
            erasure = ErasureWatch.erased(e);
        } catch (RuntimeException | IOException e) {
            audit.close();
            throw e;
        }
        WebServer shareServer = null;
        Uplink uplink = null;
        LanApiServer lanServer = null;
        try {
            if (config.uplink() != null && store != null) {
                EnrolledCertificate enrolled = EnrolledCertificate.load(data).orElseThrow(() -> new IOException(
                        "this gateway is not enrolled with central: run 'tributary gateway enroll' first"));
                uplink = Uplink.start(store, audit, metrics, config.uplink().withAccessRules(config.access().specs()), new CentralCredentials(data, enrolled));
            }
            Authenticator authenticator = authenticator(config, users, metrics, audit);
            WebDavService webdav = new WebDavService(new Shares(store != null ? store.shares() : List.of()), authenticator,
                    config.access(), limits(config), metrics, audit, erasure);
            GatewayCertificate certificate = config.lanPort() >= 0 || config.shareTls() || config.operatorTls()
                    ? GatewayCertificate.loadOrCreate(data.resolve("tls"), certificateNames(config.bindHost())) : null;
            WebServerConfig.Builder share = WebServer.builder()
                    .host(config.bindHost())
                    .port(config.sharePort());
            if (config.shareTls()) {
                share.tls(ShareTls.of(certificate));
            }
            shareServer = share
                    .shutdownGracePeriod(Duration.ofSeconds(2))
                    .addProtocol(Http1Config.builder().maxHeadersSize(WebDavLimits.HARD_MAX_HEADERS_BYTES).build())
                    .directHandlers(d -> d.addHandler(DirectHandler.EventType.BAD_REQUEST, new TransportErrors()))
                    .routing(r -> r.register("/", webdav))
                    .build()
                    .start();
            NamespaceStore opened = store;
            Uplink link = uplink;
            OperatorEndpoints operator = new OperatorEndpoints(metrics, () -> opened != null && opened.ready(), erasure,
                    () -> link == null ? null : link.connected() ? "connected" : "disconnected");
            WebServerConfig.Builder operating = WebServer.builder()
                    .host(config.bindHost())
                    .port(config.httpPort());
            if (config.operatorTls()) {
                operating.tls(ShareTls.of(certificate));
            }
            WebServer operatorServer = operating
                    .shutdownGracePeriod(Duration.ofSeconds(1))
                    .routing(r -> r.register("/", operator))
                    .build()
                    .start();
            if (config.lanPort() >= 0) {
                lanServer = store != null
                        ? LanApiServer.start(store, authenticator, config.access(), metrics, audit, erasure, certificate,
                                config.bindHost(), config.lanPort(), config.maxUploadBytes(), config.lanWriteBudget())
                        : LanApiServer.startErased(authenticator, metrics, erasure, certificate, config.bindHost(), config.lanPort());
            }
            // Last: Helidon's servers (re)configure java.util.logging as they start, dropping handlers added before.
            AutoCloseable handshakeLog = RefusedHandshakes.install(metrics.tlsHandshakesRefused::inc);
            return new Gateway(store, audit, erasure, uplink, shareServer, operatorServer, lanServer, certificate, handshakeLog);
        } catch (RuntimeException | IOException e) {
            if (lanServer != null) {
                lanServer.close();
            }
            if (shareServer != null) {
                shareServer.stop();
            }
            if (uplink != null) {
                uplink.close();
            }
            if (store != null) {
                store.close();
            }
            erasure.close();
            audit.close();
            throw e;
        }
    }

    /** Basic against the local users, or the issuer's users too; bearer tokens when an issuer is set. */
    private static Authenticator authenticator(GatewayConfig config, LocalUserStore users, GatewayMetrics metrics, AuditTrail audit)
            throws IOException {
        Authenticator authenticator = new BasicAuthenticator(users, metrics, audit);
        if (config.oidc() != null) {
            TokenVerifier verifier = new TokenVerifier(config.oidc());
            if (config.oidc().passwordClient() != null) {
                PasswordGrant grant = new PasswordGrant(verifier, config.oidc().passwordClient(), clientSecret(config.oidc()));
                authenticator = new BasicAuthenticator(users, metrics, audit, new SignInThrottle(), grant,
                        RememberedSignIns.open(config.dataDir().resolve("remembered-users"), config.oidc().offlineWindow()));
            }
            authenticator = new BearerAuthenticator(verifier, authenticator, metrics, audit);
        }
        return authenticator;
    }

    /** The password client's secret from its file, or null for a public client. */
    private static String clientSecret(OidcSettings oidc) throws IOException {
        if (oidc.clientSecretFile() == null) {
            return null;
        }
        String secret = Files.readString(oidc.clientSecretFile()).strip();
        if (secret.isEmpty()) {
            throw new IllegalArgumentException("--oidc-client-secret-file " + oidc.clientSecretFile() + " is empty");
        }
        return secret;
    }

    private static WebDavLimits limits(GatewayConfig config) {
        WebDavLimits defaults = WebDavLimits.defaults();
        return new WebDavLimits(config.maxUploadBytes(), defaults.maxXmlBodyBytes(), defaults.maxPropfindEntries());
    }

    /** The names the LAN certificate is valid for: loopback, this host, and the bind address. */
    private static List<String> certificateNames(String bindHost) {
        List<String> names = new java.util.ArrayList<>(List.of("localhost", "127.0.0.1", "::1"));
        try {
            names.add(java.net.InetAddress.getLocalHost().getHostName());
        } catch (java.net.UnknownHostException e) {
            // loopback names only
        }
        if (!bindHost.equals("0.0.0.0") && !bindHost.equals("::")) {
            names.add(bindHost);
        }
        return names;
    }

    /** The LAN API's port, or -1 if it is closed. */
    public int lanPort() {
        return lanServer == null ? -1 : lanServer.port();
    }

    public GatewayCertificate lanCertificate() {
        return lanCertificate;
    }

    public int sharePort() {
        return shareServer.port();
    }

    public int httpPort() {
        return operatorServer.port();
    }

    /** Serves until the process is told to stop (SIGTERM, Ctrl-C), then closes cleanly. */
    public void serveUntilStopped() throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            close();
            stopped.countDown();
        }, "gateway-shutdown"));
        stopped.await();
    }

    @Override
    public void close() {
        if (lanServer != null) {
            lanServer.close();
        }
        shareServer.stop();
        operatorServer.stop();
        if (uplink != null) {
            uplink.close();
        }
        if (store != null) {
            store.close();
        }
        erasure.close();
        audit.close();
        try {
            handshakeLog.close();
        } catch (Exception e) {
            LOG.log(java.util.logging.Level.FINE, "closing the handshake log failed", e);
        }
    }
}
