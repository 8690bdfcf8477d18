package io.tributary.gateway.chunk;

import io.tributary.gateway.journal.ChunkRef;
import io.tributary.gateway.journal.GroupSync;
import io.tributary.gateway.observe.GatewayMetrics;
import io.tributary.proto.ChunkId;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.WriteOptions;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Deduplicated, sealed chunks. The index (chunk id to reference count) lives in the namespace's
 * RocksDB, so counts change in the same atomic batch as the manifests that hold them. The sealed
 * payloads live in append-only segment files on the SSD tier, and a small RocksDB beside them,
 * with its own log synced together with the segments, says where each chunk is.
 *
 * <p>Invariants: a chunk referenced by a committed manifest has a payload; a payload whose
 * count drops to zero is deleted unless an upload or read in flight has pinned it. Uploads pin
 * every chunk they dedupe against or write, so a concurrent delete cannot take a chunk from
 * under them. Reference counts change only inside {@link #applyReferences}, which the namespace
 * calls while it holds its write lock; that lock also orders {@link #unpin} and {@link #reclaim}.
 */
public final class ChunkStore implements AutoCloseable {
    private static final int INDEX_VALUE = 8 + 4;
    private static final System.Logger LOG = System.getLogger(ChunkStore.class.getName());
    private static final long COMPACTION_PERIOD_SECONDS = 30;
    /** A finished segment with at most this fraction still live is rewritten. */
    private static final double COMPACTION_MAX_LIVE = 0.5;

    private final RocksDB index;
    private final ColumnFamilyHandle chunks;
    private final SegmentStore segments;
    private final RocksDB locations;
    private final WriteOptions locationWrite = new WriteOptions();
    private final ChunkSealer sealer;
    private final byte[] dedupeKey;
    private final ChunkSizes sizes;
    private final GatewayMetrics metrics;
    private final GroupSync payloadSync;
    private final boolean syncPayloads;
    /** Most bytes the segments may take; 0 for no cap. */
    private final long capBytes;
    private final UnsentChunks unsent = new UnsentChunks();
    private final Chunkers chunkers;
    /** Segment to a tick of its last append or read: eviction takes the least recently used first. */
    private final Map<Integer, Long> lastUse = new ConcurrentHashMap<>();
    private final AtomicLong useTicks = new AtomicLong();
    private final AtomicLong peakBytes = new AtomicLong();
    /** Chunks of pinned folders: never evicted, whatever the cap. */
    private volatile java.util.function.Supplier<Set<ChunkId>> pinnedFolders = Set::of;
    /** Null on a stand-alone gateway: then every referenced chunk is stored here. */
    private volatile RemoteChunks remote;
    /** Chunk id to the number of uploads and reads in flight that hold it. */
    private final Map<ChunkId, Integer> pins = new ConcurrentHashMap<>();
    /** Payloads written by uploads still in flight (not yet in the index). */
    private final Set<ChunkId> unindexed = ConcurrentHashMap.newKeySet();
    /** Live record bytes per segment; compaction copies out of segments that are mostly dead. */
    private final Map<Integer, AtomicLong> live = new ConcurrentHashMap<>();
    /** Serializes moving a chunk (compaction) with deleting it (reclaim). */
    private final Object relocation = new Object();
    /** Syncs the locations' log while the caller syncs the segments. */
    private final ExecutorService locationsSync = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "chunk-locations-sync");
        t.setDaemon(true);
        return t;
    });
    private final ScheduledExecutorService compactor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "chunk-compactor");
        t.setDaemon(true);
        return t;
    });

    private ChunkStore(RocksDB index, ColumnFamilyHandle chunks, SegmentStore segments, RocksDB locations,
                       ChunkSealer sealer, byte[] dedupeKey, ChunkSizes sizes, boolean syncPayloads,
                       GatewayMetrics metrics, long capBytes) {
        this.capBytes = capBytes;
        this.index = index;
        this.chunks = chunks;
        this.segments = segments;
        this.locations = locations;
        this.sealer = sealer;
        this.dedupeKey = dedupeKey.clone();
        this.sizes = sizes;
        this.metrics = metrics;
        this.syncPayloads = syncPayloads;
        this.chunkers = new Chunkers(sizes, 8);
        this.payloadSync = new GroupSync(this::flushPayloads, n -> { });
    }

    /**
     * Opens the payload store under {@code ssdDir}; the index column family belongs to the
     * caller's RocksDB, and {@code memtables} is the memory budget the two databases share.
     */
    public static ChunkStore open(RocksDB index, ColumnFamilyHandle chunks, Path ssdDir, WriteBufferManager memtables,
                                  ChunkSealer sealer, byte[] dedupeKey, ChunkSizes sizes, boolean syncPayloads,
                                  GatewayMetrics metrics) throws IOException {
        return open(index, chunks, ssdDir, memtables, sealer, dedupeKey, sizes, syncPayloads, metrics, 0);
    }

    /** @param capBytes most bytes the payloads may take (0: no cap); only chunks central has are evicted */
    public static ChunkStore open(RocksDB index, ColumnFamilyHandle chunks, Path ssdDir, WriteBufferManager memtables,
                                  ChunkSealer sealer, byte[] dedupeKey, ChunkSizes sizes, boolean syncPayloads,
                                  GatewayMetrics metrics, long capBytes) throws IOException {
        // Eviction frees whole segments, so under a cap they must be a small part of it.
        long segmentBytes = capBytes > 0
                ? Math.clamp(capBytes / 16, 1L << 20, SegmentStore.MAX_SEGMENT_BYTES) : SegmentStore.MAX_SEGMENT_BYTES;
        return open(index, chunks, ssdDir, memtables, sealer, dedupeKey, sizes, syncPayloads, metrics,
                segmentBytes, capBytes);
    }

    static ChunkStore open(RocksDB index, ColumnFamilyHandle chunks, Path ssdDir, WriteBufferManager memtables,
                           ChunkSealer sealer, byte[] dedupeKey, ChunkSizes sizes, boolean syncPayloads,
                           GatewayMetrics metrics, long segmentBytes, long capBytes) throws IOException {
        Files.createDirectories(ssdDir);
        SegmentStore segments = SegmentStore.open(ssdDir.resolve("segments"), segmentBytes);
        try (Options options = new Options()) {
            options.setCreateIfMissing(true);
            options.setWriteBufferSize(4L << 20);
            options.setMaxWriteBufferNumber(2);
            options.setKeepLogFileNum(3);
            options.setWriteBufferManager(memtables);
            RocksDB locations = RocksDB.open(options, ssdDir.resolve("locations").toString());
            ChunkStore store = new ChunkStore(index, chunks, segments, locations, sealer, dedupeKey, sizes,
                    syncPayloads, metrics, capBytes);
            store.countLiveBytes();
            metrics.gauge("tributary_cache_bytes", store::cacheBytes);
            metrics.gauge("tributary_cache_peak_bytes", store.peakBytes::get);
            metrics.gauge("tributary_cache_cap_bytes", () -> capBytes);
            store.compactor.scheduleWithFixedDelay(store::compactInBackground, COMPACTION_PERIOD_SECONDS,
                    COMPACTION_PERIOD_SECONDS, TimeUnit.SECONDS);
            return store;
        } catch (RocksDBException e) {
            segments.close();
            throw new IOException("cannot open the chunk locations in " + ssdDir + ": " + e.getMessage(), e);
        }
    }

    private void countLiveBytes() {
        try (RocksIterator it = locations.newIterator()) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                ChunkLocation loc = ChunkLocation.decode(it.value());
                live.computeIfAbsent(loc.segment(), k -> new AtomicLong()).addAndGet(loc.recordBytes());
            }
        }
    }

    /** Starts an upload: it cuts, hashes, seals and stores one file's chunks as they stream in. */
    public ChunkUpload beginUpload() {
        return new ChunkUpload(this, new ChunkHasher(dedupeKey));
    }

    /** Chunkers for uploads to borrow: each holds a buffer of twice the largest chunk. */
    Chunkers chunkers() {
        return chunkers;
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
        if (!makeRoom(sealed.length)) {
            metrics.cacheFullRefusals.inc();
            throw new CacheFullException("the gateway's cache is at its cap of " + capBytes
                    + " bytes and all of it is data central does not have yet; try again once the upload to central catches up");
        }
        try {
            place(id, sealed);
        } catch (RocksDBException e) {
            throw new IOException("cannot store chunk " + id + ": " + e.getMessage(), e);
        }
        unindexed.add(id);
        metrics.chunksStored.inc();
        metrics.chunkStoredBytes.inc(len);
        metrics.chunkSealedBytes.inc(sealed.length);
        return new ChunkRef(id, len);
    }

    /** A hasher under this store's dedupe key: for ids of chunks that arrive already cut. */
    public ChunkHasher newHasher() {
        return new ChunkHasher(dedupeKey);
    }

    public ChunkSizes sizes() {
        return sizes;
    }

    /**
     * Pins {@code id} if a manifest may name it (stored here, or referenced here and so at
     * central); release with {@link #unpin}. False, and nothing pinned, if it is unknown.
     */
    public boolean pinIfKnown(ChunkId id) throws IOException {
        pins.merge(id, 1, Integer::sum);
        if (unindexed.contains(id) || indexed(id)) {
            return true;
        }
        pins.computeIfPresent(id, (k, n) -> n == 1 ? null : n - 1);
        return false;
    }

    /**
     * Stores a chunk cut elsewhere (a LAN client's), whose id the caller derived from the
     * plaintext; pinned like an upload's until {@link #unpin}.
     */
    public ChunkRef storeCut(ChunkId id, byte[] plain) throws IOException {
        return store(id, plain, 0, plain.length);
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

    /** False once a flush of payloads to disk has failed: no upload can become durable. */
    public boolean writable() {
        return !payloadSync.failed();
    }

    /**
     * Flushes the segments and the locations' log. They are separate files, so the two flushes
     * run at once and a commit waits for the slower of them, not for both in turn (measured:
     * 159 against 166 MB/s on the upload benchmark's tree with fsync).
     */
    private void flushPayloads() throws IOException {
        Future<?> wal = locationsSync.submit(() -> {
            locations.syncWal();
            return null;
        });
        IOException failure = null;
        try {
            segments.sync();
        } catch (IOException e) {
            failure = e;
        }
        try {
            wal.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = suppressing(failure, new IOException("interrupted while syncing chunk locations", e));
        } catch (ExecutionException e) {
            failure = suppressing(failure, new IOException("cannot sync chunk locations: " + e.getCause().getMessage(), e.getCause()));
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static IOException suppressing(IOException first, IOException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
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
     * chunks whose count reached zero, to pass to {@link #reclaim} once the change is durable.
     * The caller holds the namespace write lock.
     */
    public List<ChunkId> applyReferences(WriteBatch batch, List<ChunkRef> added, List<ChunkRef> removed)
            throws RocksDBException {
        Map<ChunkId, long[]> counts = new HashMap<>();
        for (ChunkRef ref : added) {
            long[] c = counts.computeIfAbsent(ref.id(), this::readCount);
            c[0]++;
            c[1] = ref.length();
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

    /**
     * Deletes the payloads of chunks whose count reached zero, unless an upload or read in flight
     * has pinned them or a later change referenced them again. Call it under the namespace write
     * lock, after the change that dropped the count is durable.
     */
    public void reclaim(List<ChunkId> zero) {
        for (ChunkId id : zero) {
            if (pins.containsKey(id)) {
                // Someone holds it: it is indexed again when that upload commits, or reclaimed by unpin.
                unindexed.add(id);
                continue;
            }
            try {
                if (!indexed(id)) {
                    deletePayload(id);
                }
            } catch (IOException e) {
                // An orphan payload costs space, not correctness; the next start sweeps it.
                LOG.log(System.Logger.Level.WARNING, "cannot check chunk " + id + " for reclaim: " + e.getMessage());
            }
        }
    }

    /**
     * Releases pins of an upload (after its commit or its failure) or of a read. Payloads that
     * ended up in no manifest are deleted. The caller holds the namespace write lock.
     */
    public void unpin(List<ChunkRef> refs) {
        List<ChunkId> released = new ArrayList<>();
        for (ChunkRef ref : refs) {
            ChunkId id = ref.id();
            Integer left = pins.computeIfPresent(id, (k, n) -> n == 1 ? null : n - 1);
            if (left == null && unindexed.remove(id)) {
                released.add(id);
            }
        }
        reclaim(released);
    }

    private void deletePayload(ChunkId id) {
        if (dropLocation(id)) {
            metrics.chunksReclaimed.inc();
        }
    }

    /** Forgets where a chunk is, so its bytes are dead; true if it was stored here. */
    private boolean dropLocation(ChunkId id) {
        synchronized (relocation) {
            try {
                byte[] value = locations.get(id.toBytes());
                if (value == null) {
                    return false;
                }
                locations.delete(locationWrite, id.toBytes());
                ChunkLocation loc = ChunkLocation.decode(value);
                AtomicLong bytes = live.get(loc.segment());
                if (bytes != null) {
                    bytes.addAndGet(-loc.recordBytes());
                }
                return true;
            } catch (RocksDBException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot drop chunk " + id + ": " + e.getMessage());
                return false;
            }
        }
    }

    /** Eviction keeps whatever {@code chunks} names (asked once per eviction round). */
    public void neverEvict(java.util.function.Supplier<Set<ChunkId>> chunks) {
        this.pinnedFolders = chunks;
    }

    /** From now on, chunks referenced here but not stored here are fetched from {@code remote}. */
    public void fetchMissingFrom(RemoteChunks remote) {
        this.remote = remote;
    }

    /**
     * The plaintext of a chunk, verified against its id. A chunk another branch wrote is fetched
     * from central the first time, verified, and kept.
     */
    public byte[] read(ChunkId id) throws IOException {
        return read(id, 0);
    }

    /** The deepest chain of deltas a read follows; central refuses deeper ones. */
    static final int MAX_DELTA_DEPTH = 4;
    static final int MAX_DELTA_BASES = 8;

    /** @param depth how many deltas deep this read is, resolving the bases of another */
    private byte[] read(ChunkId id, int depth) throws IOException {
        byte[] sealed = readSealedIfStored(id);
        if (sealed != null) {
            metrics.cacheHits.inc();
            return sealer.open(id, sealed);
        }
        RemoteChunks from = remote;
        if (from == null) {
            throw new IOException("chunk " + id + " is missing from the chunk store");
        }
        RemoteChunks.Fetched fetched = from.fetch(id);
        metrics.downstreamBytes.inc(fetched.sealed().length);
        byte[] plain;
        if (fetched.bases().isEmpty()) {
            // Opening checks the GCM tag and the id: a corrupt or substituted payload never reaches a client.
            plain = sealer.open(id, fetched.sealed());
            sealed = fetched.sealed();
        } else {
            if (depth >= MAX_DELTA_DEPTH || fetched.bases().size() > MAX_DELTA_BASES) {
                throw new ChunkCorruptException("chunk " + id + " is a delta on " + fetched.bases().size()
                        + " bases, " + (depth + 1) + " deep; at most " + MAX_DELTA_BASES + " bases and "
                        + MAX_DELTA_DEPTH + " deep are followed");
            }
            java.io.ByteArrayOutputStream dictionary = new java.io.ByteArrayOutputStream();
            for (ChunkId base : fetched.bases()) {
                dictionary.write(read(base, depth + 1));
            }
            // The bases are authenticated with the delta, so what this yields is the chunk sealed upstream.
            plain = sealer.openDelta(id, fetched.sealed(), fetched.bases(), dictionary.toByteArray());
            sealed = sealer.seal(id, plain, 0, plain.length);
            metrics.deltasApplied.inc();
        }
        metrics.cacheFills.inc();
        metrics.cacheFillBytes.inc(sealed.length);
        keepFetched(id, sealed);
        return plain;
    }

    /** The plaintext of a chunk if it is stored here; null if not, without asking central. */
    public byte[] readIfStored(ChunkId id) throws IOException {
        byte[] sealed = readSealedIfStored(id);
        return sealed == null ? null : sealer.open(id, sealed);
    }

    /**
     * Chunk {@code id} sealed as a delta against {@code bases}, for sending upstream; null if it
     * or one of the bases is not stored here, or if the delta would not be shorter than
     * {@code wholeLength}, the chunk sealed whole.
     */
    public byte[] sealedDelta(ChunkId id, List<ChunkId> bases, int wholeLength) throws IOException {
        byte[] plain = readIfStored(id);
        if (plain == null || bases.isEmpty() || bases.size() > MAX_DELTA_BASES) {
            return null;
        }
        java.io.ByteArrayOutputStream dictionary = new java.io.ByteArrayOutputStream();
        for (ChunkId base : bases) {
            byte[] b = readIfStored(base);
            if (b == null) {
                return null;
            }
            dictionary.write(b);
        }
        byte[] delta = sealer.sealDelta(id, plain, bases, dictionary.toByteArray());
        return delta.length < wholeLength ? delta : null;
    }

    /** The sealed payload as stored here, for sending upstream; null if it is not stored here. */
    public byte[] readSealedIfStored(ChunkId id) throws IOException {
        // A compaction may move the chunk between the lookup and the read: then look again.
        for (int attempt = 0; ; attempt++) {
            byte[] value;
            try {
                value = locations.get(id.toBytes());
            } catch (RocksDBException e) {
                throw new IOException("cannot look up chunk " + id + ": " + e.getMessage(), e);
            }
            if (value == null) {
                return null;
            }
            try {
                ChunkLocation loc = ChunkLocation.decode(value);
                byte[] sealed = segments.read(id, loc);
                used(loc);
                return sealed;
            } catch (ClosedChannelException e) {
                if (attempt >= 3) {
                    throw new IOException("chunk " + id + " kept moving while being read", e);
                }
            }
        }
    }

    private void keepFetched(ChunkId id, byte[] sealed) throws IOException {
        synchronized (relocation) {
            try {
                if (locations.get(id.toBytes()) != null || !indexed(id) || !makeRoom(sealed.length)) {
                    return; // kept by another reader, needed by no file any more, or no room: serve it uncached
                }
                place(id, sealed);
            } catch (RocksDBException e) {
                throw new IOException("cannot keep fetched chunk " + id + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Deletes payloads that no manifest references, such as those of uploads cut off by a crash.
     * Runs after recovery, before the front-ends start; returns how many it deleted.
     */
    public long sweepUnreferenced() throws IOException {
        return sweepUnreferenced(Set.of());
    }

    /** As {@link #sweepUnreferenced()}, but keeps {@code held}: chunks the uplink may still send. */
    public long sweepUnreferenced(Set<ChunkId> held) throws IOException {
        List<ChunkId> orphans = new ArrayList<>();
        try (RocksIterator it = locations.newIterator()) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                ChunkId id = ChunkId.of(it.key());
                if (!pins.containsKey(id) && !held.contains(id) && !indexed(id)) {
                    orphans.add(id);
                }
            }
        }
        orphans.forEach(this::deletePayload);
        return orphans.size();
    }

    /**
     * Copies the live chunks out of finished segments whose live fraction is at most
     * {@code maxLiveFraction}, then deletes those segments. Safe beside uploads, reads and
     * reclaims; returns the bytes given back to the file system.
     */
    public long compact(double maxLiveFraction) throws IOException {
        long freed = 0;
        for (int segment : segments.segments()) {
            if (!segments.finished(segment)) {
                continue;
            }
            long size = segments.size(segment);
            AtomicLong liveBytes = live.get(segment);
            long liveNow = liveBytes == null ? 0 : liveBytes.get();
            if (size > 0 && liveNow > maxLiveFraction * size) {
                continue;
            }
            if (liveNow > 0) {
                // The locations say which records are live; the file itself may have holes after a crash.
                for (Map.Entry<ChunkId, ChunkLocation> e : locatedIn(segment).entrySet()) {
                    relocate(e.getKey(), e.getValue());
                }
                // The new copies and their locations must be on disk before the old copies go.
                flushPayloads();
            }
            segments.delete(segment);
            live.remove(segment);
            freed += size;
        }
        return freed;
    }

    private void compactInBackground() {
        try {
            long freed = compact(COMPACTION_MAX_LIVE);
            if (freed > 0) {
                LOG.log(System.Logger.Level.INFO, "compaction gave back " + freed + " bytes of chunk segments");
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "chunk compaction failed; will try again: " + e.getMessage());
        }
    }

    private Map<ChunkId, ChunkLocation> locatedIn(int segment) {
        Map<ChunkId, ChunkLocation> out = new HashMap<>();
        try (RocksIterator it = locations.newIterator()) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                ChunkLocation loc = ChunkLocation.decode(it.value());
                if (loc.segment() == segment) {
                    out.put(ChunkId.of(it.key()), loc);
                }
            }
        }
        return out;
    }

    private void relocate(ChunkId id, ChunkLocation from) {
        synchronized (relocation) {
            try {
                byte[] value = locations.get(id.toBytes());
                if (value == null || !ChunkLocation.decode(value).equals(from)) {
                    return; // dead, or a newer copy exists elsewhere
                }
                place(id, segments.read(id, from));
                live.computeIfAbsent(from.segment(), k -> new AtomicLong()).addAndGet(-from.recordBytes());
            } catch (IOException | RocksDBException e) {
                throw new IllegalStateException("cannot move chunk " + id + " out of segment " + from.segment()
                        + ": " + e.getMessage(), e);
            }
        }
    }

    /** Chunks central may not have yet; the cache keeps them whatever the cap. */
    public UnsentChunks unsent() {
        return unsent;
    }

    /** Appends a sealed chunk to the newest segment and records where it now is. */
    private void place(ChunkId id, byte[] sealed) throws IOException, RocksDBException {
        ChunkLocation loc = segments.append(id, sealed);
        used(loc);
        try {
            locations.put(locationWrite, id.toBytes(), loc.encode());
            live.computeIfAbsent(loc.segment(), k -> new AtomicLong()).addAndGet(loc.recordBytes());
        } finally {
            segments.settled(loc);
        }
    }

    private void used(ChunkLocation loc) {
        lastUse.put(loc.segment(), useTicks.incrementAndGet());
    }

    /** The cap on {@link #cacheBytes()}; 0 for none. */
    public long capBytes() {
        return capBytes;
    }

    /** Bytes the payload segments take. */
    public long cacheBytes() {
        try {
            long bytes = segmentBytes();
            peakBytes.accumulateAndGet(bytes, Math::max);
            return bytes;
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * Makes room for {@code bytes} more under the cap: past the high watermark (90 %) evicts chunks
     * central has, least recently used segments first, down to the low watermark (80 %). False if
     * that cannot make room: what is left is not safe at central yet.
     */
    private boolean makeRoom(long bytes) throws IOException {
        if (capBytes <= 0) {
            return true;
        }
        long now = cacheBytes();
        if (now + bytes <= capBytes * 9 / 10) {
            return true;
        }
        synchronized (relocation) {
            evictDownTo(capBytes * 8 / 10 - bytes);
            long after = cacheBytes();
            return after + bytes <= capBytes;
        }
    }

    private void evictDownTo(long target) throws IOException {
        Set<ChunkId> pinnedHere = pinnedFolders.get();
        while (segmentBytes() > target) {
            List<Integer> candidates = new ArrayList<>();
            for (int segment : segments.segments()) {
                if (segments.finished(segment)) {
                    candidates.add(segment);
                }
            }
            candidates.sort(java.util.Comparator.comparingLong(s -> lastUse.getOrDefault(s, 0L)));
            boolean freed = false;
            for (int segment : candidates) {
                Map<ChunkId, ChunkLocation> located = locatedIn(segment);
                Set<ChunkId> evictable = new java.util.HashSet<>();
                for (ChunkId id : located.keySet()) {
                    if (!unsent.contains(id) && !pins.containsKey(id) && !unindexed.contains(id)
                            && !pinnedHere.contains(id)) {
                        evictable.add(id);
                    }
                }
                if (evictable.isEmpty() && !located.isEmpty()) {
                    continue;
                }
                long evictedBytes = 0;
                for (Map.Entry<ChunkId, ChunkLocation> e : located.entrySet()) {
                    if (evictable.contains(e.getKey())) {
                        evictedBytes += e.getValue().recordBytes();
                        dropLocation(e.getKey());
                    } else {
                        relocate(e.getKey(), e.getValue());
                    }
                }
                flushPayloads();
                segments.delete(segment);
                live.remove(segment);
                lastUse.remove(segment);
                metrics.cacheEvictions.inc(evictable.size());
                metrics.cacheEvictedBytes.inc(evictedBytes);
                freed = true;
                break;
            }
            if (!freed) {
                return;
            }
        }
    }

    /** Number of chunks with a reference; scans the index, so for tests and tools, not hot paths. */
    public long countIndexedChunks() {
        long n = 0;
        try (RocksIterator it = index.newIterator(chunks)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                n++;
            }
        }
        return n;
    }

    /** Bytes the segment files take on disk. */
    public long segmentBytes() throws IOException {
        long total = 0;
        for (int segment : segments.segments()) {
            total += segments.size(segment);
        }
        return total;
    }

    @Override
    public void close() {
        // No interrupt: let a compaction in progress finish its copy.
        compactor.shutdown();
        locationsSync.shutdown();
        try {
            compactor.awaitTermination(10, TimeUnit.SECONDS);
            locationsSync.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            segments.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the segments failed: " + e.getMessage());
        }
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            locations.flush(flush);
        } catch (RocksDBException e) {
            LOG.log(System.Logger.Level.WARNING, "flush of chunk locations on close failed: " + e.getMessage());
        }
        locations.close();
        locationWrite.close();
    }
}
