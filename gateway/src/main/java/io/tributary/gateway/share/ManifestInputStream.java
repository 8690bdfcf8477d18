package io.tributary.gateway.share;

import io.tributary.gateway.chunk.ChunkStore;
import io.tributary.gateway.journal.ChunkRef;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** A file's bytes, read chunk by chunk from the store; holds one plaintext chunk at a time. */
final class ManifestInputStream extends InputStream {
    private final ChunkStore store;
    private final List<ChunkRef> chunks;
    private final Runnable onClose;
    private int next;          // index of the next chunk to load
    private byte[] current = new byte[0];
    private int pos;
    private int skipInFirst;   // where the range starts inside the first chunk loaded
    private long remaining;
    private boolean closed;

    ManifestInputStream(ChunkStore store, List<ChunkRef> chunks, long offset, long length, Runnable onClose) {
        this.store = store;
        this.chunks = chunks;
        this.onClose = onClose;
        long total = 0;
        for (ChunkRef c : chunks) {
            total += c.length();
        }
        long start = Math.min(Math.max(0, offset), total);
        this.remaining = length < 0 ? total - start : Math.min(length, total - start);
        // Skip whole chunks before the offset without reading them.
        long skipped = 0;
        while (next < chunks.size() && skipped + chunks.get(next).length() <= start) {
            skipped += chunks.get(next).length();
            next++;
        }
        this.skipInFirst = (int) (start - skipped);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (remaining <= 0) {
            return -1;
        }
        if (pos >= current.length) {
            if (next >= chunks.size()) {
                return -1;
            }
            current = store.read(chunks.get(next++).id());
            pos = skipInFirst;
            skipInFirst = 0;
        }
        int n = (int) Math.min(Math.min(len, current.length - pos), remaining);
        System.arraycopy(current, pos, b, off, n);
        pos += n;
        remaining -= n;
        return n;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            onClose.run();
        }
    }
}
