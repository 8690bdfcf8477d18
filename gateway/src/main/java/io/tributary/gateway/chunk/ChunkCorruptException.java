package io.tributary.gateway.chunk;

/**
 * A sealed chunk that cannot be opened: truncated, of an unknown format, altered, sealed under a
 * different key, or stored under the wrong id. The stored copy is unusable; another replica is not.
 */
public final class ChunkCorruptException extends RuntimeException {
    public ChunkCorruptException(String message) {
        super(message);
    }

    public ChunkCorruptException(String message, Throwable cause) {
        super(message, cause);
    }
}
