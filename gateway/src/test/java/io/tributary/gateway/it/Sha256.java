package io.tributary.gateway.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of streams, read in 1 MiB buffers; the count of bytes read comes along. */
public final class Sha256 {
    private Sha256() {
    }

    public record Digest(String hex, long bytes) {
    }

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads the stream to its end (and closes it). */
    public static Digest of(InputStream in) {
        MessageDigest digest = newDigest();
        byte[] buffer = new byte[1 << 20];
        long total = 0;
        try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                digest.update(buffer, 0, n);
                total += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Digest(hex(digest), total);
    }

    public static Digest of(byte[] bytes) {
        MessageDigest digest = newDigest();
        digest.update(bytes);
        return new Digest(hex(digest), bytes.length);
    }

    public static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }
}
