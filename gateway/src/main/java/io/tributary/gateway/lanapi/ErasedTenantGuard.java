package io.tributary.gateway.lanapi;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.tributary.gateway.keys.ErasureWatch;
import io.tributary.gateway.keys.TenantErasedException;

import java.util.Optional;

/** Refuses every call once the tenant is erased, with FAILED_PRECONDITION and the reason. */
final class ErasedTenantGuard implements ServerInterceptor {
    private final ErasureWatch erasure;

    ErasedTenantGuard(ErasureWatch erasure) {
        this.erasure = erasure;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Optional<TenantErasedException> erased = erasure.erased();
        if (erased.isPresent()) {
            call.close(Status.FAILED_PRECONDITION.withDescription("this gateway's shares are erased: " + erased.get().getMessage()),
                    new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        return next.startCall(call, headers);
    }
}
