package io.tributary.gateway.delta;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The signature of some bytes cut into blocks of {@link #blockSize()} (the last one may be
 * shorter): per block a weak rolling sum ({@link #weakSum}) and the first {@link #STRONG_BYTES}
 * bytes of its SHA-256. Immutable; the wire form is the block size, the bytes' length and two
 * packed arrays.
 */
public final class BlockSignatures {
    public static final int STRONG_BYTES = 8;
    public static final int MIN_BLOCK = 256;
    public static final int MAX_BLOCK = 1 << 16;
    /** Signatures the receiver will describe at most: bounds what a sender must hold. */
    public static final int MAX_BLOCKS = 1 << 14;

    private final int blockSize;
    private final long length;
    private final int[] weak;
    private final byte[] strong;

    private BlockSignatures(int blockSize, long length, int[] weak, byte[] strong) {
        this.blockSize = blockSize;
        this.length = length;
        this.weak = weak;
        this.strong = strong;
    }

    /** Signs {@code data} in blocks of {@code blockSize}. */
    public static BlockSignatures of(byte[] data, int blockSize) {
        checkBlockSize(blockSize);
        int blocks = (int) ((data.length + (long) blockSize - 1) / blockSize);
        if (blocks > MAX_BLOCKS) {
            throw new IllegalArgumentException(blocks + " blocks, more than " + MAX_BLOCKS);
        }
        int[] weak = new int[blocks];
        byte[] strong = new byte[blocks * STRONG_BYTES];
        MessageDigest sha = sha256();
        for (int b = 0; b < blocks; b++) {
            int off = b * blockSize;
            int len = Math.min(blockSize, data.length - off);
            weak[b] = weakSum(data, off, len);
            sha.update(data, off, len);
            System.arraycopy(sha.digest(), 0, strong, b * STRONG_BYTES, STRONG_BYTES);
        }
        return new BlockSignatures(blockSize, data.length, weak, strong);
    }

    /**
     * Signatures as they came over the wire; refuses ones that do not add up.
     *
     * @param weak   four bytes per block, big-endian
     * @param strong {@link #STRONG_BYTES} per block
     */
    public static BlockSignatures fromWire(int blockSize, long length, byte[] weak, byte[] strong) {
        checkBlockSize(blockSize);
        if (length < 0 || weak.length % 4 != 0) {
            throw new IllegalArgumentException("malformed block signatures");
        }
        int blocks = weak.length / 4;
        if (blocks > MAX_BLOCKS || strong.length != blocks * STRONG_BYTES
                || blocks != (int) ((length + blockSize - 1) / blockSize)) {
            throw new IllegalArgumentException("block signatures for " + blocks + " blocks do not fit " + length + " bytes");
        }
        int[] w = new int[blocks];
        ByteBuffer.wrap(weak).asIntBuffer().get(w);
        return new BlockSignatures(blockSize, length, w, strong.clone());
    }

    private static void checkBlockSize(int blockSize) {
        if (blockSize < MIN_BLOCK || blockSize > MAX_BLOCK) {
            throw new IllegalArgumentException("a block is " + MIN_BLOCK + " to " + MAX_BLOCK + " bytes, not " + blockSize);
        }
    }

    public int blockSize() {
        return blockSize;
    }

    /** The length of the signed bytes. */
    public long length() {
        return length;
    }

    public int blocks() {
        return weak.length;
    }

    /** The length of block {@code b}: the block size, or less for the last. */
    public int blockLength(int b) {
        return (int) Math.min(blockSize, length - (long) b * blockSize);
    }

    int weak(int b) {
        return weak[b];
    }

    boolean strongEquals(int b, byte[] digest) {
        return Arrays.equals(strong, b * STRONG_BYTES, (b + 1) * STRONG_BYTES, digest, 0, STRONG_BYTES);
    }

    public byte[] weakBytes() {
        ByteBuffer out = ByteBuffer.allocate(weak.length * 4);
        out.asIntBuffer().put(weak);
        return out.array();
    }

    public byte[] strongBytes() {
        return strong.clone();
    }

    /** rsync's weak sum: two 16-bit sums packed in an int, cheap to roll by one byte. */
    static int weakSum(byte[] data, int off, int len) {
        int a = 0;
        int b = 0;
        for (int i = 0; i < len; i++) {
            a += data[off + i] & 0xff;
            b += (len - i) * (data[off + i] & 0xff);
        }
        return (a & 0xffff) | (b << 16);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
