package io.tributary.gateway.share;

import io.tributary.gateway.chunk.ChunkSizes;
import io.tributary.gateway.journal.Durability;
import io.tributary.gateway.keys.TenantKeys;
import io.tributary.gateway.observe.GatewayMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The namespace on real RocksDB and Chronicle Queue files in a temporary directory. */
class ShareNamespaceTest {
    private static final TenantKeys KEYS = new TenantKeys("t", new byte[32], new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
            11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});

    @TempDir
    Path dir;
    GatewayMetrics metrics;
    NamespaceStore store;
    ShareNamespace share;

    @BeforeEach
    void open() throws IOException {
        metrics = new GatewayMetrics();
        store = open(metrics);
        share = store.share("docs");
    }

    private NamespaceStore open(GatewayMetrics m) throws IOException {
        return NamespaceStore.open(new NamespaceStore.Paths(dir.resolve("index"), dir.resolve("ssd"), dir.resolve("journal")),
                List.of("docs", "other"), KEYS, ChunkSizes.DEFAULT, 1, Durability.OS, m, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    private static SharePath p(String path) {
        return SharePath.parse(path);
    }

    private byte[] read(ShareNamespace s, String path) throws IOException {
        try (InputStream in = s.read(p(path), 0, -1)) {
            return in.readAllBytes();
        }
    }

    @Test
    void writtenFileReadsBackAndListsWithItsSize() throws IOException {
        byte[] data = random(700_000, 1);
        share.mkdir(p("/a"));
        WriteResult w = share.write(p("/a/f.bin"), new ByteArrayInputStream(data), Long.MAX_VALUE);
        assertTrue(w.created());
        assertArrayEquals(data, read(share, "/a/f.bin"));
        List<Entry> list = share.list(p("/a"));
        assertEquals(1, list.size());
        assertEquals("f.bin", list.getFirst().name());
        assertEquals(data.length, list.getFirst().size());
        assertFalse(share.write(p("/a/f.bin"), new ByteArrayInputStream(new byte[3]), Long.MAX_VALUE).created());
        assertEquals(3, share.stat(p("/a/f.bin")).orElseThrow().size());
    }

    @Test
    void anOpenedFileReadsTheVersionItsEntryDescribesWhateverLandsMeanwhile() throws IOException {
        byte[] first = random(300_000, 21);
        share.write(p("/snap.bin"), new ByteArrayInputStream(first), Long.MAX_VALUE);
        try (ShareNamespace.OpenedFile opened = share.open(p("/snap.bin"))) {
            share.write(p("/snap.bin"), new ByteArrayInputStream(new byte[10]), Long.MAX_VALUE);
            share.delete(p("/snap.bin"));
            assertEquals(first.length, opened.entry().size());
            try (InputStream in = opened.stream(0, -1)) {
                assertArrayEquals(first, in.readAllBytes(), "the snapshot's chunks stayed pinned");
            }
            assertThrows(IllegalStateException.class, () -> opened.stream(0, -1), "read once");
        }
        assertThrows(ShareException.class, () -> share.open(p("/snap.bin")));
    }

    @Test
    void rangeReadsStartInsideAChunk() throws IOException {
        byte[] data = random(1_000_000, 2);
        share.write(p("/f"), new ByteArrayInputStream(data), Long.MAX_VALUE);
        try (InputStream in = share.read(p("/f"), 300_001, 200_000)) {
            byte[] part = in.readAllBytes();
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 300_001, 500_001), part);
        }
    }

    @Test
    void identicalContentIsStoredOnce() {
        byte[] data = random(2_000_000, 3);
        share.write(p("/one"), new ByteArrayInputStream(data), Long.MAX_VALUE);
        long stored = metrics.chunkStoredBytes.getCount();
        share.write(p("/two"), new ByteArrayInputStream(data), Long.MAX_VALUE);
        assertEquals(stored, metrics.chunkStoredBytes.getCount());
        assertEquals(2L * data.length, metrics.chunkLogicalBytes.getCount());
    }

    @Test
    void deletingTheLastReferenceReclaimsChunksButSharedOnesStay() throws IOException {
        byte[] data = random(1_000_000, 4);
        share.write(p("/one"), new ByteArrayInputStream(data), Long.MAX_VALUE);
        share.copy(p("/one"), p("/copy"), false, true);
        share.delete(p("/one"));
        assertEquals(0, metrics.chunksReclaimed.getCount());
        assertArrayEquals(data, read(share, "/copy"));
        share.delete(p("/copy"));
        assertTrue(metrics.chunksReclaimed.getCount() > 0);
        assertEquals(0, store.chunks().countIndexedChunks());
    }

    @Test
    void moveOfADirectoryCarriesItsTree() throws IOException {
        share.mkdir(p("/d"));
        share.mkdir(p("/d/e"));
        share.write(p("/d/e/f"), new ByteArrayInputStream("hello".getBytes()), Long.MAX_VALUE);
        share.patchProperties(p("/d/e/f"), Map.of("{urn:x}color", "<color xmlns=\"urn:x\">red</color>"), List.of());
        assertFalse(share.move(p("/d"), p("/moved"), false));
        assertTrue(share.stat(p("/d")).isEmpty());
        assertEquals("hello", new String(read(share, "/moved/e/f")));
        assertEquals(Map.of("{urn:x}color", "<color xmlns=\"urn:x\">red</color>"), share.deadProperties(p("/moved/e/f")));
    }

    @Test
    void refusalsChangeNothing() {
        share.write(p("/Report.txt"), new ByteArrayInputStream(new byte[1]), Long.MAX_VALUE);
        assertEquals(ShareException.Kind.NAME_COLLISION,
                assertThrows(ShareException.class, () -> share.write(p("/report.txt"), new ByteArrayInputStream(new byte[2]), Long.MAX_VALUE)).kind());
        assertEquals(ShareException.Kind.INVALID_NAME,
                assertThrows(ShareException.class, () -> share.mkdir(p("/CON"))).kind());
        assertEquals(ShareException.Kind.PARENT_MISSING,
                assertThrows(ShareException.class, () -> share.mkdir(p("/no/such"))).kind());
        assertEquals(ShareException.Kind.TOO_LARGE,
                assertThrows(ShareException.class, () -> share.write(p("/big"), new ByteArrayInputStream(new byte[5000]), 4096)).kind());
        assertEquals(ShareException.Kind.INTO_ITSELF,
                assertThrows(ShareException.class, () -> {
                    share.mkdir(p("/x"));
                    share.move(p("/x"), p("/x/y"), true);
                }).kind());
        assertEquals(ShareException.Kind.ALREADY_EXISTS,
                assertThrows(ShareException.class, () -> share.copy(p("/Report.txt"), p("/x"), false, true)).kind());
        assertEquals(List.of("Report.txt", "x"), share.list(SharePath.ROOT).stream().map(Entry::name).toList());
        assertTrue(share.stat(p("/big")).isEmpty());
    }

    @Test
    void readyWhileOpenNotAfterClose() throws IOException {
        assertTrue(store.ready());
        store.close();
        assertFalse(store.ready());
        store = open(new GatewayMetrics());
    }

    @Test
    void sharesAreSeparate() {
        share.write(p("/f"), new ByteArrayInputStream(new byte[1]), Long.MAX_VALUE);
        assertTrue(store.share("other").stat(p("/f")).isEmpty());
    }

    @Test
    void theJournalAloneRebuildsTheNamespace() throws IOException {
        byte[] data = random(900_000, 5);
        share.mkdir(p("/d"));
        share.write(p("/d/f"), new ByteArrayInputStream(data), Long.MAX_VALUE);
        share.copy(p("/d"), p("/e"), false, true);
        share.move(p("/d/f"), p("/d/g"), false);
        share.delete(p("/e"));
        store.close();
        // Lose the whole index: only the journal (and the payloads) remain.
        deleteTree(dir.resolve("index"));
        store = open(new GatewayMetrics());
        share = store.share("docs");
        assertArrayEquals(data, read(share, "/d/g"));
        assertTrue(share.stat(p("/d/f")).isEmpty());
        assertTrue(share.stat(p("/e")).isEmpty());
    }

    @Test
    void aRefusedUploadReleasesOnlyItsOwnPins() throws IOException {
        byte[] data = random(1_500_000, 6);
        share.write(p("/f"), new ByteArrayInputStream(data), Long.MAX_VALUE);
        share.write(p("/Coll"), new ByteArrayInputStream(new byte[1]), Long.MAX_VALUE);
        try (InputStream reading = share.read(p("/f"), 0, -1)) {
            // Same content, refused at commit: it dedupes against (and pins) the chunks being read.
            assertThrows(ShareException.class,
                    () -> share.write(p("/coll"), new ByteArrayInputStream(data), Long.MAX_VALUE));
            share.delete(p("/f"));
            assertArrayEquals(data, reading.readAllBytes(), "the open read keeps its chunks");
        }
        assertTrue(metrics.chunksReclaimed.getCount() > 0, "closing the read lets the chunks go");
    }

    @Test
    void aNamespaceAheadOfItsJournalStartsAndJournalsWhatComesNext() throws IOException {
        share.write(p("/before"), new ByteArrayInputStream("old".getBytes()), Long.MAX_VALUE);
        store.close();
        // What a power cut can leave: the index has changes the journal never got to disk.
        deleteTree(dir.resolve("journal"));
        store = open(new GatewayMetrics());
        share = store.share("docs");
        assertEquals("old", new String(read(share, "/before")), "the namespace keeps what it had");
        share.write(p("/after"), new ByteArrayInputStream("new".getBytes()), Long.MAX_VALUE);
        store.close();
        deleteTree(dir.resolve("index"));
        store = open(new GatewayMetrics());
        share = store.share("docs");
        assertEquals("new", new String(read(share, "/after")), "changes after the restart are in the journal");
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
