package io.tributary.gateway.lanapi;

import com.google.protobuf.ByteString;

/**
 * The digests a Write call has asked its client for, in 8 KiB however long the call runs. A chunk
 * the call never asked for is refused; a second copy of one it did ask for (the client sends a
 * chunk once per file that lacked it while it was under way, and a file may fail meanwhile) is
 * dropped. A Bloom filter over the SHA-256 itself: it may take a digest never asked for as asked,
 * and then that chunk is dropped, which changes nothing; it never takes an asked one as unknown.
 */
final class AskedDigests {
    private static final int BITS = 1 << 16;
    private static final int HASHES = 3;

    private long[] bits;

    void add(ByteString sha256) {
        if (bits == null) {
            bits = new long[BITS / Long.SIZE];
        }
        for (int k = 0; k < HASHES; k++) {
            int i = index(sha256, k);
            bits[i >>> 6] |= 1L << i;
        }
    }

    boolean mightContain(ByteString sha256) {
        if (bits == null) {
            return false;
        }
        for (int k = 0; k < HASHES; k++) {
            int i = index(sha256, k);
            if ((bits[i >>> 6] & (1L << i)) == 0) {
                return false;
            }
        }
        return true;
    }

    /** Bits of the digest itself: SHA-256 output is uniform, so no further hashing is needed. */
    private static int index(ByteString sha256, int k) {
        int at = 4 * k;
        int v = 0;
        for (int j = 0; j < 4 && at + j < sha256.size(); j++) {
            v = (v << 8) | (sha256.byteAt(at + j) & 0xff);
        }
        return v & (BITS - 1);
    }
}
