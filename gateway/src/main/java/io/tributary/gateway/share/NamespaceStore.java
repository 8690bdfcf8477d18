package io.tributary.gateway.share;

import io.tributary.gateway.chunk.ChunkSealer;
import io.tributary.gateway.chunk.ChunkSizes;
import io.tributary.gateway.chunk.ChunkStore;
import io.tributary.gateway.journal.Change;
import io.tributary.gateway.journal.ChunkRef;
import io.tributary.gateway.journal.Durability;
import io.tributary.gateway.journal.Journal;
import io.tributary.gateway.journal.ManifestEdit;
import io.tributary.gateway.journal.Version;
import io.tributary.gateway.keys.TenantKeys;
import io.tributary.gateway.observe.GatewayMetrics;
import io.tributary.proto.ChunkId;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.WriteBatch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongFunction;

/**
 * The gateway's namespace storage: the RocksDB, the journal and the chunk store, opened together,
 * with the one write path they share. A change is validated and turned into a batch, journaled,
 * applied with its journal index, and acknowledged once the journal is durable. On open, changes
 * the database has not applied are replayed from the journal.
 */
public final class NamespaceStore implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NamespaceStore.class.getName());
    /** Share roots get ids in their own range so they never meet ids of journaled nodes. */
    private static final long FIRST_ROOT_ID = 1L << 62;
    private static final long BLOCK_CACHE_BYTES = 16L << 20;
    private static final long MEMTABLE_BYTES = 32L << 20;

    /** Where the parts live. The index and the payloads may sit on different devices. */
    public record Paths(Path index, Path payloads, Path journal) {
    }

    /**
     * How the store takes part in a fleet.
     *
     * @param gatewayId     names the file versions this gateway writes
     * @param holdReclaims  keep chunks a change dropped until {@link #acknowledged} says central
     *                      has the change: the uplink may still need to send them
     * @param cacheCapBytes most bytes the chunk payloads may take (0: no cap); only chunks central
     *                      has are evicted, and writes are refused rather than overrun the cap
     */
    public record Options(String gatewayId, boolean holdReclaims, long cacheCapBytes) {
        /** A gateway on its own: nothing upstream waits for its chunks. */
        public static final Options STANDALONE = new Options("local", false, 0);

        public Options {
            if (cacheCapBytes < 0) {
                throw new IllegalArgumentException("the cache cap must not be negative");
            }
        }
    }

    private final NamespaceDb db;
    private final Journal journal;
    private final ChunkStore chunks;
    private final ChangeApplier applier;
    private final Map<String, Long> roots;
    private final Map<String, ShareNamespace> shares = new LinkedHashMap<>();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Clock clock;
    private final LRUCache cache;
    private final WriteBufferManager memtables;
    private final Options options;
    private long nextNodeId;
    /** Journal index up to which central has every change of this gateway. */
    private volatile long acknowledged = -1;
    private volatile boolean closed;

    private NamespaceStore(NamespaceDb db, Journal journal, ChunkStore chunks, Map<String, Long> roots, Clock clock,
                           LRUCache cache, WriteBufferManager memtables, Options options) {
        this.options = options;
        this.cache = cache;
        this.memtables = memtables;
        this.db = db;
        this.journal = journal;
        this.chunks = chunks;
        this.roots = roots;
        this.clock = clock;
        this.applier = new ChangeApplier(db, roots);
    }

    public static NamespaceStore open(Paths paths, Collection<String> shareNames, TenantKeys keys, ChunkSizes sizes,
                                      int zstdLevel, Durability durability, GatewayMetrics metrics, Clock clock)
            throws IOException {
        return open(paths, shareNames, keys, sizes, zstdLevel, durability, metrics, clock, Options.STANDALONE);
    }

    public static NamespaceStore open(Paths paths, Collection<String> shareNames, TenantKeys keys, ChunkSizes sizes,
                                      int zstdLevel, Durability durability, GatewayMetrics metrics, Clock clock,
                                      Options options) throws IOException {
        RocksDB.loadLibrary();
        // One memory budget for both databases, so the gateway's footprint does not grow with load.
        LRUCache cache = new LRUCache(BLOCK_CACHE_BYTES);
        WriteBufferManager memtables = new WriteBufferManager(MEMTABLE_BYTES, cache);
        NamespaceDb db = NamespaceDb.open(paths.index(), cache, memtables);
        Journal journal = null;
        ChunkStore chunks = null;
        try {
            journal = Journal.open(paths.journal(), durability, metrics);
            chunks = ChunkStore.open(db.db, db.chunks, paths.payloads(), memtables,
                    new ChunkSealer(keys.dataKey(), zstdLevel), keys.dedupeKey(), sizes, durability == Durability.FSYNC,
                    metrics, options.cacheCapBytes());
            Map<String, Long> roots = new LinkedHashMap<>();
            NamespaceStore store = new NamespaceStore(db, journal, chunks, roots, clock, cache, memtables, options);
            store.recover(shareNames);
            store.rememberUnsent();
            java.util.Set<ChunkId> held = new java.util.HashSet<>();
            db.pendingReclaims(Long.MAX_VALUE).values().forEach(held::addAll);
            long orphans = chunks.sweepUnreferenced(held);
            if (orphans > 0) {
                LOG.log(System.Logger.Level.INFO, "deleted " + orphans + " chunk payloads no file refers to (uploads cut off by a stop)");
            }
            return store;
        } catch (RocksDBException e) {
            closeQuietly(chunks, journal, db, memtables, cache);
            throw new IOException("cannot recover the namespace: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            closeQuietly(chunks, journal, db, memtables, cache);
            throw e;
        }
    }

    private void recover(Collection<String> shareNames) throws RocksDBException {
        for (String name : shareNames) {
            byte[] v = db.db.get(db.meta, rootKey(name));
            if (v != null) {
                roots.put(name, ByteBuffer.wrap(v).getLong());
            }
        }
        // Roots first: their ids come from their own range, and journaled changes name paths, not ids.
        long nextRoot = db.getLong(NamespaceDb.NEXT_ROOT, FIRST_ROOT_ID);
        for (String name : shareNames) {
            if (!roots.containsKey(name)) {
                long id = nextRoot++;
                long now = clock.millis();
                Node root = new Node(id, 0, true, 0, now, now, 1, "");
                try (WriteBatch batch = new WriteBatch()) {
                    batch.put(db.nodes, NamespaceDb.id(id), root.encode());
                    batch.put(db.meta, rootKey(name), NamespaceDb.id(id));
                    batch.put(db.meta, NamespaceDb.NEXT_ROOT, NamespaceDb.id(nextRoot));
                    db.db.write(db.synced, batch);
                }
                roots.put(name, id);
            }
        }
        nextNodeId = db.getLong(NamespaceDb.NEXT_NODE, 1);
        long applied = db.getLong(NamespaceDb.APPLIED, -1);
        long last = journal.lastIndex();
        if (applied > last) {
            // Only after a power cut: RocksDB flushed changes whose journal entries never reached
            // the disk. Nobody was told they succeeded; keep them, and let new entries count from
            // the journal's real end so a later replay cannot skip them.
            LOG.log(System.Logger.Level.WARNING, "the namespace has changes the journal lost (applied "
                    + Long.toHexString(applied) + ", journal " + (last < 0 ? "empty" : "ends at " + Long.toHexString(last))
                    + "); they were never acknowledged and stay as they are");
            try (WriteBatch batch = new WriteBatch()) {
                batch.put(db.meta, NamespaceDb.APPLIED, NamespaceDb.id(last));
                db.db.write(db.synced, batch);
            }
            applied = last;
        }
        long replayed = journal.replay(applied, (index, change) -> {
            try {
                applyAt(index, change);
            } catch (ShareException e) {
                // Only a bug or a share removed from the configuration gets here; keep going.
                LOG.log(System.Logger.Level.WARNING, "journal entry " + Long.toHexString(index) + " not applied on replay: " + e.getMessage());
                try (WriteBatch batch = new WriteBatch()) {
                    batch.put(db.meta, NamespaceDb.APPLIED, NamespaceDb.id(index));
                    db.write(batch);
                } catch (RocksDBException re) {
                    throw new IllegalStateException(re);
                }
            } catch (RocksDBException e) {
                throw new IllegalStateException("replay failed at journal entry " + Long.toHexString(index), e);
            }
        });
        if (replayed > 0) {
            LOG.log(System.Logger.Level.INFO, "replayed " + replayed + " journal entries the namespace had not applied");
        }
        for (String name : shareNames) {
            shares.put(name, new ShareNamespace(name, this));
        }
    }

    private static byte[] rootKey(String share) {
        return ("root/" + share).getBytes(StandardCharsets.UTF_8);
    }

    /** The namespace of one share. */
    public ShareNamespace share(String name) {
        ShareNamespace share = shares.get(name);
        if (share == null) {
            throw new ShareException(ShareException.Kind.NOT_FOUND, "no share named '" + name + "'");
        }
        return share;
    }

    public Collection<ShareNamespace> shares() {
        return shares.values();
    }

    public ChunkStore chunks() {
        return chunks;
    }

    public Journal journal() {
        return journal;
    }

    Clock clock() {
        return clock;
    }

    /** What a committed change left at its target. */
    record Committed(Node target, boolean replaced) {
    }

    /**
     * The write path. {@code build} turns the first free node id into the change; it runs under the
     * write lock, so ids and validation see every earlier change. {@code pinned} are the upload's
     * chunk pins; the commit releases them whatever happens. Returns after the journal entry is
     * durable.
     */
    Committed commit(LongFunction<Change> build, List<ChunkRef> pinned) {
        return commit(build, pinned, true);
    }

    /**
     * @param durable wait for the journal to reach the disk; changes from central need not, as
     *                central sends again whatever a crash loses
     */
    private Committed commit(LongFunction<? extends Change> build, List<ChunkRef> pinned, boolean durable) {
        Staged staged = stage(build, pinned);
        settle(durable, staged.reclaim());
        return staged.committed();
    }

    /** The outcome of one write of {@link #commitAll}: what it committed, or why it was refused. */
    record Outcome(Committed committed, RuntimeException refusal) {
    }

    /**
     * Several writes with one wait for the disk: each is applied in turn as {@link #commit} would,
     * and each one refused leaves the others be; the journal is synced once, after the last. Every
     * write's pins are released whatever happens. Returns once all accepted writes are durable.
     */
    List<Outcome> commitAll(List<LongFunction<Change>> builds, List<List<ChunkRef>> pinned) {
        List<Outcome> out = new ArrayList<>(builds.size());
        List<ChunkId> reclaim = new ArrayList<>();
        for (int i = 0; i < builds.size(); i++) {
            try {
                Staged staged = stage(builds.get(i), pinned.get(i));
                reclaim.addAll(staged.reclaim());
                out.add(new Outcome(staged.committed(), null));
            } catch (RuntimeException e) {
                out.add(new Outcome(null, e));
            }
        }
        settle(true, reclaim);
        return out;
    }

    private record Staged(Committed committed, List<ChunkId> reclaim) {
    }

    /** Applies and journals one change, not yet waiting for the disk. */
    private Staged stage(LongFunction<? extends Change> build, List<ChunkRef> pinned) {
        lock.writeLock().lock();
        try {
            try (WriteBatch batch = new WriteBatch()) {
                Change change = build.apply(nextNodeId);
                ChangeApplier.Effects fx = applier.apply(change, batch);   // throws if the change is refused
                if (change instanceof Change.PutFile p && fx.replaced) {
                    // The batch is not written yet: the database still holds the version being replaced.
                    Version base = db.version(fx.target.id()).orElse(null);
                    // Only the uplink uses an edit: a gateway on its own need not read the old manifest.
                    ManifestEdit edit = base == null || !options.holdReclaims() ? null
                            : ManifestEdit.between(db.manifest(fx.target.id()), p.chunks());
                    change = p.withBase(base, edit);
                }
                long index = journal.append(change);
                List<ChunkId> zero = finish(index, batch, fx, change);
                db.write(batch);
                return new Staged(new Committed(fx.target, fx.replaced), zero);
            } finally {
                chunks.unpin(pinned);
            }
        } catch (RocksDBException e) {
            throw new IllegalStateException("namespace write failed: " + e.getMessage(), e);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Waits for the journal if asked, then reclaims chunks the staged changes dropped. */
    private void settle(boolean durable, List<ChunkId> zero) {
        if (durable) {
            journal.sync();
        }
        if (!zero.isEmpty()) {
            // Only now is the change that dropped these chunks durable; before, a power cut could
            // bring back a file whose chunks were already gone.
            lock.writeLock().lock();
            try {
                chunks.reclaim(zero);
            } finally {
                lock.writeLock().unlock();
            }
        }
    }

    private void applyAt(long index, Change change) throws RocksDBException {
        try (WriteBatch batch = new WriteBatch()) {
            ChangeApplier.Effects fx = applier.apply(change, batch);
            List<ChunkId> zero = finish(index, batch, fx, change);
            db.write(batch);
            chunks.reclaim(zero);
        }
    }

    /** Adds what every change records beside its own effects; returns chunks to reclaim now. */
    private List<ChunkId> finish(long index, WriteBatch batch, ChangeApplier.Effects fx, Change change)
            throws RocksDBException {
        if (fx.highestNodeId >= nextNodeId) {
            nextNodeId = fx.highestNodeId + 1;
            batch.put(db.meta, NamespaceDb.NEXT_NODE, NamespaceDb.id(nextNodeId));
        }
        batch.put(db.meta, NamespaceDb.APPLIED, NamespaceDb.id(index));
        Version version = change instanceof Change.Remote r ? r.version() : new Version(options.gatewayId(), index);
        if (version != null) {
            byte[] encoded = NamespaceDb.encodeVersion(version);
            for (long node : fx.newContent) {
                batch.put(db.versions, NamespaceDb.id(node), encoded);
            }
        }
        if (change instanceof Change.Remote r) {
            batch.put(db.meta, NamespaceDb.revisionKey(r.share()), NamespaceDb.id(r.revision()));
        }
        if (options.holdReclaims() && change instanceof Change.PutFile p) {
            chunks.unsent().add(index, p.chunks());
        }
        List<ChunkId> zero = chunks.applyReferences(batch, fx.added, fx.removed);
        if (options.holdReclaims() && !zero.isEmpty() && !(change instanceof Change.Remote)) {
            // The uplink may still have to send these chunks for an earlier, unsent change.
            batch.put(db.meta, NamespaceDb.reclaimKey(index), NamespaceDb.encodeIds(zero));
            return List.of();
        }
        return zero;
    }

    /**
     * Central has every change of this gateway up to journal index {@code index}: chunks those
     * changes dropped may go, and files written up to there are safe at central.
     */
    public void acknowledged(long index) {
        if (index <= acknowledged) {
            return;
        }
        acknowledged = index;
        chunks.unsent().acknowledged(index);
        lock.writeLock().lock();
        try (WriteBatch batch = new WriteBatch()) {
            if (closed) {
                return;
            }
            // Without the WAL a crash may lose this; an older value only keeps more chunks in the cache.
            batch.put(db.meta, NamespaceDb.ACKNOWLEDGED, NamespaceDb.id(index));
            for (Map.Entry<Long, List<ChunkId>> e : db.pendingReclaims(index).entrySet()) {
                chunks.reclaim(e.getValue());
                batch.delete(db.meta, NamespaceDb.reclaimKey(e.getKey()));
            }
            db.write(batch);
        } catch (RocksDBException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot clear reclaimed chunks; they are retried: " + e.getMessage());
        } finally {
            lock.writeLock().unlock();
        }
        trimJournal(index);
    }

    /**
     * Drops journal files central has all of, once a minute at most. Only up to what the
     * namespace has applied, so a restart still replays whatever it has not.
     */
    private void trimJournal(long acknowledgedIndex) {
        long now = System.nanoTime();
        if (now < nextTrimNanos) {
            return;
        }
        nextTrimNanos = now + TimeUnit.MINUTES.toNanos(1);
        try {
            long applied = db.getLong(NamespaceDb.APPLIED, -1);
            int files = journal.trimBefore(Math.min(acknowledgedIndex, applied));
            if (files > 0) {
                LOG.log(System.Logger.Level.INFO, "trimmed " + files + " journal file(s) that central holds all of");
            }
        } catch (RocksDBException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot trim the journal; it is retried: " + e.getMessage());
        }
    }

    private volatile long nextTrimNanos = System.nanoTime();

    /** After a restart: the chunks of changes central had not acknowledged when we stopped. */
    private void rememberUnsent() throws RocksDBException {
        if (!options.holdReclaims()) {
            return;
        }
        long acked = db.getLong(NamespaceDb.ACKNOWLEDGED, -1);
        // What was trimmed, central had; a crash may only have lost the record of that.
        journal.replayKept(acked, (index, change) -> {
            if (change instanceof Change.PutFile p) {
                chunks.unsent().add(index, p.chunks());
            }
        });
        acknowledged = acked;
    }

    /**
     * Keeps the content of these folders in the cache whatever its cap ({@code share} to
     * folder paths). Folders that do not exist (yet) pin nothing until they do.
     */
    public void pinFolders(Map<String, List<SharePath>> folders) {
        Map<String, List<SharePath>> copy = Map.copyOf(folders);
        chunks.neverEvict(() -> pinnedChunks(copy));
    }

    private java.util.Set<ChunkId> pinnedChunks(Map<String, List<SharePath>> folders) {
        java.util.Set<ChunkId> out = new java.util.HashSet<>();
        read((d, a) -> {
            for (Map.Entry<String, List<SharePath>> e : folders.entrySet()) {
                if (!roots.containsKey(e.getKey())) {
                    continue;
                }
                for (SharePath folder : e.getValue()) {
                    Optional<Node> node = a.resolve(a.rootOf(e.getKey()), folder.names());
                    if (node.isPresent()) {
                        collectChunks(d, node.get(), out);
                    }
                }
            }
            return null;
        });
        return out;
    }

    private static void collectChunks(NamespaceDb d, Node node, java.util.Set<ChunkId> out) throws RocksDBException {
        if (!node.directory()) {
            d.manifest(node.id()).forEach(ref -> out.add(ref.id()));
            return;
        }
        for (Node child : d.children(node.id(), ChangeApplier.MAX_CHILDREN)) {
            collectChunks(d, child, out);
        }
    }

    /** Journal index up to which central has this gateway's changes (-1: none known yet). */
    public long acknowledgedIndex() {
        return acknowledged;
    }

    public String gatewayId() {
        return options.gatewayId();
    }

    /** Central has this version: another branch made it, or central acknowledged ours. */
    boolean atCentral(Version version) {
        return !version.gateway().equals(options.gatewayId()) || version.position() <= acknowledged;
    }

    /** The share revision from central this gateway has applied; 0 for none. */
    public long revision(String share) {
        return read((d, a) -> d.getLong(NamespaceDb.revisionKey(share), 0));
    }

    /** The version of the file at {@code path}, if it is a file that has one. */
    Optional<Version> version(String share, List<String> path) {
        return read((d, a) -> {
            Optional<Node> node = a.resolve(a.rootOf(share), path);
            return node.isPresent() && !node.get().directory() ? d.version(node.get().id()) : Optional.empty();
        });
    }

    /**
     * Applies a change central sent from another branch, without sending it back upstream. Local
     * work central has not seen yet wins over it where the two collide: central settles those by
     * making a conflict copy and sends the result. Returns false if the change was skipped; the
     * revision counts as applied either way.
     */
    public boolean applyRemote(LongFunction<Change.Remote> build, boolean asSent) {
        lock.writeLock().lock();
        try {
            Change.Remote remote = build.apply(nextNodeId);
            String reason = refusal(remote, asSent);
            if (reason == null) {
                try {
                    long firstFree = nextNodeId;
                    createAncestors(remote);
                    // Making the ancestors took node ids: number the change's own nodes after them.
                    Change.Remote numbered = nextNodeId == firstFree ? remote : build.apply(nextNodeId);
                    commit(id -> numbered, List.of(), false);
                    return true;
                } catch (ShareException e) {
                    reason = e.getMessage();
                }
            }
            LOG.log(System.Logger.Level.DEBUG, "skipped revision " + remote.revision() + " of " + remote.share() + ": " + reason);
            try (WriteBatch batch = new WriteBatch()) {
                batch.put(db.meta, NamespaceDb.revisionKey(remote.share()), NamespaceDb.id(remote.revision()));
                db.write(batch);
            }
            return false;
        } catch (RocksDBException e) {
            throw new IllegalStateException("namespace write failed: " + e.getMessage(), e);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Central creates missing parent directories as part of a file's revision; here they become
     * changes of their own, journaled with the same revision.
     */
    private void createAncestors(Change.Remote remote) throws RocksDBException {
        List<String> target = switch (remote.change()) {
            case Change.PutFile p -> p.path();
            case Change.MakeDirectory m -> m.path();
            case Change.Move m -> m.to();
            case Change.Copy c -> c.to();
            default -> List.of();
        };
        long root = applier.rootOf(remote.share());
        long now = clock.millis();
        for (int depth = 1; depth < target.size(); depth++) {
            List<String> dir = target.subList(0, depth);
            if (applier.resolve(root, dir).isEmpty()) {
                commit(id -> new Change.Remote(remote.share(), remote.revision(), null,
                        new Change.MakeDirectory(remote.share(), dir, id, now)), List.of(), false);
            }
        }
    }

    /** Counts a revision as applied without changing anything (it was this gateway's own change). */
    public void recordRevision(String share, long revision) {
        lock.writeLock().lock();
        try (WriteBatch batch = new WriteBatch()) {
            applier.rootOf(share);
            batch.put(db.meta, NamespaceDb.revisionKey(share), NamespaceDb.id(revision));
            db.write(batch);
        } catch (RocksDBException e) {
            throw new IllegalStateException("namespace write failed: " + e.getMessage(), e);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Why a remote change must not be applied here, or null. Runs under the write lock. */
    private String refusal(Change.Remote remote, boolean asSent) throws RocksDBException {
        long root = applier.rootOf(remote.share());
        List<String> path = switch (remote.change()) {
            case Change.PutFile p -> p.path();
            case Change.Delete d -> d.path();
            default -> null;
        };
        if (path == null) {
            return null;
        }
        Optional<Node> node = applier.resolve(root, path);
        if (node.isEmpty() || node.get().directory()) {
            return remote.change() instanceof Change.Delete && node.isEmpty() ? "already gone" : null;
        }
        Optional<Version> local = db.version(node.get().id());
        if (local.isPresent() && local.get().equals(remote.version())) {
            return "this version is here already";
        }
        boolean unsent = local.isPresent() && local.get().gateway().equals(options.gatewayId())
                && local.get().position() > acknowledged;
        return asSent && unsent ? "a local version central has not seen yet takes precedence" : null;
    }

    /** Releases pins of an upload or a read that did not commit. */
    public void release(List<ChunkRef> pinned) {
        if (pinned.isEmpty()) {
            return;
        }
        lock.writeLock().lock();
        try {
            chunks.unpin(pinned);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Runs a read under the read lock, so it sees whole changes only. */
    <T> T read(Read<T> read) {
        lock.readLock().lock();
        try {
            return read.run(db, applier);
        } catch (RocksDBException e) {
            throw new IllegalStateException("namespace read failed: " + e.getMessage(), e);
        } finally {
            lock.readLock().unlock();
        }
    }

    @FunctionalInterface
    interface Read<T> {
        T run(NamespaceDb db, ChangeApplier applier) throws RocksDBException;
    }

    /** Open, and both the journal and the chunk store still take durable writes. */
    public boolean ready() {
        return !closed && journal.writable() && chunks.writable();
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            closed = true;
            closeQuietly(chunks, journal, db, memtables, cache);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private static void closeQuietly(AutoCloseable... parts) {
        for (AutoCloseable part : parts) {
            if (part == null) {
                continue;
            }
            try {
                part.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "close failed: " + e.getMessage());
            }
        }
    }
}
