package io.tributary.gateway.chunk;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Chunkers kept for reuse between uploads. A chunker's buffer is twice the largest chunk (512 KiB
 * by default); made afresh for every PUT, those buffers were most of what the gateway allocated
 * for small files, and the ones alive at a collection overflowed the young generation's survivor
 * space into the old one, which then grew to the heap's cap. At most {@code keep} are kept.
 */
final class Chunkers {
    private final ChunkSizes sizes;
    private final int keep;
    private final ConcurrentLinkedQueue<Chunker> free = new ConcurrentLinkedQueue<>();
    private final AtomicInteger kept = new AtomicInteger();

    Chunkers(ChunkSizes sizes, int keep) {
        this.sizes = sizes;
        this.keep = keep;
    }

    Chunker take() {
        Chunker c = free.poll();
        if (c == null) {
            return new Chunker(sizes);
        }
        kept.decrementAndGet();
        return c;
    }

    void give(Chunker c) {
        if (kept.incrementAndGet() <= keep) {
            free.add(c);
        } else {
            kept.decrementAndGet();
        }
    }
}
