package io.tributary.central.ingest;

import io.grpc.ServerServiceDefinition;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC listener. Credentials are a parameter: central runs it with mutual TLS
 * ({@code enroll.GatewayTrust}); the services check the peer per call.
 */
public final class IngestServer implements AutoCloseable {
    public static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    private final Server server;

    private IngestServer(Server server) {
        this.server = server;
    }

    public static IngestServer start(String host, int port, ServerCredentials credentials, ServerServiceDefinition... services)
            throws IOException {
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(host, port), credentials);
        for (ServerServiceDefinition service : services) {
            builder.addService(service);
        }
        Server server = builder
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                // Gateways keep one session open for days behind NATs: let them ping, within reason.
                .permitKeepAliveTime(20, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .build()
                .start();
        return new IngestServer(server);
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
    }
}
