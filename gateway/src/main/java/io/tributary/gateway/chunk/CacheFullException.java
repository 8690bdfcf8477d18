package io.tributary.gateway.chunk;

import java.io.IOException;

/**
 * The chunk store is at its cap and nothing in it may be evicted: everything left is data
 * central does not have yet. The write is refused (and may be retried) rather than overrunning
 * the cap or dropping unsynced data.
 */
public final class CacheFullException extends IOException {
    public CacheFullException(String message) {
        super(message);
    }
}
