package io.tributary.central.chunks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Sealed chunks on the filesystem at {@code ROOT/ab/cd/<64 hex>}. Two levels of 256 shards keep
 * directories small at a hundred million chunks. Puts are idempotent: the same id always carries
 * the same plaintext (the id is a keyed hash of it).
 *
 * <p>A chunk a gateway sent as a delta against other chunks lives at {@code <64 hex>.delta}:
 * one byte of depth (1 + the deepest base's), one byte of base count, the base ids, then the
 * sealed delta. Depth is bounded by {@link #MAX_DELTA_DEPTH}, so a reader resolves a chunk in a
 * bounded number of fetches.
 */
public final class ChunkStore {
    public static final int ID_LENGTH = 32;
    /** A sealed chunk: at most 1 MiB of (compressed) plaintext plus the GCM nonce and tag. */
    public static final int MAX_SEALED = (1 << 20) + 64;
    /** The most bases one delta may name. */
    public static final int MAX_DELTA_BASES = 8;
    /** The deepest delta chain: a delta's bases are at most this minus one deltas deep. */
    public static final int MAX_DELTA_DEPTH = 4;
    private static final String DELTA_SUFFIX = ".delta";
    private static final HexFormat HEX = HexFormat.of();

    private final Path root;
    private final Path tmp;

    private ChunkStore(Path root) {
        this.root = root;
        this.tmp = root.resolve("tmp");
    }

    /** Opens (creating if needed) the store under {@code root}; leftovers of interrupted writes are removed. */
    public static ChunkStore open(Path root) throws IOException {
        ChunkStore store = new ChunkStore(root);
        Files.createDirectories(store.tmp);
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(store.tmp)) {
            for (Path p : leftovers) {
                Files.deleteIfExists(p);
            }
        }
        return store;
    }

    /** Throws {@link IllegalArgumentException} unless {@code id} is a chunk id. */
    public static void checkId(byte[] id) {
        if (id.length != ID_LENGTH) {
            throw new IllegalArgumentException("a chunk id is " + ID_LENGTH + " bytes, got " + id.length);
        }
    }

    public boolean exists(byte[] id) {
        checkId(id);
        return Files.exists(pathOf(id)) || Files.exists(deltaPathOf(id));
    }

    /** 0 for a chunk stored whole, its depth for a delta, -1 if central does not hold it. */
    public int depth(byte[] id) throws IOException {
        checkId(id);
        if (Files.exists(pathOf(id))) {
            return 0;
        }
        try (FileChannel ch = FileChannel.open(deltaPathOf(id), StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            return ch.read(b, 0) == 1 ? b.get(0) : -1;
        } catch (NoSuchFileException e) {
            return -1;
        }
    }

    /** A chunk written to a temporary file: neither durable nor visible until {@link #publish}. */
    public record Staged(Path temp, Path target, int bytes) {
    }

    /**
     * Stores {@code sealed} under {@code id} durably before returning.
     *
     * @return true if the chunk was new and written, false if it was already present
     */
    public boolean put(byte[] id, byte[] sealed) throws IOException {
        Staged staged = stage(id, sealed);
        if (staged == null) {
            return false;
        }
        publish(List.of(staged));
        return true;
    }

    /**
     * Writes {@code sealed} to a temporary file without waiting for the disk; null if the chunk
     * is already here. {@link #publish} makes a whole group durable and visible, so a commit of
     * many small files costs parallel flushes instead of two sequential ones per chunk.
     */
    public Staged stage(byte[] id, byte[] sealed) throws IOException {
        checkId(id);
        checkSize(sealed);
        if (exists(id)) {
            return null;
        }
        return write(pathOf(id), ByteBuffer.wrap(sealed));
    }

    /**
     * As {@link #stage}, for a delta against {@code bases}; {@code depth} is 1 + the deepest
     * base's (the caller checked that every base is here).
     */
    public Staged stageDelta(byte[] id, byte[] sealed, List<byte[]> bases, int depth) throws IOException {
        checkId(id);
        checkSize(sealed);
        if (bases.isEmpty() || bases.size() > MAX_DELTA_BASES) {
            throw new IllegalArgumentException("a delta has 1 to " + MAX_DELTA_BASES + " bases, got " + bases.size());
        }
        if (depth < 1 || depth > MAX_DELTA_DEPTH) {
            throw new IllegalArgumentException("a delta is 1 to " + MAX_DELTA_DEPTH + " deep, got " + depth);
        }
        if (exists(id)) {
            return null;
        }
        ByteBuffer buf = ByteBuffer.allocate(2 + bases.size() * ID_LENGTH + sealed.length);
        buf.put((byte) depth).put((byte) bases.size());
        for (byte[] base : bases) {
            checkId(base);
            buf.put(base);
        }
        buf.put(sealed).flip();
        return write(deltaPathOf(id), buf);
    }

    private static void checkSize(byte[] sealed) {
        if (sealed.length > MAX_SEALED) {
            throw new ChunkTooLargeException("a sealed chunk is at most " + MAX_SEALED + " bytes, got " + sealed.length);
        }
    }

    private Staged write(Path target, ByteBuffer buf) throws IOException {
        int bytes = buf.remaining();
        Path temp = tmp.resolve(UUID.randomUUID() + ".part");
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        }
        return new Staged(temp, target, bytes);
    }

    /**
     * Flushes staged chunks (in parallel), then renames each into place and flushes each
     * directory that gained an entry: on return every one is durable and visible.
     */
    public void publish(List<Staged> staged) throws IOException {
        if (staged.isEmpty()) {
            return;
        }
        forEachInParallel(staged.stream().map(Staged::temp).toList(), ChunkStore::syncFile);
        java.util.Set<Path> dirs = new java.util.LinkedHashSet<>();
        for (Staged s : staged) {
            Path shard = s.target().getParent();
            if (!Files.isDirectory(shard)) {
                Files.createDirectories(shard);
                syncDirectory(shard.getParent());
                syncDirectory(shard.getParent().getParent());
            }
            try {
                // A concurrent put of the same id writes the same bytes; whichever rename lands last is fine.
                Files.move(s.temp(), s.target(), StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.deleteIfExists(s.temp());
                throw e;
            }
            dirs.add(shard);
        }
        forEachInParallel(List.copyOf(dirs), ChunkStore::syncDirectory);
    }

    @FunctionalInterface
    private interface PathAction {
        void run(Path p) throws IOException;
    }

    private static final java.util.concurrent.ExecutorService FLUSHERS = java.util.concurrent.Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "chunk-flush");
        t.setDaemon(true);
        return t;
    });

    /** Runs {@code action} on every path, several at once: concurrent flushes share the file system's journal commits. */
    private static void forEachInParallel(List<Path> paths, PathAction action) throws IOException {
        if (paths.size() == 1) {
            action.run(paths.getFirst());
            return;
        }
        List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>(paths.size());
        for (Path p : paths) {
            done.add(FLUSHERS.submit(() -> {
                action.run(p);
                return null;
            }));
        }
        IOException failure = null;
        for (java.util.concurrent.Future<?> f : done) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while flushing chunks");
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static void syncFile(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /** A chunk as stored: sealed bytes, and the bases they are a delta against (none: whole). */
    public record Stored(byte[] sealed, List<byte[]> bases) {
    }

    /** The chunk {@code id}, or empty if central does not hold it. */
    public Optional<Stored> read(byte[] id) throws IOException {
        checkId(id);
        try {
            return Optional.of(new Stored(Files.readAllBytes(pathOf(id)), List.of()));
        } catch (NoSuchFileException e) {
            // not stored whole; perhaps as a delta
        }
        byte[] raw;
        try {
            raw = Files.readAllBytes(deltaPathOf(id));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        int count = raw.length < 2 ? -1 : raw[1] & 0xff;
        if (count < 1 || count > MAX_DELTA_BASES || raw.length < 2 + count * ID_LENGTH) {
            throw new IOException("delta chunk file " + deltaPathOf(id) + " is damaged");
        }
        List<byte[]> bases = new java.util.ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            bases.add(java.util.Arrays.copyOfRange(raw, 2 + i * ID_LENGTH, 2 + (i + 1) * ID_LENGTH));
        }
        return Optional.of(new Stored(java.util.Arrays.copyOfRange(raw, 2 + count * ID_LENGTH, raw.length), bases));
    }

    private Path pathOf(byte[] id) {
        String hex = HEX.formatHex(id);
        return root.resolve(hex.substring(0, 2)).resolve(hex.substring(2, 4)).resolve(hex);
    }

    private Path deltaPathOf(byte[] id) {
        Path whole = pathOf(id);
        return whole.resolveSibling(whole.getFileName() + DELTA_SUFFIX);
    }

    private static void syncDirectory(Path dir) throws IOException {
        // Makes the new directory entry itself durable, not only the file's content.
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
