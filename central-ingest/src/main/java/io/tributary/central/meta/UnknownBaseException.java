package io.tributary.central.meta;

/**
 * An edited manifest whose base version central no longer holds at the path (it was pruned, or
 * it lost a conflict and moved); the batch is not applied and the gateway must send whole
 * manifests instead.
 */
public final class UnknownBaseException extends RuntimeException {
    public UnknownBaseException(String message) {
        super(message);
    }
}
