package io.tributary.gateway.chunk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.proto.ChunkId;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChunkerTest {
    private static final ChunkSizes SIZES = ChunkSizes.DEFAULT;
    private static final int EIGHT_MIB = 8 << 20;
    private static final byte[] KEY = new byte[ChunkHasher.KEY_LENGTH];

    @Test
    void insertionAtTheStartKeepsAllButTheFirstChunks() throws IOException {
        byte[] original = TestData.random(EIGHT_MIB, 1);
        byte[] edited = new byte[original.length + 100];
        System.arraycopy(TestData.random(100, 2), 0, edited, 0, 100);
        System.arraycopy(original, 0, edited, 100, original.length);

        List<ChunkId> before = ids(split(original));
        List<ChunkId> after = ids(split(edited));

        assertTrue(before.size() > 50, "8 MiB should make many chunks, made " + before.size());
        assertNotEquals(before.getFirst(), after.getFirst(), "the first chunk holds the insertion");
        int k = 1;
        while (k <= 2 && !before.contains(after.get(k))) {
            k++;
        }
        assertTrue(k <= 2, "chunking must fall back into step within the first two chunks");
        int j = before.indexOf(after.get(k));
        assertEquals(before.subList(j, before.size()), after.subList(k, after.size()),
                "once in step, every later chunk keeps its id");
    }

    @Test
    void chunksAreWithinBoundsExceptTheLast() throws IOException {
        List<byte[]> chunks = split(TestData.random(EIGHT_MIB, 3));
        for (int i = 0; i < chunks.size() - 1; i++) {
            int len = chunks.get(i).length;
            assertTrue(len >= SIZES.min() && len <= SIZES.max(), "chunk " + i + " has " + len + " bytes");
        }
        int last = chunks.getLast().length;
        assertTrue(last >= 1 && last <= SIZES.max(), "last chunk has " + last + " bytes");
    }

    @Test
    void chunksConcatenateToTheInput() throws IOException {
        byte[] input = mixed(EIGHT_MIB + 12345, 4);
        ByteArrayOutputStream joined = new ByteArrayOutputStream(input.length);
        long total = new Chunker(SIZES).split(new ByteArrayInputStream(input), (buf, off, len) -> joined.write(buf, off, len));
        assertEquals(input.length, total);
        assertArrayEquals(input, joined.toByteArray());
    }

    @Test
    void splittingIsDeterministicAcrossInstancesAndReuse() throws IOException {
        byte[] input = mixed(EIGHT_MIB, 5);
        Chunker reused = new Chunker(SIZES);
        List<Integer> first = lengths(split(reused, input));
        List<Integer> again = lengths(split(reused, input));
        List<Integer> fresh = lengths(split(new Chunker(SIZES), input));
        assertEquals(first, again);
        assertEquals(first, fresh);
    }

    @Test
    void averageIsNearTheTargetOnRandomData() throws IOException {
        byte[] input = TestData.random(32 << 20, 6);
        List<byte[]> chunks = split(input);
        double mean = (double) input.length / chunks.size();
        // Normalized chunking with a min skip lands a little above avg; a wide band still catches
        // a wrong mask, which moves the mean by a factor of two or more.
        assertTrue(mean > 0.8 * SIZES.avg() && mean < 1.4 * SIZES.avg(),
                "mean chunk size " + (int) mean + " for avg " + SIZES.avg());
    }

    @Test
    void tricklingStreamGivesTheSameChunksAsAWholeBuffer() throws IOException {
        byte[] input = mixed(EIGHT_MIB, 7);
        List<Integer> whole = new ArrayList<>();
        Chunker chunker = new Chunker(SIZES);
        for (int off = 0; off < input.length; ) {
            int n = chunker.cut(input, off, input.length - off);
            whole.add(n);
            off += n;
        }
        List<byte[]> trickled = new ArrayList<>();
        new Chunker(SIZES).split(new TricklingStream(input, 8), (buf, off, len) -> trickled.add(Arrays.copyOfRange(buf, off, off + len)));
        assertEquals(whole, lengths(trickled));
        assertEquals(ids(split(input)), ids(trickled));
    }

    @Test
    void emptyInputYieldsNoChunks() throws IOException {
        List<byte[]> chunks = split(new byte[0]);
        assertEquals(List.of(), chunks);
        assertEquals(0, new Chunker(SIZES).cut(new byte[10], 10, 0));
    }

    @Test
    void inputShorterThanMinIsOneChunk() throws IOException {
        List<byte[]> chunks = split(TestData.random(SIZES.min() - 1, 9));
        assertEquals(List.of(SIZES.min() - 1), lengths(chunks));
    }

    @Test
    void dataWithoutBoundariesIsCutAtMax() throws IOException {
        // Constant bytes give a constant hash, which matches no mask: every cut is forced at max.
        List<byte[]> chunks = split(new byte[3 * SIZES.max() + 7]);
        assertEquals(List.of(SIZES.max(), SIZES.max(), SIZES.max(), 7), lengths(chunks));
    }

    @Test
    void cutHonoursTheOffsetAndEndsAtTheEndOfAStream() {
        byte[] input = TestData.random(3 * SIZES.max(), 10);
        Chunker chunker = new Chunker(SIZES);
        int first = chunker.cut(input, 0, input.length);
        byte[] shifted = new byte[input.length + 5];
        System.arraycopy(input, 0, shifted, 5, input.length);
        assertEquals(first, chunker.cut(shifted, 5, input.length));
        // With no boundary before the end of the stream, the chunk is whatever is left.
        assertEquals(first - 1, chunker.cut(input, 0, first - 1));
    }

    @Test
    void cutsWhereTheDefinitionSays() {
        // Small sizes make many boundaries in both regions and at max, so every exit of the
        // unrolled loops is taken.
        for (ChunkSizes sizes : List.of(SIZES, new ChunkSizes(64, 256, 1024), new ChunkSizes(100, 512, 700))) {
            Chunker chunker = new Chunker(sizes);
            byte[] input = mixed(4 << 20, 11);
            for (int off = 0; off < input.length; ) {
                int expected = definitionCut(sizes, input, off, input.length - off);
                assertEquals(expected, chunker.cut(input, off, input.length - off), "chunk at " + off + " with " + sizes);
                off += expected;
            }
        }
    }

    /** FastCDC with normalization level 2, one byte at a time, as the class documentation states it. */
    private static int definitionCut(ChunkSizes sizes, byte[] buf, int off, int len) {
        if (len <= sizes.min()) {
            return len;
        }
        int bits = Integer.numberOfTrailingZeros(sizes.avg());
        long small = -1L << (64 - (bits + 2));
        long large = -1L << (64 - (bits - 2));
        int n = Math.min(len, sizes.max());
        long fp = 0;
        for (int i = sizes.min() - Chunker.WINDOW; i < n; i++) {
            fp = (fp << 1) + Chunker.gear(buf[off + i]);
            if (i >= sizes.min() && (fp & (i < sizes.avg() ? small : large)) == 0) {
                return i + 1;
            }
        }
        return n;
    }

    private static byte[] mixed(int length, long seed) {
        byte[] out = new byte[length];
        byte[] random = TestData.random(length, seed);
        byte[] text = TestData.text(length, seed);
        Random pick = new Random(seed);
        for (int off = 0; off < length; off += 1 << 20) {
            int n = Math.min(1 << 20, length - off);
            System.arraycopy(pick.nextBoolean() ? random : text, off, out, off, n);
        }
        return out;
    }

    private static List<byte[]> split(byte[] input) throws IOException {
        return split(new Chunker(SIZES), input);
    }

    private static List<byte[]> split(Chunker chunker, byte[] input) throws IOException {
        List<byte[]> chunks = new ArrayList<>();
        chunker.split(new ByteArrayInputStream(input), (buf, off, len) -> chunks.add(Arrays.copyOfRange(buf, off, off + len)));
        return chunks;
    }

    private static List<ChunkId> ids(List<byte[]> chunks) {
        ChunkHasher hasher = new ChunkHasher(KEY);
        return chunks.stream().map(c -> hasher.hash(c, 0, c.length)).toList();
    }

    private static List<Integer> lengths(List<byte[]> chunks) {
        return chunks.stream().map(c -> c.length).toList();
    }

    /** Returns between 1 and {@code maxRead - 1} bytes per read, as a slow network does. */
    private static final class TricklingStream extends InputStream {
        private final byte[] data;
        private final Random random = new Random(42);
        private final int maxRead;
        private int pos;

        TricklingStream(byte[] data, int maxRead) {
            this.data = data;
            this.maxRead = maxRead;
        }

        @Override
        public int read() {
            return pos < data.length ? data[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos == data.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, 1 + random.nextInt(maxRead - 1)), data.length - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
