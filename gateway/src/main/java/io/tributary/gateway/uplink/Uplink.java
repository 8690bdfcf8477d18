package io.tributary.gateway.uplink;

import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.tributary.gateway.audit.AuditTrail;
import io.tributary.gateway.enroll.CentralCredentials;
import io.tributary.gateway.enroll.CertificateRenewal;
import io.tributary.gateway.observe.GatewayMetrics;
import io.tributary.gateway.share.NamespaceStore;
import io.tributary.proto.v1.IngestGrpc;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Keeps one session with central open for as long as the gateway runs: connects, runs the
 * session, and after a failure reconnects with exponential backoff and jitter. The gateway
 * serves its LAN all the while; the journal simply grows until the link returns.
 */
public final class Uplink implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Uplink.class.getName());
    /** Largest gRPC message either side accepts (docs/protocol.md). */
    public static final int MAX_MESSAGE_BYTES = 16 << 20;
    private static final int BACKLOG_BYTES_COUNTED = 100_000;
    private static final Duration FIRST_RETRY = Duration.ofMillis(250);
    private static final Duration LONGEST_RETRY = Duration.ofSeconds(10);

    private final NamespaceStore store;
    private final AuditTrail audit;
    private final GatewayMetrics metrics;
    private final UplinkSettings settings;
    private final CentralChannel channel;
    private final Downlink downlink;
    private final Prefetcher prefetcher;
    private final UploadBudget budget;
    private final Thread thread;
    private final CertificateRenewal renewal;
    private volatile UplinkSession current;
    private volatile boolean closed;

    private Uplink(NamespaceStore store, AuditTrail audit, GatewayMetrics metrics, UplinkSettings settings,
                   CentralCredentials credentials) {
        this.store = store;
        this.audit = audit;
        this.metrics = metrics;
        this.settings = settings;
        this.channel = new CentralChannel(() -> NettyChannelBuilder.forTarget(settings.target(), credentials.channelCredentials())
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .keepAliveTime(30, TimeUnit.SECONDS)
                .keepAliveTimeout(10, TimeUnit.SECONDS)
                .build());
        this.prefetcher = new Prefetcher(store, settings.pinned());
        this.downlink = new Downlink(store, metrics, prefetcher);
        this.budget = new UploadBudget(settings.uploadBytesPerSecond());
        this.thread = new Thread(this::run, "uplink");
        this.thread.setDaemon(true);
        this.renewal = new CertificateRenewal(credentials, channel, this::reconnect);
    }

    /**
     * Starts the link, over mutual TLS with {@code credentials}, which it renews when due; chunk
     * reads that miss the cache fetch from central from now on. The records of {@code audit} go
     * up in the same session.
     */
    public static Uplink start(NamespaceStore store, AuditTrail audit, GatewayMetrics metrics, UplinkSettings settings,
                               CentralCredentials credentials) {
        Uplink uplink = new Uplink(store, audit, metrics, settings, credentials);
        metrics.gauge("tributary_upstream_connected", () -> uplink.connected() ? 1 : 0);
        // Renewal keeps this above a third of the lifetime; an alert fires well before it reaches 0.
        metrics.gauge("tributary_central_certificate_expiry_seconds", () -> Math.max(0,
                (credentials.current().certificate().getNotAfter().getTime() - System.currentTimeMillis()) / 1000));
        metrics.gauge("tributary_journal_backlog_entries", () -> backlog(store.journal(), store));
        metrics.gauge("tributary_journal_backlog_bytes", () -> backlogBytes(store.journal(), store));
        metrics.decimalGauge("tributary_upstream_lag_seconds", () -> {
            UplinkSession s = uplink.current;
            return s == null ? 0 : s.lagSeconds();
        });
        store.chunks().fetchMissingFrom(new CentralChunks(uplink.channel));
        store.pinFolders(settings.pinned());
        uplink.thread.start();
        uplink.renewal.start();
        return uplink;
    }

    /** Ends the session so the next one opens a new connection, with the certificate renewed just now. */
    private void reconnect() {
        channel.replace();
        UplinkSession session = current;
        if (session != null) {
            session.stop();
        }
    }

    /**
     * Journal entries after the last acknowledgement. Chronicle indexes count entries within a
     * daily cycle, so across a cycle boundary this is an upper bound.
     */
    static long backlog(io.tributary.gateway.journal.Journal journal, NamespaceStore store) {
        long last = journal.lastIndex();
        long acked = store.acknowledgedIndex();
        if (last < 0 || acked >= last) {
            return 0;
        }
        return acked < 0 ? (last & 0xffffffffL) + 1 : last - acked;
    }

    /** Bytes of the journal entries central has not acknowledged; see {@link io.tributary.gateway.journal.Journal#bytesAfter}. */
    static long backlogBytes(io.tributary.gateway.journal.Journal journal, NamespaceStore store) {
        return journal.bytesAfter(store.acknowledgedIndex(), backlog(journal, store), BACKLOG_BYTES_COUNTED);
    }

    /**
     * A session with central is open: central welcomed it. A call that is merely started is not,
     * since central may still refuse it (a revoked certificate, say).
     */
    public boolean connected() {
        UplinkSession session = current;
        return session != null && session.open();
    }

    private void run() {
        Backoff backoff = new Backoff(FIRST_RETRY, LONGEST_RETRY);
        String lastProblem = null;
        boolean compact = true;
        while (!closed) {
            UplinkSession session = new UplinkSession(store, audit, downlink, metrics, budget, settings, version(), compact);
            compact = true;
            current = session;
            try {
                IngestGrpc.newStub(channel).withMaxInboundMessageSize(MAX_MESSAGE_BYTES).session(session);
                metrics.upstreamSessions.inc();
                prefetcher.all();
                session.run();
            } catch (IOException | RuntimeException e) {
                // Central could not use an edit or a delta (say, a base version it no longer
                // keeps): the next session sends whole manifests and whole chunks.
                compact = io.grpc.Status.fromThrowable(e).getCode() != io.grpc.Status.Code.FAILED_PRECONDITION;
                String problem = e.getMessage();
                if (!closed && !problem.equals(lastProblem)) {
                    LOG.log(System.Logger.Level.WARNING, "link to central " + settings.target() + " down: " + problem
                            + "; the gateway keeps serving and will retry");
                }
                lastProblem = problem;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                session.stop();
            }
            if (session.progressed()) {
                backoff.reset();
                lastProblem = null;
            }
            if (!closed) {
                try {
                    Thread.sleep(backoff.next());
                } catch (InterruptedException e) {
                    break;
                }
            }
        }
    }

    private static String version() {
        String v = Uplink.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public void close() {
        closed = true;
        renewal.close();
        UplinkSession session = current;
        if (session != null) {
            session.stop();
        }
        thread.interrupt();
        prefetcher.close();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        channel.close();
    }
}
