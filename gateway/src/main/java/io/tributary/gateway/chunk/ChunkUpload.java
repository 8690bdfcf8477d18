package io.tributary.gateway.chunk;

import io.tributary.gateway.journal.ChunkRef;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One file's content on its way into the store: cut while it streams, each chunk hashed, sealed
 * and stored unless present. Holds pins on its chunks until the namespace commits or drops it.
 * Not thread-safe: one per request.
 */
public final class ChunkUpload {
    private final ChunkStore store;
    private final ChunkHasher hasher;
    private final List<ChunkRef> refs = new ArrayList<>();
    private long size;

    ChunkUpload(ChunkStore store, ChunkHasher hasher) {
        this.store = store;
        this.hasher = hasher;
    }

    /** Reads {@code in} to its end, storing chunks as they are cut. */
    public void consume(InputStream in) throws IOException {
        Chunker chunker = store.chunkers().take();
        try {
            size += chunker.split(in, (buf, off, len) -> refs.add(store.store(hasher.hash(buf, off, len), buf, off, len)));
        } finally {
            store.chunkers().give(chunker);
        }
    }

    /** The manifest so far: chunks in file order. */
    public List<ChunkRef> chunks() {
        return Collections.unmodifiableList(refs);
    }

    public long size() {
        return size;
    }
}
