package io.tributary.gateway.chunk;

import io.tributary.gateway.journal.ChunkRef;
import io.tributary.proto.ChunkId;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Chunks written here that central may not have yet, by the journal index of the change that
 * referenced them. The cache never evicts these. Kept in memory and rebuilt at start from the
 * journal after the last acknowledgement this gateway recorded; a stale record only makes more
 * chunks count as unsent, never fewer.
 */
public final class UnsentChunks {
    private final NavigableMap<Long, List<ChunkId>> byIndex = new TreeMap<>();
    private final Map<ChunkId, Integer> counts = new HashMap<>();

    public synchronized void add(long index, List<ChunkRef> refs) {
        if (refs.isEmpty()) {
            return;
        }
        List<ChunkId> ids = refs.stream().map(ChunkRef::id).toList();
        byIndex.merge(index, ids, (a, b) -> java.util.stream.Stream.concat(a.stream(), b.stream()).toList());
        for (ChunkId id : ids) {
            counts.merge(id, 1, Integer::sum);
        }
    }

    /** Central has every change up to {@code index}. */
    public synchronized void acknowledged(long index) {
        NavigableMap<Long, List<ChunkId>> done = byIndex.headMap(index, true);
        for (List<ChunkId> ids : done.values()) {
            for (ChunkId id : ids) {
                counts.computeIfPresent(id, (k, n) -> n == 1 ? null : n - 1);
            }
        }
        done.clear();
    }

    public synchronized boolean contains(ChunkId id) {
        return counts.containsKey(id);
    }

    public synchronized int size() {
        return counts.size();
    }
}
