package io.tributary.gateway.lanapi;

import io.tributary.gateway.journal.ChunkRef;
import io.tributary.gateway.share.NamespaceStore;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Chunks a LAN write stored before its call broke off, kept pinned for a while so that writing
 * the same file again resumes from them instead of sending them again. A gateway restart drops
 * them (the start-up sweep deletes payloads no file references).
 */
final class ParkedChunks implements AutoCloseable {
    static final Duration KEEP = Duration.ofHours(1);

    private final NamespaceStore store;
    private final Duration keep;
    private final Map<Long, List<ChunkRef>> parked = new ConcurrentHashMap<>();
    private final AtomicLong next = new AtomicLong();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lan-parked-chunks");
        t.setDaemon(true);
        return t;
    });

    ParkedChunks(NamespaceStore store, Duration keep) {
        this.store = store;
        this.keep = keep;
    }

    /** Takes over the pins of {@code refs} and releases them after the keep time. */
    void park(List<ChunkRef> refs) {
        if (refs.isEmpty()) {
            return;
        }
        long key = next.incrementAndGet();
        parked.put(key, List.copyOf(refs));
        timer.schedule(() -> release(key), keep.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void release(long key) {
        List<ChunkRef> held = parked.remove(key);
        if (held != null) {
            store.release(held);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        for (long key : List.copyOf(parked.keySet())) {
            release(key);
        }
    }
}
