package io.tributary.gateway.uplink;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The channel to central, replaceable: after a certificate renewal the next calls go over a new
 * channel (a new TLS handshake, the new certificate) while calls in flight finish on the old one.
 */
final class CentralChannel extends Channel implements AutoCloseable {
    private final Supplier<ManagedChannel> factory;
    private volatile ManagedChannel current;

    CentralChannel(Supplier<ManagedChannel> factory) {
        this.factory = factory;
        this.current = factory.get();
    }

    /** New calls use a new connection from now on; the old one closes once its calls end. */
    void replace() {
        ManagedChannel old = current;
        current = factory.get();
        old.shutdown();
    }

    @Override
    public <Q, A> ClientCall<Q, A> newCall(MethodDescriptor<Q, A> method, CallOptions options) {
        return current.newCall(method, options);
    }

    @Override
    public String authority() {
        return current.authority();
    }

    @Override
    public void close() {
        ManagedChannel c = current;
        c.shutdownNow();
        try {
            c.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
