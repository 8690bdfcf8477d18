package io.tributary.gateway.lanapi;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.tributary.gateway.audit.AuditTrail;
import io.tributary.gateway.auth.Authenticator;
import io.tributary.gateway.auth.ShareAccess;
import io.tributary.gateway.keys.ErasureWatch;
import io.tributary.proto.v1.FileServiceGrpc;
import io.tributary.gateway.observe.GatewayMetrics;
import io.tributary.gateway.share.NamespaceStore;

import javax.net.ssl.KeyManagerFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.concurrent.TimeUnit;

/** The LAN API's gRPC server: TLS with the gateway's certificate, credentials on every call. */
public final class LanApiServer implements AutoCloseable {
    /** Messages from clients: a 1 MiB chunk and its framing, or a WriteBegin of a large file. */
    public static final int MAX_MESSAGE_BYTES = 4 << 20;

    private final Server server;
    private final ParkedChunks parked;

    private LanApiServer(Server server, ParkedChunks parked) {
        this.server = server;
        this.parked = parked;
    }

    public static LanApiServer start(NamespaceStore store, Authenticator authenticator, ShareAccess access, GatewayMetrics metrics,
                                     AuditTrail audit, ErasureWatch erasure, GatewayCertificate certificate, String host, int port,
                                     long maxFileBytes, long writeBudget) throws IOException {
        OpenFileBudget openFiles = writeBudget > 0 ? new OpenFileBudget(writeBudget) : OpenFileBudget.forHeap(Runtime.getRuntime().maxMemory());
        ParkedChunks parked = new ParkedChunks(store, ParkedChunks.KEEP);
        try {
            return serve(new FileServiceEndpoint(store, access, parked, metrics, audit, maxFileBytes, openFiles), parked, authenticator, metrics,
                    erasure, certificate, host, port);
        } catch (IOException | RuntimeException e) {
            parked.close();
            throw e;
        }
    }

    /**
     * The LAN API of a gateway whose tenant was erased before it started: it has no storage to
     * serve, and answers every signed-in call with FAILED_PRECONDITION and the reason.
     */
    public static LanApiServer startErased(Authenticator authenticator, GatewayMetrics metrics, ErasureWatch erasure,
                                           GatewayCertificate certificate, String host, int port) throws IOException {
        return serve(new FileServiceGrpc.FileServiceImplBase() {
        }, null, authenticator, metrics, erasure, certificate, host, port);
    }

    private static LanApiServer serve(BindableService files, ParkedChunks parked, Authenticator authenticator, GatewayMetrics metrics,
                                      ErasureWatch erasure, GatewayCertificate certificate, String host, int port) throws IOException {
        // The last interceptor runs first: the request id, the credentials, then the erasure check.
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress(host, port), credentials(certificate))
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .permitKeepAliveTime(30, TimeUnit.SECONDS)
                .addService(ServerInterceptors.intercept(files, new ErasedTenantGuard(erasure),
                        new CallerCredentials(authenticator, metrics), new CallLogContext()))
                .build()
                .start();
        return new LanApiServer(server, parked);
    }

    private static io.grpc.ServerCredentials credentials(GatewayCertificate certificate) throws IOException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] none = new char[0];
            ks.setKeyEntry("gateway", certificate.key(), none, new Certificate[]{certificate.certificate()});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, none);
            return TlsServerCredentials.newBuilder().keyManager(kmf.getKeyManagers()).build();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS for the LAN API: " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
        if (parked != null) {
            parked.close();
        }
    }
}
