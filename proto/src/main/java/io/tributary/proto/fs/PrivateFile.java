package io.tributary.proto.fs;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * A file of secrets (keys, password hashes) that only the service user may read, replaced whole:
 * written to a temporary file created mode 0600, forced to disk, renamed over the old one and the
 * directory forced, so a crash leaves either the old file or the new one, never a mix or neither.
 */
public final class PrivateFile {
    public static final Set<PosixFilePermission> MODE = PosixFilePermissions.fromString("rw-------");

    /** Writes the file's whole content. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private PrivateFile() {
    }

    public static void replace(Path target, CharSequence text) throws IOException {
        replace(target, out -> out.write(text.toString().getBytes(StandardCharsets.UTF_8)));
    }

    public static void replace(Path target, Content content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp", PosixFilePermissions.asFileAttribute(MODE));
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                OutputStream out = Channels.newOutputStream(channel);
                content.writeTo(out);
                out.flush();
                channel.force(true);
            }
            // The creation mode is narrowed by the umask at most; set it outright all the same.
            Files.setPosixFilePermissions(tmp, MODE);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        syncDirectory(dir);
    }

    /** Makes renames and deletions in {@code dir} durable. */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        }
    }
}
