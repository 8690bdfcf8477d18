package io.tributary.central.enroll;

/** An enrollment token central will not accept; the message says why, for the admin. */
public final class TokenRefusedException extends Exception {
    public TokenRefusedException(String message) {
        super(message);
    }
}
