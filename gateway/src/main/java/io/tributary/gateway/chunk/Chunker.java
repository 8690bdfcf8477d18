package io.tributary.gateway.chunk;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * Splits a stream into content-defined chunks with FastCDC and level-2 normalized chunking.
 *
 * <p>A gear hash {@code fp = (fp << 1) + GEAR[b]} rolls over the bytes; since every step shifts
 * left, after 64 bytes {@code fp} depends only on the last 64 bytes. A boundary falls after a byte
 * where the top bits of {@code fp} selected by a mask are all zero. Bytes before {@code min} are
 * never tested. Between {@code min} and {@code avg} the mask has {@code log2(avg) + 2} bits, which
 * makes early cuts rare; from {@code avg} to {@code max} it has {@code log2(avg) - 2}, which makes
 * late cuts likely, so lengths cluster around {@code avg}. A chunk that reaches {@code max} is cut
 * there. With the default sizes random data averages about 73 KiB: the skipped {@code min} adds to
 * the mean a little more than the strict mask takes away.
 *
 * <p>The hash is primed over the 64 bytes before {@code min}, so whether a position is a boundary
 * depends only on the 64 bytes before it and its distance from the chunk start. An edit therefore
 * disturbs only the chunks around it: once cutting reaches a boundary of the unedited data again,
 * every later boundary coincides and the later chunks keep their ids.
 *
 * <p>The gear table is 256 pseudo-random 64-bit values taken from SHA-256 over a fixed label and a
 * counter, so every build and every gateway cuts identical data identically, which dedupe depends
 * on. Changing the table, the masks or the window changes every chunk id.
 *
 * <p>Instances are reusable but not thread-safe: each owns one read buffer of twice {@code max}.
 */
public final class Chunker {
    /** Bytes that influence the hash at a position; a 64-bit gear hash forgets older ones. */
    static final int WINDOW = 64;

    private static final long[] GEAR = gearTable("tributary gear table v1");

    private final ChunkSizes sizes;
    private final int min;
    private final int avg;
    private final int max;
    /** Tested from min to avg: more bits, harder to match. */
    private final long maskSmall;
    /** Tested from avg to max: fewer bits, easier to match. */
    private final long maskLarge;
    private final byte[] buffer;

    public Chunker(ChunkSizes sizes) {
        this.sizes = Objects.requireNonNull(sizes, "sizes");
        this.min = sizes.min();
        this.avg = sizes.avg();
        this.max = sizes.max();
        int bits = Integer.numberOfTrailingZeros(avg);
        this.maskSmall = topBits(bits + 2);
        this.maskLarge = topBits(bits - 2);
        this.buffer = new byte[2 * max];
    }

    public ChunkSizes sizes() {
        return sizes;
    }

    /**
     * Reads {@code in} to its end and hands each chunk to {@code sink} in order, as soon as its
     * boundary is known. At most two maxima of the stream are held at once. An empty stream yields
     * no chunks. The stream is not closed.
     *
     * @return the number of bytes read, which is the sum of the chunk lengths
     */
    public long split(InputStream in, ChunkSink sink) throws IOException {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(sink, "sink");
        byte[] buf = buffer;
        int start = 0;
        int end = 0;
        boolean eof = false;
        long total = 0;
        while (true) {
            if (!eof && end - start < max) {
                // Move the unconsumed tail to the front only when a full max no longer fits behind
                // it; with a buffer of two maxima that copies less than max per max consumed.
                if (buf.length - start < max) {
                    System.arraycopy(buf, start, buf, 0, end - start);
                    end -= start;
                    start = 0;
                }
                while (end - start < max) {
                    int n = in.read(buf, end, buf.length - end);
                    if (n < 0) {
                        eof = true;
                        break;
                    }
                    end += n;
                }
            }
            int available = end - start;
            if (available == 0) {
                return total;
            }
            int n = cut(buf, start, available);
            sink.chunk(buf, start, n);
            start += n;
            total += n;
        }
    }

    /**
     * Finds the end of the chunk that starts at {@code off}.
     *
     * @param len the bytes available at {@code off}; either at least {@code max}, or all that is
     *     left of the stream, in which case a chunk with no boundary ends at {@code len}
     * @return the chunk's length, in {@code [1, min(len, max)]} for {@code len > 0}, or 0 for 0
     */
    public int cut(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (len <= min) {
            return len;
        }
        int end = off + Math.min(len, max);
        int normal = off + Math.min(len, avg);
        long[] gear = GEAR;
        long fp = 0;
        int i = off + min - WINDOW;
        int primed = off + min;
        // Plain byte loops: C2 unrolls them and folds the shift and add into one lea, which beat
        // a hand-unrolled two-byte step by half when measured.
        for (; i < primed; i++) {
            fp = (fp << 1) + gear[buf[i] & 0xff];
        }
        long mask = maskSmall;
        for (; i < normal; i++) {
            fp = (fp << 1) + gear[buf[i] & 0xff];
            if ((fp & mask) == 0) {
                return i + 1 - off;
            }
        }
        mask = maskLarge;
        for (; i < end; i++) {
            fp = (fp << 1) + gear[buf[i] & 0xff];
            if ((fp & mask) == 0) {
                return i + 1 - off;
            }
        }
        return end - off;
    }

    /** The gear value of byte {@code b}, for tests that check the loop against the definition. */
    static long gear(int b) {
        return GEAR[b & 0xff];
    }

    /**
     * A mask of the {@code n} highest bits. Those bits have seen the most bytes: bit {@code k} of
     * the gear hash depends on the last {@code k + 1} of them.
     */
    private static long topBits(int n) {
        return -1L << (64 - n);
    }

    private static long[] gearTable(String label) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
        byte[] seed = label.getBytes(StandardCharsets.US_ASCII);
        long[] table = new long[256];
        for (int counter = 0; counter < table.length / 4; counter++) {
            sha.update(seed);
            sha.update(ByteBuffer.allocate(4).putInt(counter).array());
            ByteBuffer digest = ByteBuffer.wrap(sha.digest());
            for (int j = 0; j < 4; j++) {
                table[counter * 4 + j] = digest.getLong();
            }
        }
        return table;
    }
}
