package io.tributary.gateway.journal;

import io.tributary.proto.ChunkId;

/** One entry of a file manifest: a chunk and its plaintext length. */
public record ChunkRef(ChunkId id, int length) {
}
