package io.tributary.sync;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.TreeMap;

/** The local folder as the sync sees it: share-style paths ("/a/b") to what is there. */
final class LocalTree {
    /** Downloads land in files with this prefix first, then are renamed into place. */
    static final String PART_PREFIX = ".tributary-part-";

    record Local(String path, boolean directory, long size, long mtimeMillis, long inode) {
    }

    private LocalTree() {
    }

    static TreeMap<String, Local> scan(Path root) throws IOException {
        TreeMap<String, Local> out = new TreeMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (dir.equals(root)) {
                    return FileVisitResult.CONTINUE;
                }
                if (dir.getFileName().toString().equals(SyncState.DIR)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                out.put(pathOf(root, dir), new Local(pathOf(root, dir), true, 0, 0, 0));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile() && !file.getFileName().toString().startsWith(PART_PREFIX)) {
                    out.put(pathOf(root, file), of(root, file, attrs));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                // Vanished or unreadable while scanning: the next run sees it as it is then.
                return FileVisitResult.CONTINUE;
            }
        });
        return out;
    }

    /** The facts of one local file now, or null if it is not a regular file any more. */
    static Local stat(Path root, Path file) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        return of(root, file, Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
    }

    private static Local of(Path root, Path file, BasicFileAttributes attrs) throws IOException {
        long inode = 0;
        try {
            Object ino = Files.getAttribute(file, "unix:ino", LinkOption.NOFOLLOW_LINKS);
            inode = ino instanceof Long l ? l : 0;
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            // no inode on this file system: size and time still tell most changes
        }
        return new Local(pathOf(root, file), false, attrs.size(), attrs.lastModifiedTime().toMillis(), inode);
    }

    static String pathOf(Path root, Path p) {
        StringBuilder out = new StringBuilder();
        for (Path name : root.relativize(p)) {
            out.append('/').append(name);
        }
        return out.toString();
    }

    static Path fileOf(Path root, String path) {
        Path p = root;
        for (String name : path.substring(1).split("/")) {
            p = p.resolve(name);
        }
        return p;
    }
}
