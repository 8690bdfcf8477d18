package io.tributary.gateway.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Generates a deterministic tree of files on disk (nested folders, names with spaces and
 * non-ASCII letters, small and multi-MiB files, duplicated content) and describes trees as
 * relative path to SHA-256, for byte-for-byte comparison.
 */
public final class FileTree {
    private static final String[] FOLDERS = {
        "", "docs", "docs/2024", "docs/2024/Q1 report", "Räume/Besprechung Ost", "日本語/資料",
        "photos/Été à Paris", "deep/a/b/c/d/e", "emoji 🎉", "Ελληνικά", "with spaces/and more spaces",
    };
    private static final String[] STEMS = {
        "notes", "Budget 2024", "Überweisung", "façade", "naïve idea", "résumé", "報告書", "Ωmega",
        "draft (final)", "x", "readme", "data-set_v2", "café menu", "plan+b", "100% done",
    };
    private static final String[] EXTENSIONS = {".txt", ".docx", ".csv", "", ".pdf", ".tar.gz", ".md"};

    private FileTree() {
    }

    public record Spec(int smallFiles, int maxSmallBytes, int largeFiles, int duplicates, long seed) {
    }

    /** Writes the tree under {@code root} (which must be empty) and returns its description. */
    public static TreeMap<String, String> generate(Path root, Spec spec) {
        SplittableRandom random = new SplittableRandom(spec.seed());
        List<String> written = new ArrayList<>();
        try {
            for (int i = 0; i < spec.smallFiles(); i++) {
                String rel = name(random, i);
                write(root.resolve(rel), random.nextLong(), random.nextInt(spec.maxSmallBytes() + 1));
                written.add(rel);
            }
            for (int i = 0; i < spec.largeFiles(); i++) {
                String rel = FOLDERS[random.nextInt(FOLDERS.length)] + "/large " + i + " – архив.bin";
                rel = rel.startsWith("/") ? rel.substring(1) : rel;
                long size = (1L << 20) + random.nextLong(4L << 20);
                write(root.resolve(rel), random.nextLong(), size);
                written.add(rel);
            }
            for (int i = 0; i < spec.duplicates(); i++) {
                String source = written.get(random.nextInt(written.size()));
                String rel = FOLDERS[random.nextInt(FOLDERS.length)] + "/copy " + i + " of "
                        + Path.of(source).getFileName();
                rel = rel.startsWith("/") ? rel.substring(1) : rel;
                Files.createDirectories(root.resolve(rel).getParent());
                Files.copy(root.resolve(source), root.resolve(rel));
            }
            Files.createDirectories(root.resolve("empty folder/nested empty"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return describe(root);
    }

    private static String name(SplittableRandom random, int i) {
        String folder = FOLDERS[random.nextInt(FOLDERS.length)];
        String file = STEMS[random.nextInt(STEMS.length)] + " " + i + EXTENSIONS[random.nextInt(EXTENSIONS.length)];
        return folder.isEmpty() ? file : folder + "/" + file;
    }

    /** Writes {@code size} bytes of the seeded stream to a file, creating its folders. */
    public static void write(Path file, long seed, long size) throws IOException {
        Files.createDirectories(file.getParent());
        try (InputStream in = new PseudoRandomStream(seed, size); OutputStream out = Files.newOutputStream(file)) {
            in.transferTo(out);
        }
    }

    /**
     * Relative path ('/'-separated) to the SHA-256 of each regular file, and to {@code "dir"}
     * for each folder, sorted.
     */
    public static TreeMap<String, String> describe(Path root) {
        TreeMap<String, String> tree = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                if (p.equals(root)) {
                    continue;
                }
                String rel = root.relativize(p).toString().replace('\\', '/');
                if (Files.isDirectory(p)) {
                    tree.put(rel, "dir");
                } else {
                    tree.put(rel, Sha256.of(Files.newInputStream(p)).hex());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return tree;
    }

    /** The differences of two descriptions, one line each, empty when equal. */
    public static List<String> differences(TreeMap<String, String> expected, TreeMap<String, String> actual) {
        List<String> diffs = new ArrayList<>();
        for (var e : expected.entrySet()) {
            String other = actual.get(e.getKey());
            if (other == null) {
                diffs.add("missing: " + e.getKey());
            } else if (!other.equals(e.getValue())) {
                diffs.add("differs: " + e.getKey() + " expected " + e.getValue() + " got " + other);
            }
        }
        for (String key : actual.keySet()) {
            if (!expected.containsKey(key)) {
                diffs.add("unexpected: " + key);
            }
        }
        return diffs;
    }
}
