package io.tributary.gateway.it;

import java.io.InputStream;
import java.util.SplittableRandom;

/**
 * A stream of {@code length} pseudo-random bytes that depends only on the seed, never held in
 * memory or on disk: the same seed and length always give the same bytes, whatever the read
 * sizes, so a test can re-derive the content (and its hash) of anything it sent.
 */
public final class PseudoRandomStream extends InputStream {
    private static final int BLOCK = 64 * 1024;

    private final SplittableRandom random;
    private final long length;
    private final byte[] block = new byte[BLOCK];
    private int blockPos = BLOCK;
    private long position;

    public PseudoRandomStream(long seed, long length) {
        if (length < 0) {
            throw new IllegalArgumentException("negative length " + length);
        }
        this.random = new SplittableRandom(seed);
        this.length = length;
    }

    /** A seed derived from a text, e.g. a file name and its version. */
    public static long seedOf(String text) {
        long h = 0x9E3779B97F4A7C15L;
        for (byte b : text.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            h = (h ^ b) * 0x100000001B3L;
            h ^= h >>> 29;
        }
        return h;
    }

    public long length() {
        return length;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        long remaining = length - position;
        if (remaining <= 0) {
            return -1;
        }
        int n = (int) Math.min(len, remaining);
        int done = 0;
        while (done < n) {
            if (blockPos == BLOCK) {
                refill();
            }
            int take = Math.min(n - done, BLOCK - blockPos);
            System.arraycopy(block, blockPos, b, off + done, take);
            blockPos += take;
            done += take;
        }
        position += n;
        return n;
    }

    @Override
    public long skip(long n) {
        long skipped = 0;
        byte[] sink = new byte[BLOCK];
        while (skipped < n) {
            int r = read(sink, 0, (int) Math.min(sink.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, length - position);
    }

    private void refill() {
        for (int i = 0; i < BLOCK; i += 8) {
            long v = random.nextLong();
            block[i] = (byte) v;
            block[i + 1] = (byte) (v >>> 8);
            block[i + 2] = (byte) (v >>> 16);
            block[i + 3] = (byte) (v >>> 24);
            block[i + 4] = (byte) (v >>> 32);
            block[i + 5] = (byte) (v >>> 40);
            block[i + 6] = (byte) (v >>> 48);
            block[i + 7] = (byte) (v >>> 56);
        }
        blockPos = 0;
    }
}
