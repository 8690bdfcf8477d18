package io.tributary.gateway.chunk;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded set of reusable native buffers for segment I/O. A file channel given a heap buffer
 * copies it through a native one it allocates and frees per call on many request threads, and the
 * process keeps the freed memory: the gateway's resident size grew by a third under uploads. At
 * most {@code count} buffers of {@code size} bytes exist; a caller that finds none free, or needs
 * more room, gets a heap buffer instead.
 */
final class DirectBuffers {
    private final int size;
    private final int count;
    private final ConcurrentLinkedQueue<ByteBuffer> free = new ConcurrentLinkedQueue<>();
    private final AtomicInteger made = new AtomicInteger();

    DirectBuffers(int size, int count) {
        this.size = size;
        this.count = count;
    }

    /** A buffer with position 0 and limit {@code length}; hand it back with {@link #give}. */
    ByteBuffer take(int length) {
        if (length > size) {
            return ByteBuffer.allocate(length);
        }
        ByteBuffer b = free.poll();
        if (b == null) {
            if (made.incrementAndGet() > count) {
                made.decrementAndGet();
                return ByteBuffer.allocate(length);
            }
            b = ByteBuffer.allocateDirect(size);
        }
        return b.clear().limit(length);
    }

    void give(ByteBuffer b) {
        if (b.isDirect()) {
            free.add(b);
        }
    }
}
