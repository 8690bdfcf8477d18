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

    /**
     * Stores {@code sealed} under {@code id} durably before returning.
     *
     * @return true if the chunk was new and written, false if it was already present
     */
    public boolean put(byte[] id, byte[] sealed) throws IOException {
        checkId(id);
        if (sealed.length > MAX_SEALED) {
            throw new ChunkTooLargeException("a sealed chunk is at most " + MAX_SEALED + " bytes, got " + sealed.length);
        }
        Path target = pathOf(id);
        if (Files.exists(target)) {
            return false;
        }
        Path shard = target.getParent();
        if (!Files.isDirectory(shard)) {
            Files.createDirectories(shard);
            syncDirectory(shard.getParent());
            syncDirectory(shard.getParent().getParent());
        }
        Path temp = tmp.resolve(UUID.randomUUID() + ".part");
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(sealed);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        try {
            // A concurrent put of the same id writes the same bytes; whichever rename lands last is fine.
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        syncDirectory(shard);
        return true;
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
