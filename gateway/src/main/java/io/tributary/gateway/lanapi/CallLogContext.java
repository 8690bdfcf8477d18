package io.tributary.gateway.lanapi;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.tributary.proto.log.LogContext;

/**
 * Gives each LAN API call a request id, as the WebDAV front-end gives each request: the client's
 * own {@code x-request-id} metadata when it is safe to log, else a new one. Log lines written while
 * the call's code runs carry it, and the call's headers (or trailers, for a call refused at once)
 * send it back. Runs first, before the credentials are checked, so refusals carry it too.
 */
final class CallLogContext implements ServerInterceptor {
    static final Metadata.Key<String> REQUEST_ID = Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String id = LogContext.requestIdFrom(headers.get(REQUEST_ID));
        ServerCall<Q, R> answering = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            private boolean headersSent;

            @Override
            public void sendHeaders(Metadata responseHeaders) {
                responseHeaders.put(REQUEST_ID, id);
                headersSent = true;
                super.sendHeaders(responseHeaders);
            }

            @Override
            public void close(Status status, Metadata trailers) {
                if (!headersSent) {
                    trailers.put(REQUEST_ID, id);
                }
                super.close(status, trailers);
            }
        };
        ServerCall.Listener<Q> listener;
        try (LogContext.Scope scope = LogContext.request(id)) {
            listener = next.startCall(answering, headers);
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onMessage(Q message) {
                inScope(id, () -> super.onMessage(message));
            }

            @Override
            public void onHalfClose() {
                inScope(id, super::onHalfClose);
            }

            @Override
            public void onCancel() {
                inScope(id, super::onCancel);
            }

            @Override
            public void onComplete() {
                inScope(id, super::onComplete);
            }

            @Override
            public void onReady() {
                inScope(id, super::onReady);
            }
        };
    }

    /** Runs one of the call's callbacks with its request id on the log lines. */
    private static void inScope(String id, Runnable callback) {
        try (LogContext.Scope scope = LogContext.request(id)) {
            callback.run();
        }
    }
}
