package io.tributary.gateway.lanapi;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.tributary.gateway.auth.Authenticator;
import io.tributary.gateway.auth.Principal;
import io.tributary.gateway.observe.GatewayMetrics;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Optional;

/**
 * Admits a call only with valid credentials in its {@code authorization} metadata, checked by
 * the same authenticator as the WebDAV share; the user's name travels in the call's context.
 */
final class CallerCredentials implements ServerInterceptor {
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    static final Context.Key<String> USER = Context.key("tributary-user");
    static final Context.Key<Principal> PRINCIPAL = Context.key("tributary-principal");
    /** The caller's address, for the audit trail. */
    static final Context.Key<String> ADDRESS = Context.key("tributary-address");

    private final Authenticator authenticator;
    private final GatewayMetrics metrics;

    CallerCredentials(Authenticator authenticator, GatewayMetrics metrics) {
        this.authenticator = authenticator;
        this.metrics = metrics;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String authorization = headers.get(AUTHORIZATION);
        SocketAddress peer = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        String address = peer instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : String.valueOf(peer);
        Optional<Principal> user = authorization == null ? Optional.empty() : authenticator.authenticate(authorization, address);
        if (user.isEmpty()) {
            metrics.lanUnauthenticated.inc();
            call.close(Status.UNAUTHENTICATED.withDescription(authorization == null
                    ? "no credentials: send \"authorization: Basic base64(user:password)\" metadata"
                    : "wrong user name or password"), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        metrics.lanCalls.inc();
        return Contexts.interceptCall(Context.current().withValue(USER, user.get().name()).withValue(PRINCIPAL, user.get())
                        .withValue(ADDRESS, address),
                call, headers, next);
    }
}
