package io.tributary.gateway.chunk;

import io.tributary.gateway.journal.ChunkRef;
import io.tributary.gateway.journal.GroupSync;
import io.tributary.gateway.observe.GatewayMetrics;
import io.tributary.proto.ChunkId;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.CompressionType;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.WriteOptions;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Deduplicated, sealed chunks: the index (chunk id to reference count) lives in the namespace's
 * RocksDB so that reference counts change in the same atomic batch as the manifests that hold
 * them; the sealed payloads live in their own RocksDB on the SSD tier, written as blob files.
 *
 * <p>Invariants: a chunk referenced by a committed manifest has a payload; a payload whose
 * count drops to zero is deleted unless an upload in flight has pinned it. Uploads pin every
 * chunk they dedupe against or write, so a concurrent delete cannot take a chunk from under them.
 * Reference counts change only inside {@link #applyReferences}, which the namespace calls while it
 * holds its write lock; that lock also orders {@link #unpin}.
 */
public final class ChunkStore implements AutoCloseable {
    private static final int INDEX_VALUE = 8 + 4;

    private final RocksDB index;
    private final ColumnFamilyHandle chunks;
    private final RocksDB payloads;
    private final WriteOptions payloadWrite = new WriteOptions();
    private final ChunkSealer sealer;
    private final byte[] dedupeKey;
    private final ChunkSizes sizes;
    private final GatewayMetrics metrics;
    private final GroupSync payloadSync;
    private final boolean syncPayloads;
    /** Chunk id to the number of uploads in flight that hold it. */
    private final Map<ChunkId, Integer> pins = new ConcurrentHashMap<>();
    /** Payloads written by uploads still in flight (not yet in the index). */
    private final Set<ChunkId> unindexed = ConcurrentHashMap.newKeySet();

    private ChunkStore(RocksDB index, ColumnFamilyHandle chunks, RocksDB payloads, ChunkSealer sealer, byte[] dedupeKey,
                       ChunkSizes sizes, boolean syncPayloads, GatewayMetrics metrics) {
        this.index = index;
        this.chunks = chunks;
        this.payloads = payloads;
        this.sealer = sealer;
        this.dedupeKey = dedupeKey.clone();
        this.sizes = sizes;
        this.metrics = metrics;
        this.syncPayloads = syncPayloads;
        this.payloadSync = new GroupSync(this::flushPayloads, n -> { });
    }

    /**
     * Opens the payload store under {@code ssdDir}; the index column family belongs to the caller's
     * RocksDB.
     */
    public static ChunkStore open(RocksDB index, ColumnFamilyHandle chunks, Path ssdDir, WriteBufferManager memtables,
                                  ChunkSealer sealer, byte[] dedupeKey, ChunkSizes sizes, boolean syncPayloads,
                                  GatewayMetrics metrics) throws IOException {
        Files.createDirectories(ssdDir);
        try (Options options = new Options()) {
            options.setCreateIfMissing(true);
            // Sealed payloads are encrypted, so RocksDB's own compression would only cost CPU.
            options.setCompressionType(CompressionType.NO_COMPRESSION);
            options.setEnableBlobFiles(true);
            options.setMinBlobSize(0);
            options.setBlobCompressionType(CompressionType.NO_COMPRESSION);
            options.setEnableBlobGarbageCollection(true);
            options.setWriteBufferSize(16L << 20);
            options.setMaxWriteBufferNumber(2);
            options.setWriteBufferManager(memtables);
            options.setKeepLogFileNum(3);
            RocksDB payloads = RocksDB.open(options, ssdDir.toString());
            return new ChunkStore(index, chunks, payloads, sealer, dedupeKey, sizes, syncPayloads, metrics);
        } catch (RocksDBException e) {
            throw new IOException("cannot open the chunk payload store in " + ssdDir + ": " + e.getMessage(), e);
        }
    }

    /** Starts an upload: it cuts, hashes, seals and stores one file's chunks as they stream in. */
    public ChunkUpload beginUpload() {
        return new ChunkUpload(this, new Chunker(sizes), new ChunkHasher(dedupeKey));
    }

    /** Stores one chunk unless it is already there; the chunk stays pinned until {@link #unpin}. */
    ChunkRef store(ChunkId id, byte[] buf, int off, int len) throws IOException {
        pins.merge(id, 1, Integer::sum);
        metrics.chunkLogicalBytes.inc(len);
        if (unindexed.contains(id) || indexed(id)) {
            metrics.chunksDeduplicated.inc();
            return new ChunkRef(id, len);
        }
        byte[] sealed = sealer.seal(id, buf, off, len);
        try {
            payloads.put(payloadWrite, id.toBytes(), sealed);
        } catch (RocksDBException e) {
            throw new IOException("cannot store chunk " + id + ": " + e.getMessage(), e);
        }
        unindexed.add(id);
        metrics.chunksStored.inc();
        metrics.chunkStoredBytes.inc(len);
        metrics.chunkSealedBytes.inc(sealed.length);
        return new ChunkRef(id, len);
    }

    /** Pins chunks a reader is about to read; release them with {@link #unpin}. */
    public void pin(List<ChunkRef> refs) {
        for (ChunkRef ref : refs) {
            pins.merge(ref.id(), 1, Integer::sum);
        }
    }

    /** Makes every payload stored before this call durable (one fsync shared by concurrent callers). */
    public void syncPayloads() {
        if (syncPayloads) {
            payloadSync.sync();
        }
    }

    private void flushPayloads() throws IOException {
        try {
            payloads.syncWal();
        } catch (RocksDBException e) {
            throw new IOException("cannot sync chunk payloads: " + e.getMessage(), e);
        }
    }

    private boolean indexed(ChunkId id) throws IOException {
        try {
            return index.get(chunks, id.toBytes()) != null;
        } catch (RocksDBException e) {
            throw new IOException("cannot read the chunk index: " + e.getMessage(), e);
        }
    }

    /**
     * Adds and removes references in {@code batch} (the namespace's atomic change); returns the
     * chunks whose count reached zero, to pass to {@link #reclaim} once the batch is written.
     * The caller holds the namespace write lock.
     */
    public List<ChunkId> applyReferences(WriteBatch batch, List<ChunkRef> added, List<ChunkRef> removed)
            throws RocksDBException {
        Map<ChunkId, long[]> counts = new HashMap<>();
        for (ChunkRef ref : added) {
            counts.computeIfAbsent(ref.id(), this::readCount)[0]++;
            counts.get(ref.id())[1] = ref.length();
        }
        for (ChunkRef ref : removed) {
            long[] c = counts.computeIfAbsent(ref.id(), this::readCount);
            c[0]--;
            c[1] = ref.length();
        }
        List<ChunkId> zero = new ArrayList<>();
        for (Map.Entry<ChunkId, long[]> e : counts.entrySet()) {
            long count = e.getValue()[0];
            byte[] key = e.getKey().toBytes();
            if (count <= 0) {
                batch.delete(chunks, key);
                zero.add(e.getKey());
            } else {
                batch.put(chunks, key, ByteBuffer.allocate(INDEX_VALUE).putLong(count).putInt((int) e.getValue()[1]).array());
            }
        }
        return zero;
    }

    private long[] readCount(ChunkId id) {
        try {
            byte[] v = index.get(chunks, id.toBytes());
            return new long[]{v == null ? 0 : ByteBuffer.wrap(v).getLong(), 0};
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot read the chunk index: " + e.getMessage(), e);
        }
    }

    /** Deletes payloads whose count reached zero, except those pinned by an upload in flight. */
    public void reclaim(List<ChunkId> zero) {
        for (ChunkId id : zero) {
            if (pins.containsKey(id)) {
                // An upload holds it; it is indexed again when that upload commits, or reclaimed by unpin.
                unindexed.add(id);
                continue;
            }
            deletePayload(id);
        }
    }

    /**
     * Releases an upload's pins (after its commit or its failure). Payloads that ended up in no
     * manifest are deleted. The caller holds the namespace write lock.
     */
    public void unpin(List<ChunkRef> refs) {
        for (ChunkRef ref : refs) {
            ChunkId id = ref.id();
            Integer left = pins.computeIfPresent(id, (k, n) -> n == 1 ? null : n - 1);
            if (left == null && unindexed.remove(id)) {
                try {
                    if (!indexed(id)) {
                        deletePayload(id);
                    }
                } catch (IOException e) {
                    // Leaving an orphan payload costs space, not correctness.
                    System.getLogger(ChunkStore.class.getName()).log(System.Logger.Level.WARNING,
                            "cannot check chunk " + id + " for reclaim: " + e.getMessage());
                }
            }
        }
    }

    private void deletePayload(ChunkId id) {
        try {
            payloads.delete(payloadWrite, id.toBytes());
            metrics.chunksReclaimed.inc();
        } catch (RocksDBException e) {
            System.getLogger(ChunkStore.class.getName()).log(System.Logger.Level.WARNING,
                    "cannot reclaim chunk " + id + ": " + e.getMessage());
        }
    }

    /** The plaintext of a chunk, verified against its id. */
    public byte[] read(ChunkId id) throws IOException {
        byte[] sealed;
        try {
            sealed = payloads.get(id.toBytes());
        } catch (RocksDBException e) {
            throw new IOException("cannot read chunk " + id + ": " + e.getMessage(), e);
        }
        if (sealed == null) {
            throw new IOException("chunk " + id + " is missing from the chunk store");
        }
        return sealer.open(id, sealed);
    }

    /** Number of chunks with a reference; scans the index, so for tests and tools, not hot paths. */
    public long countIndexedChunks() {
        long n = 0;
        try (org.rocksdb.RocksIterator it = index.newIterator(chunks)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                n++;
            }
        }
        return n;
    }

    @Override
    public void close() {
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            payloads.flush(flush);
        } catch (RocksDBException e) {
            System.getLogger(ChunkStore.class.getName()).log(System.Logger.Level.WARNING,
                    "flush of chunk payloads on close failed: " + e.getMessage());
        }
        payloads.close();
        payloadWrite.close();
    }
}
