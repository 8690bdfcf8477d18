package io.tributary.gateway.chunk;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Direct buffers for segment records, kept for reuse. Writing a heap buffer to a file makes the
 * JDK copy it into a temporary direct buffer of its own, cached per thread by size; records vary
 * in size, so those were freed and allocated (and zeroed) again by the thousand. A record of the
 * default chunk sizes fits a kept buffer; a larger one gets a heap buffer.
 */
final class RecordBuffers {
    /** The largest record of the default chunk sizes (256 KiB chunks), with room to spare. */
    static final int CAPACITY = 288 << 10;
    private static final int KEEP = 16;

    private final ConcurrentLinkedQueue<ByteBuffer> free = new ConcurrentLinkedQueue<>();
    private final AtomicInteger kept = new AtomicInteger();

    /** A cleared buffer whose limit is {@code size}. */
    ByteBuffer take(int size) {
        if (size > CAPACITY) {
            return ByteBuffer.allocate(size);
        }
        ByteBuffer b = free.poll();
        if (b == null) {
            b = ByteBuffer.allocateDirect(CAPACITY);
        } else {
            kept.decrementAndGet();
        }
        return b.clear().limit(size);
    }

    void give(ByteBuffer b) {
        if (!b.isDirect()) {
            return;
        }
        if (kept.incrementAndGet() <= KEEP) {
            free.add(b);
        } else {
            kept.decrementAndGet();
        }
    }
}
