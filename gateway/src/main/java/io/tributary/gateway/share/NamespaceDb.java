package io.tributary.gateway.share;

import io.tributary.gateway.journal.ChunkRef;
import io.tributary.gateway.journal.Version;
import io.tributary.proto.ChunkId;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.WriteOptions;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The gateway's RocksDB: column families for directory entries (parent id + folded name to node
 * id), nodes (attributes by id), manifests (chunk lists by id), dead properties (id + name) and
 * the chunk index, plus a few counters in the default family. Only encodings live here; the
 * rules are in {@link ChangeApplier}.
 *
 * <p>Writes go without RocksDB's WAL: each batch carries the journal index it applies, and after
 * a crash the journal replays what the batch lost, so the journal is the only log that is synced.
 */
final class NamespaceDb implements AutoCloseable {
    static final byte[] APPLIED = "journal-applied".getBytes(StandardCharsets.US_ASCII);
    static final byte[] NEXT_NODE = "next-node".getBytes(StandardCharsets.US_ASCII);
    static final byte[] NEXT_ROOT = "next-root".getBytes(StandardCharsets.US_ASCII);
    /** Journal index up to which central acknowledged this gateway's changes, as last recorded. */
    static final byte[] ACKNOWLEDGED = "uplink-acknowledged".getBytes(StandardCharsets.US_ASCII);
    /** Prefix of "chunks this journal position dropped, to reclaim once central has the change". */
    static final byte[] RECLAIM = "reclaim/".getBytes(StandardCharsets.US_ASCII);

    final RocksDB db;
    final ColumnFamilyHandle meta;
    final ColumnFamilyHandle dirents;
    final ColumnFamilyHandle nodes;
    final ColumnFamilyHandle manifests;
    final ColumnFamilyHandle props;
    final ColumnFamilyHandle chunks;
    /** Node id to the {@link Version} of a file's content. */
    final ColumnFamilyHandle versions;
    private final List<ColumnFamilyHandle> handles;
    private final DBOptions options;
    private final ColumnFamilyOptions cfOptions;
    final WriteOptions noWal = new WriteOptions().setDisableWAL(true);
    final WriteOptions synced = new WriteOptions().setSync(true);

    private NamespaceDb(RocksDB db, List<ColumnFamilyHandle> handles, DBOptions options, ColumnFamilyOptions cfOptions) {
        this.db = db;
        this.handles = handles;
        this.options = options;
        this.cfOptions = cfOptions;
        this.meta = handles.get(0);
        this.dirents = handles.get(1);
        this.nodes = handles.get(2);
        this.manifests = handles.get(3);
        this.props = handles.get(4);
        this.chunks = handles.get(5);
        this.versions = handles.get(6);
    }

    /** @param cache block cache and {@code memtables} budget, shared with the payload store */
    static NamespaceDb open(Path dir, LRUCache cache, WriteBufferManager memtables) throws IOException {
        RocksDB.loadLibrary();
        Files.createDirectories(dir);
        ColumnFamilyOptions cf = new ColumnFamilyOptions()
                .setWriteBufferSize(8L << 20)
                .setMaxWriteBufferNumber(2)
                // And one over each memtable's keys (2 % of its size): a new chunk's
                // id is looked up more than once before it is indexed, and each miss otherwise
                // costs a skip-list search.
                .setMemtablePrefixBloomSizeRatio(0.02)
                .setMemtableWholeKeyFiltering(true)
                // A Bloom filter per table file: most lookups of a new chunk's id, or of a new
                // file's name, find nothing, and without a filter each read a block of every file.
                .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(cache).setFilterPolicy(new BloomFilter(10)));
        DBOptions options = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
                .setKeepLogFileNum(3).setMaxBackgroundJobs(2).setWriteBufferManager(memtables);
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cf));
        for (String name : List.of("dirents", "nodes", "manifests", "props", "chunks", "versions")) {
            descriptors.add(new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.US_ASCII), cf));
        }
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try {
            RocksDB db = RocksDB.open(options, dir.toString(), descriptors, handles);
            return new NamespaceDb(db, handles, options, cf);
        } catch (RocksDBException e) {
            throw new IOException("cannot open the namespace database in " + dir + ": " + e.getMessage(), e);
        }
    }

    static byte[] id(long id) {
        return ByteBuffer.allocate(8).putLong(id).array();
    }

    static byte[] direntKey(long parent, String name) {
        byte[] folded = NameRules.fold(name).getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + folded.length).putLong(parent).put(folded).array();
    }

    static byte[] propKey(long node, String clarkName) {
        byte[] n = clarkName.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + n.length).putLong(node).put(n).array();
    }

    long getLong(byte[] key, long absent) throws RocksDBException {
        byte[] v = db.get(meta, key);
        return v == null ? absent : ByteBuffer.wrap(v).getLong();
    }

    Optional<Node> node(long id) throws RocksDBException {
        byte[] v = db.get(nodes, id(id));
        return v == null ? Optional.empty() : Optional.of(Node.decode(id, v));
    }

    /** The child of {@code parent} whose name folds like {@code name}, whatever its exact case. */
    Optional<Node> child(long parent, String name) throws RocksDBException {
        byte[] v = db.get(dirents, direntKey(parent, name));
        if (v == null) {
            return Optional.empty();
        }
        return node(ByteBuffer.wrap(v).getLong());
    }

    /** Children in key order (folded names), bounded by {@code limit}. */
    List<Node> children(long parent, int limit) throws RocksDBException {
        List<Node> out = new ArrayList<>();
        byte[] prefix = id(parent);
        try (ReadOptions ro = new ReadOptions(); Slice upper = new Slice(id(parent + 1))) {
            ro.setIterateUpperBound(upper);
            try (RocksIterator it = db.newIterator(dirents, ro)) {
                for (it.seek(prefix); it.isValid() && out.size() < limit; it.next()) {
                    long child = ByteBuffer.wrap(it.value()).getLong();
                    node(child).ifPresent(out::add);
                }
            }
        }
        return out;
    }

    List<ChunkRef> manifest(long id) throws RocksDBException {
        byte[] v = db.get(manifests, id(id));
        if (v == null) {
            return List.of();
        }
        ByteBuffer b = ByteBuffer.wrap(v);
        int n = b.getInt();
        List<ChunkRef> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ChunkId chunk = ChunkId.of(v, b.position());
            b.position(b.position() + ChunkId.LENGTH);
            out.add(new ChunkRef(chunk, b.getInt()));
        }
        return out;
    }

    static byte[] encodeManifest(List<ChunkRef> chunks) {
        byte[] out = new byte[4 + chunks.size() * (ChunkId.LENGTH + 4)];
        ByteBuffer b = ByteBuffer.wrap(out).putInt(chunks.size());
        for (ChunkRef c : chunks) {
            c.id().copyTo(out, b.position());
            b.position(b.position() + ChunkId.LENGTH);
            b.putInt(c.length());
        }
        return out;
    }

    Optional<Version> version(long node) throws RocksDBException {
        byte[] v = db.get(versions, id(node));
        if (v == null) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(v);
        long position = b.getLong();
        return Optional.of(new Version(new String(v, 8, v.length - 8, StandardCharsets.UTF_8), position));
    }

    static byte[] encodeVersion(Version v) {
        byte[] g = v.gateway().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + g.length).putLong(v.position()).put(g).array();
    }

    static byte[] revisionKey(String share) {
        return ("revision/" + share).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] reclaimKey(long journalIndex) {
        return ByteBuffer.allocate(RECLAIM.length + 8).put(RECLAIM).putLong(journalIndex).array();
    }

    /** Dead properties of a node, in name order. */
    List<String[]> properties(long node) throws RocksDBException {
        List<String[]> out = new ArrayList<>();
        try (ReadOptions ro = new ReadOptions(); Slice upper = new Slice(id(node + 1))) {
            ro.setIterateUpperBound(upper);
            try (RocksIterator it = db.newIterator(props, ro)) {
                for (it.seek(id(node)); it.isValid(); it.next()) {
                    byte[] k = it.key();
                    out.add(new String[]{new String(k, 8, k.length - 8, StandardCharsets.UTF_8),
                            new String(it.value(), StandardCharsets.UTF_8)});
                }
            }
        }
        return out;
    }

    void deleteProperties(WriteBatch batch, long node) throws RocksDBException {
        batch.deleteRange(props, id(node), id(node + 1));
    }

    /** Chunk ids waiting for reclaim, by the journal index of the change that dropped them. */
    java.util.SortedMap<Long, List<ChunkId>> pendingReclaims(long upToIndex) {
        java.util.SortedMap<Long, List<ChunkId>> out = new java.util.TreeMap<>();
        try (RocksIterator it = db.newIterator(meta)) {
            for (it.seek(RECLAIM); it.isValid(); it.next()) {
                byte[] k = it.key();
                if (k.length != RECLAIM.length + 8 || !java.util.Arrays.equals(k, 0, RECLAIM.length, RECLAIM, 0, RECLAIM.length)) {
                    break;
                }
                long index = ByteBuffer.wrap(k, RECLAIM.length, 8).getLong();
                if (index > upToIndex) {
                    break;
                }
                byte[] v = it.value();
                List<ChunkId> ids = new ArrayList<>(v.length / ChunkId.LENGTH);
                for (int off = 0; off + ChunkId.LENGTH <= v.length; off += ChunkId.LENGTH) {
                    ids.add(ChunkId.of(v, off));
                }
                out.put(index, ids);
            }
        }
        return out;
    }

    static byte[] encodeIds(List<ChunkId> ids) {
        byte[] out = new byte[ids.size() * ChunkId.LENGTH];
        for (int i = 0; i < ids.size(); i++) {
            ids.get(i).copyTo(out, i * ChunkId.LENGTH);
        }
        return out;
    }

    void write(WriteBatch batch) throws RocksDBException {
        db.write(noWal, batch);
    }

    @Override
    public void close() {
        try {
            // Without a WAL, unflushed memtables are lost on close; flushing saves a replay on start.
            db.flush(new org.rocksdb.FlushOptions().setWaitForFlush(true), handles);
        } catch (RocksDBException e) {
            System.getLogger(NamespaceDb.class.getName()).log(System.Logger.Level.WARNING,
                    "flush on close failed; the journal will be replayed: " + e.getMessage());
        }
        for (ColumnFamilyHandle h : handles) {
            h.close();
        }
        db.close();
        noWal.close();
        synced.close();
        options.close();
        cfOptions.close();
    }
}
