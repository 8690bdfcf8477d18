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
 * the same sealed bytes (the id is a keyed hash of the plaintext).
 */
public final class ChunkStore {
    public static final int ID_LENGTH = 32;
    /** A sealed chunk: at most 1 MiB of (compressed) plaintext plus the GCM nonce and tag. */
    public static final int MAX_SEALED = (1 << 20) + 64;
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
        return Files.exists(pathOf(id));
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
        if (sealed.length > MAX_SEALED) {
            throw new ChunkTooLargeException("a sealed chunk is at most " + MAX_SEALED + " bytes, got " + sealed.length);
        }
        Path target = pathOf(id);
        if (Files.exists(target)) {
            return null;
        }
        Path temp = tmp.resolve(UUID.randomUUID() + ".part");
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(sealed);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        }
        return new Staged(temp, target, sealed.length);
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

    /** The sealed bytes of {@code id}, or empty if central does not hold it. */
    public Optional<byte[]> read(byte[] id) throws IOException {
        checkId(id);
        try {
            return Optional.of(Files.readAllBytes(pathOf(id)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private Path pathOf(byte[] id) {
        String hex = HEX.formatHex(id);
        return root.resolve(hex.substring(0, 2)).resolve(hex.substring(2, 4)).resolve(hex);
    }

    private static void syncDirectory(Path dir) throws IOException {
        // Makes the new directory entry itself durable, not only the file's content.
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
