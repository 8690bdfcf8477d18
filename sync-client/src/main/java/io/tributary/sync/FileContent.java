package io.tributary.sync;

import io.tributary.gateway.chunk.Chunker;
import io.tributary.proto.v1.ChunkDigest;
import com.google.protobuf.ByteString;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Provider;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A local file cut the way the gateway cuts files: each chunk's SHA-256 and length, and a hash
 * of the whole list that names the content in the state database.
 */
public record FileContent(List<ChunkDigest> chunks, long size, String hash) {
    /** Reads {@code file} once, cutting and hashing as it goes. */
    public static FileContent of(Path file, Chunker chunker) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return of(in, chunker);
        }
    }

    /** Cuts and hashes {@code content}, a file's bytes read already. */
    public static FileContent of(byte[] content, Chunker chunker) throws IOException {
        return of(new ByteArrayInputStream(content), chunker);
    }

    private static FileContent of(InputStream in, Chunker chunker) throws IOException {
        List<ChunkDigest> chunks = new ArrayList<>();
        MessageDigest chunkHash = sha256();
        MessageDigest listHash = sha256();
        long size = chunker.split(in, (buf, off, len) -> {
            chunkHash.update(buf, off, len);
            byte[] digest = chunkHash.digest();
            listHash.update(digest);
            chunks.add(ChunkDigest.newBuilder().setSha256(ByteString.copyFrom(digest)).setLength(len).build());
        });
        return new FileContent(List.copyOf(chunks), size, HexFormat.of().formatHex(listHash.digest()));
    }

    /**
     * Conscrypt's native SHA-256 where it loads: the client's JVM runs C1 only (it starts fast and
     * compiling networking code with C2 cost it more than the whole upload), and without C2 the
     * JDK's SHA-256 runs at a tenth of the speed. Null where Conscrypt has no native library.
     */
    private static final Provider NATIVE_SHA256 = nativeProvider();

    private static Provider nativeProvider() {
        try {
            if (org.conscrypt.Conscrypt.isAvailable()) {
                Provider p = org.conscrypt.Conscrypt.newProvider();
                MessageDigest.getInstance("SHA-256", p);
                return p;
            }
        } catch (LinkageError | GeneralSecurityException | RuntimeException e) {
            // fall through to the JDK's
        }
        return null;
    }

    static MessageDigest sha256() {
        try {
            return NATIVE_SHA256 != null ? MessageDigest.getInstance("SHA-256", NATIVE_SHA256) : MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
