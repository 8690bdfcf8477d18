package io.tributary.gateway.chunk;

import io.tributary.gateway.journal.ChunkRef;
import io.tributary.gateway.observe.GatewayMetrics;
import io.tributary.proto.ChunkId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.WriteOptions;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chunk store on real RocksDB and segment files, with segments small enough to roll often. */
class ChunkStoreTest {
    private static final long SEGMENT = 1 << 20;

    @TempDir
    Path dir;
    RocksDB index;
    ColumnFamilyHandle chunks;
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    LRUCache cache;
    WriteBufferManager memtables;
    ChunkStore store;
    GatewayMetrics metrics = new GatewayMetrics();

    @BeforeEach
    void open() throws Exception {
        RocksDB.loadLibrary();
        cache = new LRUCache(8 << 20);
        memtables = new WriteBufferManager(8 << 20, cache);
        index = RocksDB.open(new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true),
                dir.resolve("index").toString(),
                List.of(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY),
                        new ColumnFamilyDescriptor("chunks".getBytes(StandardCharsets.US_ASCII))), handles);
        chunks = handles.get(1);
        store = openStore();
    }

    private ChunkStore openStore() throws IOException {
        return ChunkStore.open(index, chunks, dir.resolve("ssd"), memtables, new ChunkSealer(new byte[32], 1),
                new byte[32], new ChunkSizes(4096, 16384, 65536), true, metrics, SEGMENT, 0);
    }

    @AfterEach
    void close() {
        store.close();
        handles.forEach(ColumnFamilyHandle::close);
        index.close();
        memtables.close();
        cache.close();
    }

    /** Stores a file's chunks and commits their references, as the namespace does. */
    private List<ChunkRef> put(byte[] data) throws Exception {
        ChunkUpload upload = store.beginUpload();
        upload.consume(new ByteArrayInputStream(data));
        store.syncPayloads();
        try (WriteBatch batch = new WriteBatch(); WriteOptions wo = new WriteOptions()) {
            store.applyReferences(batch, upload.chunks(), List.of());
            index.write(wo, batch);
        }
        store.unpin(upload.chunks());
        return List.copyOf(upload.chunks());
    }

    private void drop(List<ChunkRef> refs) throws Exception {
        try (WriteBatch batch = new WriteBatch(); WriteOptions wo = new WriteOptions()) {
            List<ChunkId> zero = store.applyReferences(batch, List.of(), refs);
            index.write(wo, batch);
            store.reclaim(zero);
        }
    }

    private byte[] read(List<ChunkRef> refs) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (ChunkRef ref : refs) {
            out.write(store.read(ref.id()));
        }
        return out.toByteArray();
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    /** Like {@link #put}, but a refusal for lack of room gives the upload's chunks back and returns null. */
    private List<ChunkRef> putUnlessFull(byte[] data) throws Exception {
        ChunkUpload upload = store.beginUpload();
        try {
            upload.consume(new ByteArrayInputStream(data));
        } catch (CacheFullException e) {
            store.unpin(upload.chunks());
            return null;
        }
        store.syncPayloads();
        try (WriteBatch batch = new WriteBatch(); WriteOptions wo = new WriteOptions()) {
            store.applyReferences(batch, upload.chunks(), List.of());
            index.write(wo, batch);
        }
        store.unpin(upload.chunks());
        return List.copyOf(upload.chunks());
    }

    @Test
    void underACapOnlyChunksCentralHasAreEvictedAndOtherwiseWritesAreRefused() throws Exception {
        store.close();
        long cap = 4 << 20;
        store = ChunkStore.open(index, chunks, dir.resolve("ssd-capped"), memtables, new ChunkSealer(new byte[32], 1),
                new byte[32], new ChunkSizes(4096, 16384, 65536), true, metrics, 256 << 10, cap);
        List<List<ChunkRef>> kept = new ArrayList<>();
        long journalIndex = 0;
        boolean refused = false;
        for (int i = 0; i < 20 && !refused; i++) {
            List<ChunkRef> refs = putUnlessFull(random(500_000, 100 + i));
            if (refs == null) {
                refused = true;
            } else {
                store.unsent().add(++journalIndex, refs);
                kept.add(refs);
            }
        }
        assertTrue(refused, "a cap full of data central lacks refuses more");
        assertTrue(store.cacheBytes() <= cap, store.cacheBytes() + " bytes under a cap of " + cap);
        assertEquals(0, metrics.cacheEvictions.getCount(), "nothing central lacks was evicted");
        for (List<ChunkRef> refs : kept) {
            assertEquals(500_000, read(refs).length);
        }

        store.unsent().acknowledged(journalIndex);
        for (int i = 0; i < 10; i++) {
            assertTrue(putUnlessFull(random(500_000, 200 + i)) != null, "room is made by evicting what central has");
        }
        assertTrue(metrics.cacheEvictions.getCount() > 0);
        assertTrue(store.cacheBytes() <= cap, store.cacheBytes() + " bytes under a cap of " + cap);
        assertEquals(null, store.readSealedIfStored(kept.getFirst().getFirst().id()), "the least recently used went first");
    }

    @Test
    void compactionGivesSpaceBackAndKeepsLiveChunksReadable() throws Exception {
        List<List<ChunkRef>> files = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            byte[] data = random(700_000, i);
            contents.add(data);
            files.add(put(data));
        }
        long before = store.segmentBytes();
        // Keep every fourth file; the segments they share become mostly dead.
        for (int i = 0; i < files.size(); i++) {
            if (i % 4 != 0) {
                drop(files.get(i));
            }
        }
        long freed = store.compact(0.5);
        assertTrue(freed > 0, "nothing was compacted");
        assertTrue(store.segmentBytes() < before / 2, store.segmentBytes() + " of " + before + " bytes left");
        for (int i = 0; i < files.size(); i += 4) {
            assertArrayEquals(contents.get(i), read(files.get(i)), "file " + i + " after compaction");
        }
        IOException gone = assertThrows(IOException.class, () -> read(files.get(1)));
        assertTrue(gone.getMessage().contains("missing"), gone.getMessage());
    }

    @Test
    void aChunkPinnedByAnUploadSurvivesTheDeleteOfItsLastFile() throws Exception {
        byte[] data = random(200_000, 99);
        List<ChunkRef> first = put(data);
        ChunkUpload second = store.beginUpload();
        second.consume(new ByteArrayInputStream(data));   // dedupes against the first and pins
        assertEquals(first.size(), metrics.chunksDeduplicated.getCount());
        drop(first);
        assertEquals(0, metrics.chunksReclaimed.getCount());
        try (WriteBatch batch = new WriteBatch(); WriteOptions wo = new WriteOptions()) {
            store.applyReferences(batch, second.chunks(), List.of());
            index.write(wo, batch);
        }
        store.unpin(second.chunks());
        assertArrayEquals(data, read(second.chunks()));
    }

    @Test
    void payloadsNoManifestReferencesAreSweptAfterARestart() throws Exception {
        ChunkUpload cutOff = store.beginUpload();
        cutOff.consume(new ByteArrayInputStream(random(300_000, 5)));
        // The process dies before the commit: no references, pins gone with it.
        store.close();
        store = openStore();
        assertEquals(cutOff.chunks().size(), store.sweepUnreferenced());
        assertEquals(0, store.sweepUnreferenced());
    }
}
