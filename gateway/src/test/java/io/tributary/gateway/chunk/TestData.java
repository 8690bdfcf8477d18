package io.tributary.gateway.chunk;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Reproducible inputs: every call with the same seed yields the same bytes. */
final class TestData {
    private static final String[] WORDS = (
            "the of and to in is that for it as with was on be by this are or from at an which have not "
            + "file share gateway branch office chunk report invoice quarterly draft final budget meeting "
            + "customer order shipment warehouse account balance total amount date name address city")
            .split(" ");

    private TestData() {}

    static byte[] random(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Prose-like ASCII that zstd compresses a few times over. */
    static byte[] text(int length, long seed) {
        Random random = new Random(seed);
        StringBuilder sb = new StringBuilder(length + 16);
        while (sb.length() < length) {
            sb.append(WORDS[random.nextInt(WORDS.length)]);
            int r = random.nextInt(20);
            sb.append(r == 0 ? ".\n" : r == 1 ? ", " : " ");
        }
        return sb.substring(0, length).getBytes(StandardCharsets.US_ASCII);
    }
}
