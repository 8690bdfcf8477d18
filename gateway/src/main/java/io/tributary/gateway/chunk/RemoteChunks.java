package io.tributary.gateway.chunk;

import io.tributary.proto.ChunkId;

import java.io.IOException;
import java.util.List;

/** Where chunks that are referenced here but not stored here come from: central. */
@FunctionalInterface
public interface RemoteChunks {
    /** A chunk as central holds it: sealed whole, or a delta against {@code bases}. */
    record Fetched(byte[] sealed, List<ChunkId> bases) {
        public Fetched {
            bases = List.copyOf(bases);
        }
    }

    /** The payload of {@code id}, exactly as the gateway that stored it sealed it. */
    Fetched fetch(ChunkId id) throws IOException;
}
