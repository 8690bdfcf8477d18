package io.tributary.gateway.webdav;

import io.helidon.http.Status;
import io.tributary.gateway.share.ShareException;

/**
 * The one place a namespace refusal becomes an HTTP status (RFC 4918 section 9 per method).
 * The namespace's message, written for a person, becomes the body.
 */
final class ShareRefusal {
    private ShareRefusal() {
    }

    /** Seconds a client is asked to wait when the cache is full of data still on its way to central. */
    static final String RETRY_AFTER_SECONDS = "10";

    static DavException of(ShareException e, String method) {
        DavException refusal = DavException.of(status(e.kind(), method), e.getMessage());
        return e.kind() == ShareException.Kind.BUSY ? refusal.header("Retry-After", RETRY_AFTER_SECONDS) : refusal;
    }

    static Status status(ShareException.Kind kind, String method) {
        return switch (kind) {
            case NOT_FOUND -> Status.NOT_FOUND_404;
            // The parent of the target is missing or is a file: "intermediate collections" (9.3.1, 9.7.1).
            case PARENT_MISSING, NOT_A_DIRECTORY -> Status.CONFLICT_409;
            case ALREADY_EXISTS -> switch (method) {
                case "MKCOL" -> Status.METHOD_NOT_ALLOWED_405;          // 9.3.1
                case "COPY", "MOVE" -> Status.PRECONDITION_FAILED_412;  // Overwrite: F, 9.8.5 and 9.9.4
                default -> Status.CONFLICT_409;
            };
            // PUT or GET on a collection is a method the resource does not allow; elsewhere a conflict
            // of file and collection (for instance a file where a collection must go).
            case IS_A_DIRECTORY -> switch (method) {
                case "PUT", "GET", "HEAD" -> Status.METHOD_NOT_ALLOWED_405;
                default -> Status.CONFLICT_409;
            };
            case INVALID_NAME -> Status.BAD_REQUEST_400;
            case NAME_COLLISION -> Status.CONFLICT_409;
            case INTO_ITSELF -> Status.FORBIDDEN_403;                   // 9.8.5: source and destination overlap
            case LOCKED -> Status.LOCKED_423;
            case TOO_LARGE -> Status.REQUEST_ENTITY_TOO_LARGE_413;
            case NO_SPACE -> Status.INSUFFICIENT_STORAGE_507;
            case BUSY -> Status.SERVICE_UNAVAILABLE_503;
            case PRECONDITION_FAILED -> Status.PRECONDITION_FAILED_412;
        };
    }
}
