package io.tributary.central.enroll;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * Puts the verified gateway of each call in {@link #PEER}. The handshake has already checked the
 * certificate ({@link GatewayTrust}); this checks it again per call, because a connection made
 * before a revocation or an expiry may still be open. {@code required} refuses calls without one.
 */
public final class PeerCertificates implements ServerInterceptor {
    public static final Context.Key<GatewayPeer> PEER = Context.key("tributary-gateway-peer");
    /** The caller's network address, for log lines. */
    public static final Context.Key<String> ADDRESS = Context.key("tributary-peer-address");

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(PeerCertificates.class.getName());

    private final GatewayTrust trust;
    private final boolean required;

    public PeerCertificates(GatewayTrust trust, boolean required) {
        this.trust = trust;
        this.required = required;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        GatewayPeer peer = peer(call);
        if (peer == null && required) {
            call.close(Status.UNAUTHENTICATED.withDescription("central admits only enrolled gateways: present the certificate"
                    + " that 'tributary gateway enroll' stored"), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        if (peer != null) {
            String refusal = trust.refusal(peer, Instant.now());
            if (refusal != null) {
                LOG.warning("refused a call from " + call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR) + ": " + refusal);
                call.close(Status.UNAUTHENTICATED.withDescription(refusal), new Metadata());
                return new ServerCall.Listener<>() {
                };
            }
        }
        String address = String.valueOf(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
        return Contexts.interceptCall(Context.current().withValue(PEER, peer).withValue(ADDRESS, address), call, headers, next);
    }

    private static GatewayPeer peer(ServerCall<?, ?> call) {
        SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        if (session == null) {
            return null;
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate cert)) {
                return null;
            }
            return GatewayPeer.of(cert, String.valueOf(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)));
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }
}
