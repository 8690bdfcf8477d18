package io.tributary.gateway.lanapi;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tributary.gateway.share.ShareException;

/** Namespace refusals as gRPC statuses: the counterpart of the WebDAV front-end's status codes. */
final class ShareStatus {
    private ShareStatus() {
    }

    static StatusRuntimeException of(ShareException e) {
        Status status = switch (e.kind()) {
            case NOT_FOUND, PARENT_MISSING -> Status.NOT_FOUND;
            case ALREADY_EXISTS, NAME_COLLISION -> Status.ALREADY_EXISTS;
            case NOT_A_DIRECTORY, IS_A_DIRECTORY, INTO_ITSELF, LOCKED, PRECONDITION_FAILED -> Status.FAILED_PRECONDITION;
            case INVALID_NAME -> Status.INVALID_ARGUMENT;
            case TOO_LARGE, NO_SPACE -> Status.RESOURCE_EXHAUSTED;
            case BUSY -> Status.UNAVAILABLE;
        };
        return status.withDescription(e.getMessage()).asRuntimeException();
    }
}
