package io.tributary.central.meta;

/** An operation or path no gateway may send (bad name, too deep, no kind); nothing was applied. */
public final class InvalidOperationException extends IllegalArgumentException {
    public InvalidOperationException(String message) {
        super(message);
    }
}
