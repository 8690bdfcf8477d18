package io.tributary.gateway.lanapi;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the LAN API's Write calls may hold at once, gateway-wide. A file begun and not yet answered
 * keeps its manifest and the chunks it awaits on the heap, so it weighs one plus its chunks. Each
 * call has its own cap ({@link WriteCall#MAX_OPEN_FILES}), but dozens of clients together would
 * fill the heap: past this budget a file is turned away, to be begun again shortly, while the
 * files under way finish and free their share.
 */
final class OpenFileBudget {
    /** Heap bytes per unit of weight: a small file (weight 2) holds about 1 KiB while it is open. */
    private static final long HEAP_PER_UNIT = 2048;
    private static final long MIN_CAPACITY = 4096;

    private final long capacity;
    private final AtomicLong used = new AtomicLong();

    OpenFileBudget(long capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("the budget for files under way must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** A budget that lets open files take about a quarter of a heap of {@code maxHeapBytes}. */
    static OpenFileBudget forHeap(long maxHeapBytes) {
        return new OpenFileBudget(Math.max(MIN_CAPACITY, maxHeapBytes / HEAP_PER_UNIT));
    }

    /** The weight of a file of {@code chunks} chunks. */
    static long weightOf(int chunks) {
        return 1L + chunks;
    }

    /**
     * Takes {@code weight} if it fits, or if nothing else is under way: a file heavier than the
     * whole budget then goes alone instead of never.
     */
    boolean tryTake(long weight) {
        while (true) {
            long u = used.get();
            if (u != 0 && u + weight > capacity) {
                return false;
            }
            if (used.compareAndSet(u, u + weight)) {
                return true;
            }
        }
    }

    void give(long weight) {
        used.addAndGet(-weight);
    }

    long used() {
        return used.get();
    }

    long capacity() {
        return capacity;
    }
}
