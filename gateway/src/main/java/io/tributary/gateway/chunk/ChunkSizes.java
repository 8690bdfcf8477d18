package io.tributary.gateway.chunk;

import java.util.Locale;

/**
 * The bounds of content-defined chunking: no chunk is shorter than {@code min} (except the last
 * of a stream) or longer than {@code max}, and on random data they average close to {@code avg}.
 *
 * <p>{@code avg} must be a power of two because the chunker derives its boundary masks from
 * {@code log2(avg)}; {@code min} and {@code max} may be any values with
 * {@code 64 <= min < avg < max <= }{@link #LIMIT}. The lower bound is the chunker's hash window,
 * the upper one keeps the chunker's buffer of two maxima well inside an array.
 */
public record ChunkSizes(int min, int avg, int max) {
    /** The rolling hash looks at this many bytes; a chunk may not be shorter. */
    public static final int MIN_LIMIT = 64;
    /** The largest {@code max} accepted: 64 MiB. */
    public static final int LIMIT = 64 << 20;
    /** 16 KiB / 64 KiB / 256 KiB: large enough to keep the index small, small enough to dedupe edits. */
    public static final ChunkSizes DEFAULT = new ChunkSizes(16 << 10, 64 << 10, 256 << 10);

    public ChunkSizes {
        if (min < MIN_LIMIT) {
            throw new IllegalArgumentException("chunk min " + min + " is below " + MIN_LIMIT + " bytes");
        }
        if (!(min < avg && avg < max)) {
            throw new IllegalArgumentException(
                    "chunk sizes must satisfy min < avg < max, got " + min + "/" + avg + "/" + max);
        }
        if (max > LIMIT) {
            throw new IllegalArgumentException("chunk max " + max + " is above " + LIMIT + " bytes");
        }
        if (Integer.bitCount(avg) != 1) {
            throw new IllegalArgumentException("chunk avg " + avg + " is not a power of two");
        }
    }

    /**
     * Parses {@code "min/avg/max"}, each a byte count with an optional binary suffix {@code k} or
     * {@code m} (case-insensitive), e.g. {@code "16k/64k/256k"} or {@code "4096/16384/65536"}.
     */
    public static ChunkSizes parse(String text) {
        String[] parts = text.trim().split("/", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException(
                    "chunk sizes are min/avg/max, e.g. 16k/64k/256k; got \"" + text + "\"");
        }
        return new ChunkSizes(parseSize(parts[0], text), parseSize(parts[1], text), parseSize(parts[2], text));
    }

    private static int parseSize(String part, String whole) {
        String s = part.trim().toLowerCase(Locale.ROOT);
        int shift = 0;
        if (s.endsWith("k")) {
            shift = 10;
        } else if (s.endsWith("m")) {
            shift = 20;
        }
        String digits = shift == 0 ? s : s.substring(0, s.length() - 1);
        long value;
        try {
            value = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "\"" + part + "\" in chunk sizes \"" + whole + "\" is not a size like 4096, 16k or 1m", e);
        }
        // Reject before shifting so that a huge count cannot wrap around into a small one.
        if (value < 0 || value > (Integer.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("\"" + part + "\" in chunk sizes \"" + whole + "\" is out of range");
        }
        return (int) (value << shift);
    }
}
