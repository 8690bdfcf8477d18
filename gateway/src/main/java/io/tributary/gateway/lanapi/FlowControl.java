package io.tributary.gateway.lanapi;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;

import java.util.concurrent.TimeUnit;

/**
 * Waits for a server stream's transport to take more, so a client that reads slowly slows the
 * sender instead of filling the gateway's memory; gives up on a cancelled call or a client that
 * takes nothing for a minute.
 */
final class FlowControl {
    private static final long PATIENCE_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final ServerCallStreamObserver<?> out;
    private final Object signal = new Object();
    private volatile boolean cancelled;

    FlowControl(ServerCallStreamObserver<?> out) {
        this.out = out;
        out.setOnReadyHandler(this::wake);
        out.setOnCancelHandler(() -> {
            cancelled = true;
            wake();
        });
    }

    private void wake() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    boolean cancelled() {
        return cancelled;
    }

    /** Returns once the stream takes a message; throws if the call ended or the client stalled. */
    void awaitReady() {
        long deadline = System.nanoTime() + PATIENCE_NANOS;
        synchronized (signal) {
            while (!out.isReady()) {
                if (cancelled) {
                    throw Status.CANCELLED.withDescription("the client went away").asRuntimeException();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw Status.DEADLINE_EXCEEDED.withDescription("the client read nothing for a minute").asRuntimeException();
                }
                try {
                    signal.wait(Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(left))));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw Status.CANCELLED.withDescription("the gateway is stopping").asRuntimeException();
                }
            }
        }
        if (cancelled) {
            throw Status.CANCELLED.withDescription("the client went away").asRuntimeException();
        }
    }
}
