package io.tributary.central.chunks;

/** A sealed chunk bigger than any gateway may send; gRPC answers it with RESOURCE_EXHAUSTED. */
public final class ChunkTooLargeException extends IllegalArgumentException {
    public ChunkTooLargeException(String message) {
        super(message);
    }
}
