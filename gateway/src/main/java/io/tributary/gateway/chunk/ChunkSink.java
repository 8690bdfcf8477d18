package io.tributary.gateway.chunk;

import java.io.IOException;

/** Receives the chunks of a stream in order, from {@link Chunker#split}. */
@FunctionalInterface
public interface ChunkSink {
    /**
     * Takes the chunk {@code buf[off, off + len)}. The bytes belong to the chunker's buffer and are
     * overwritten after this returns, so use or copy them before then.
     */
    void chunk(byte[] buf, int off, int len) throws IOException;
}
