package io.tributary.gateway.chunk;

import io.tributary.proto.ChunkId;

import java.io.IOException;

/** Where chunks that are referenced here but not stored here come from: central. */
@FunctionalInterface
public interface RemoteChunks {
    /** The sealed payload of {@code id}, exactly as the gateway that stored it sealed it. */
    byte[] fetchSealed(ChunkId id) throws IOException;
}
