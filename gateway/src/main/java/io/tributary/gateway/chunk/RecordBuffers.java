package io.tributary.gateway.chunk;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Direct buffers for segment records, kept for reuse. Writing a heap buffer to a file makes the
 * JDK copy it into a temporary direct buffer of its own, cached per thread by size; records vary
 * in size, so those were freed and allocated (and zeroed) again by the thousand. A record of the
 * default chunk sizes fits a kept buffer. At most {@link #KEEP} direct buffers are ever made, so
 * their memory is bounded however many requests write at once; a record that finds none free,
 * or is larger, gets a heap buffer.
 */
final class RecordBuffers {
    /** The largest record of the default chunk sizes (256 KiB chunks), with room to spare. */
    static final int CAPACITY = 288 << 10;
    static final int KEEP = 16;

    private final ConcurrentLinkedQueue<ByteBuffer> free = new ConcurrentLinkedQueue<>();
    private final AtomicInteger made = new AtomicInteger();

    /** A cleared buffer whose limit is {@code size}; hand it back with {@link #give}. */
    ByteBuffer take(int size) {
        if (size > CAPACITY) {
            return ByteBuffer.allocate(size);
        }
        ByteBuffer b = free.poll();
        if (b == null) {
            if (made.getAndIncrement() >= KEEP) {
                made.decrementAndGet();
                return ByteBuffer.allocate(size);
            }
            b = ByteBuffer.allocateDirect(CAPACITY);
        }
        return b.clear().limit(size);
    }

    void give(ByteBuffer b) {
        if (b.isDirect()) {
            free.add(b);
        }
    }

    /** Direct buffers made so far; never more than {@link #KEEP}. */
    int made() {
        return made.get();
    }
}
