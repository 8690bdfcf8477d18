package io.tributary.gateway.auth;

/** An access token that does not prove who sent it; the message says why, for the log, never for the client. */
public final class TokenRejectedException extends Exception {
    public TokenRejectedException(String message) {
        super(message);
    }

    public TokenRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
