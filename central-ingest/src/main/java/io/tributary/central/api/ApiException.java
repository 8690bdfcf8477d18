package io.tributary.central.api;

import io.helidon.http.Status;

/** A refusal the API answers with its own status and message, such as 401, 403, 409 or 429. */
public final class ApiException extends RuntimeException {
    private final transient Status status;

    public ApiException(Status status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public Status status() {
        return status;
    }
}
