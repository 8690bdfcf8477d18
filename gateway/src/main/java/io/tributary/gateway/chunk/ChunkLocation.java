package io.tributary.gateway.chunk;

import java.nio.ByteBuffer;

/** Where a sealed chunk sits in the segment store: segment number, record offset, sealed length. */
record ChunkLocation(int segment, long offset, int length) {
    static final int ENCODED = 4 + 8 + 4;

    /** Bytes the record takes in its segment, header included. */
    long recordBytes() {
        return SegmentStore.HEADER + (long) length;
    }

    byte[] encode() {
        return ByteBuffer.allocate(ENCODED).putInt(segment).putLong(offset).putInt(length).array();
    }

    static ChunkLocation decode(byte[] value) {
        ByteBuffer b = ByteBuffer.wrap(value);
        return new ChunkLocation(b.getInt(), b.getLong(), b.getInt());
    }
}
