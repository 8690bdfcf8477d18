package io.tributary.proto;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The identity of a chunk: HMAC-SHA-256 of its plaintext under the tenant's dedupe key.
 * Equal ids mean equal content within a tenant; outside it the id reveals nothing.
 */
public final class ChunkId implements Comparable<ChunkId> {
    public static final int LENGTH = 32;
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] bytes;
    private final int hash;

    private ChunkId(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    /** Wraps a copy of {@code bytes}, which must be exactly {@link #LENGTH} long. */
    public static ChunkId of(byte[] bytes) {
        return of(bytes, 0);
    }

    /** Reads {@link #LENGTH} bytes at {@code offset}. */
    public static ChunkId of(byte[] bytes, int offset) {
        if (bytes.length - offset < LENGTH) {
            throw new IllegalArgumentException("a chunk id is " + LENGTH + " bytes, got " + (bytes.length - offset));
        }
        return new ChunkId(Arrays.copyOfRange(bytes, offset, offset + LENGTH));
    }

    public static ChunkId fromHex(String hex) {
        if (hex.length() != LENGTH * 2) {
            throw new IllegalArgumentException("a chunk id is " + LENGTH * 2 + " hex digits");
        }
        return new ChunkId(HEX.parseHex(hex));
    }

    /** A copy of the 32 bytes. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** Copies the 32 bytes into {@code dst} at {@code offset}. */
    public void copyTo(byte[] dst, int offset) {
        System.arraycopy(bytes, 0, dst, offset, LENGTH);
    }

    public String hex() {
        return HEX.formatHex(bytes);
    }

    @Override
    public int compareTo(ChunkId o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChunkId other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return hex().substring(0, 12);
    }
}
