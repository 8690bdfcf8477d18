// Deterministic benchmark tree generator (Java single-file program).
//
//   java bench/MakeTree.java mixed DIR   ~0.97 GiB office-like tree (see below)
//   java bench/MakeTree.java small DIR   5,000 files of 4 KiB, for files/s
//
// Every byte is derived from a fixed seed, so two runs (on any machine) give
// byte-identical trees. DIR must not exist or be empty.
//
// mixed:
//   small/pNN/qNN/     10,000 files of 1-16 KiB in 200 nested directories
//   medium/mN/            100 files of 0.5-4 MiB
//   large/                  4 files: 64 MiB log text, 96 MiB random,
//                                    128 MiB half text/half random, 200 MiB random
//   copies/               duplicates under other names: 2 of the large files,
//                         10 medium files and 2,000 small files
// Content is a mix of text-like (compressible, words and log lines built from a
// seeded vocabulary, never repeating a block) and random (incompressible) data,
// plus files that alternate 64 KiB blocks of both.
//
// small:
//   sNN/               50 directories x 100 files of exactly 4,096 bytes,
//                      alternately text-like and random.

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;

public class MakeTree {

    enum Kind { TEXT, RANDOM, MIXED }

    static final long KIB = 1024, MIB = 1024 * KIB;
    static final int BLOCK = 64 * 1024;

    static long files, bytes, dirs;
    /** Warm-up rounds unless the command line asks for another number. */
    static final int WARMUP_ROUNDS = 3;

    public static void main(String[] args) throws IOException {
        boolean known = args.length >= 2 && (args[0].equals("mixed") || args[0].equals("small") || args[0].equals("warmup"));
        if (!known || args.length > 3 || (args.length == 3 && !args[0].equals("warmup"))) {
            System.err.println("usage: java MakeTree.java mixed|small DIR | warmup DIR [ROUNDS]");
            System.exit(2);
        }
        int rounds = WARMUP_ROUNDS;
        if (args.length == 3) {
            try {
                rounds = Integer.parseInt(args[2]);
            } catch (NumberFormatException e) {
                rounds = 0;
            }
            if (rounds < 1 || rounds > 64) {
                System.err.println("MakeTree: ROUNDS is a number from 1 to 64, got " + args[2]);
                System.exit(2);
            }
        }
        Path root = Path.of(args[1]);
        if (Files.exists(root)) {
            try (var s = Files.list(root)) {
                if (s.findAny().isPresent()) {
                    System.err.println("MakeTree: " + root + " is not empty");
                    System.exit(2);
                }
            }
        }
        Files.createDirectories(root);
        long t0 = System.nanoTime();
        switch (args[0]) {
            case "mixed" -> mixed(root);
            case "small" -> small(root);
            default -> warmup(root, rounds);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("MakeTree %s %s files=%d dirs=%d bytes=%d (%.1f MiB) in %.1f s%n",
                args[0], root, files, dirs, bytes, bytes / (double) MIB, s);
    }

    // ---- tree layouts --------------------------------------------------------

    static void mixed(Path root) throws IOException {
        // 10,000 small files, 1-16 KiB, 20 x 10 directories of 50 files.
        SplittableRandom sizes = new SplittableRandom(0x5EED_0001L);
        int n = 0;
        for (int p = 0; p < 20; p++) {
            for (int q = 0; q < 10; q++) {
                Path d = dir(root.resolve(String.format("small/p%02d/q%02d", p, q)));
                for (int i = 0; i < 50; i++, n++) {
                    long size = 1024 + sizes.nextLong(15 * 1024 + 1);
                    Kind k = kindFor(n);
                    write(d.resolve(name("f", n, k)), 1_000_000L + n, size, k);
                }
            }
        }
        // 100 medium files, 0.5-4 MiB, 10 directories.
        for (int i = 0; i < 100; i++) {
            Path d = dir(root.resolve("medium/m" + (i % 10)));
            long size = 512 * KIB + sizes.nextLong(3 * MIB + 512 * KIB + 1);
            Kind k = kindFor(i);
            write(d.resolve(name("doc", i, k)), 2_000_000L + i, size, k);
        }
        // 4 large files.
        Path large = dir(root.resolve("large"));
        write(large.resolve("server.log"), 3_000_000L, 64 * MIB, Kind.TEXT);
        write(large.resolve("backup.img"), 3_000_001L, 96 * MIB, Kind.RANDOM);
        write(large.resolve("project.pst"), 3_000_002L, 128 * MIB, Kind.MIXED);
        write(large.resolve("video.mp4"), 3_000_003L, 200 * MIB, Kind.RANDOM);

        // Duplicates under other names.
        copy(large.resolve("server.log"), dir(root.resolve("copies/archive")).resolve("server-old.log"));
        copy(large.resolve("backup.img"), root.resolve("copies/archive/backup-copy.img"));
        for (int i = 0; i < 10; i++) {
            int src = i * 10 + 3;
            Kind k = kindFor(src);
            copy(root.resolve("medium/m" + (src % 10)).resolve(name("doc", src, k)),
                    dir(root.resolve("copies/medium")).resolve(name("doc-copy", src, k)));
        }
        for (int i = 0; i < 2000; i++) {
            int src = i * 5 + 1;                       // every 5th small file
            int p = src / 500, q = (src / 50) % 10;
            Kind k = kindFor(src);
            Path from = root.resolve(String.format("small/p%02d/q%02d", p, q)).resolve(name("f", src, k));
            Path d = dir(root.resolve(String.format("copies/small/c%02d", i / 100)));
            copy(from, d.resolve(name("copy-of-f", src, k)));
        }
    }

    /**
     * About 250 MB per round (three by default), duplicates included, shaped like the mixed tree but with other content,
     * uploaded untimed first so that a JIT-compiled server is measured warm, as it would be after
     * minutes of service.
     */
    static void warmup(Path root, int rounds) throws IOException {
        // Rounds of other content: a JIT-compiled server given one round (250 MB) was still
        // compiling in the timed step (a gateway's C2 thread took 5 CPU s of a 1 GiB sync; 1.6 s
        // after three rounds), which is start-up, not the steady state the benchmarks measure.
        // bench/sync-client.sh asks for more rounds and stops once the gateway's JIT is quiet.
        for (int round = 0; round < rounds; round++) {
            Path r = root.resolve("r" + round);
            long seeds = round * 10_000_000L;
            SplittableRandom sizes = new SplittableRandom(0x5EED_0002L + round);
            for (int i = 0; i < 3000; i++) {
                Path d = dir(r.resolve(String.format("w%02d", i / 100)));
                Kind k = kindFor(i);
                write(d.resolve(name("w", i, k)), 50_000_000L + seeds + i, 1024 + sizes.nextLong(15 * 1024 + 1), k);
            }
            for (int i = 0; i < 30; i++) {
                Kind k = kindFor(i);
                write(dir(r.resolve("wm")).resolve(name("wdoc", i, k)), 51_000_000L + seeds + i, 512 * KIB + sizes.nextLong(3 * MIB), k);
            }
            write(dir(r.resolve("wl")).resolve("warm.log"), 52_000_000L + seeds, 48 * MIB, Kind.TEXT);
            write(r.resolve("wl/warm.img"), 52_000_001L + seeds, 64 * MIB, Kind.RANDOM);
            write(r.resolve("wl/warm.pst"), 52_000_002L + seeds, 48 * MIB, Kind.MIXED);
            // Duplicates under other names, as in the mixed tree: without them the path of a
            // chunk that is already stored was still cold (first compiled) in the timed upload.
            copy(r.resolve("wl/warm.log"), dir(r.resolve("wc")).resolve("warm-old.log"));
            for (int i = 0; i < 3; i++) {
                Kind k = kindFor(i * 10 + 3);
                copy(r.resolve("wm").resolve(name("wdoc", i * 10 + 3, k)), r.resolve("wc").resolve(name("wdoc-copy", i * 10 + 3, k)));
            }
            for (int i = 0; i < 600; i++) {
                int src = i * 5 + 1;
                Kind k = kindFor(src);
                copy(r.resolve(String.format("w%02d", src / 100)).resolve(name("w", src, k)),
                        dir(r.resolve(String.format("wc/s%d", i / 100))).resolve(name("copy-of-w", src, k)));
            }
        }
    }

    static void small(Path root) throws IOException {
        int n = 0;
        for (int d = 0; d < 50; d++) {
            Path dir = dir(root.resolve(String.format("s%02d", d)));
            for (int i = 0; i < 100; i++, n++) {
                Kind k = (n % 2 == 0) ? Kind.TEXT : Kind.RANDOM;
                write(dir.resolve(name("x", n, k)), 9_000_000L + n, 4096, k);
            }
        }
    }

    /** 50% text, 35% random, 15% mixed, spread evenly over the index. */
    static Kind kindFor(int i) {
        int m = Math.floorMod(i * 7919, 20);
        return m < 10 ? Kind.TEXT : m < 17 ? Kind.RANDOM : Kind.MIXED;
    }

    static String name(String prefix, int i, Kind k) {
        String ext = switch (k) { case TEXT -> ".txt"; case RANDOM -> ".bin"; case MIXED -> ".dat"; };
        return String.format("%s%05d%s", prefix, i, ext);
    }

    static Path dir(Path d) throws IOException {
        if (!Files.isDirectory(d)) {
            // count every directory level that gets created
            for (Path p = d; p != null && !Files.exists(p); p = p.getParent()) dirs++;
            Files.createDirectories(d);
        }
        return d;
    }

    static void copy(Path from, Path to) throws IOException {
        Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
        files++;
        bytes += Files.size(to);
    }

    // ---- content -------------------------------------------------------------

    static void write(Path file, long seed, long size, Kind kind) throws IOException {
        Content c = new Content(seed);
        ByteBuffer buf = ByteBuffer.allocate(BLOCK);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long left = size;
            long block = 0;
            while (left > 0) {
                int n = (int) Math.min(BLOCK, left);
                buf.clear();
                boolean text = switch (kind) {
                    case TEXT -> true;
                    case RANDOM -> false;
                    case MIXED -> (block & 1) == 0;
                };
                if (text) c.text(buf.array(), n); else c.random(buf.array(), n);
                buf.limit(n);
                while (buf.hasRemaining()) ch.write(buf);
                left -= n;
                block++;
            }
        }
        files++;
        bytes += size;
    }

    /** Seeded generator of text-like and random bytes. */
    static final class Content {
        private static final byte[][] WORDS = vocabulary();
        private static final String[] LEVELS = {"INFO ", "INFO ", "INFO ", "DEBUG", "WARN ", "ERROR"};
        private final SplittableRandom rnd;
        private long clock;

        Content(long seed) {
            rnd = new SplittableRandom(seed);
            clock = 1_700_000_000_000L + rnd.nextLong(100_000_000_000L);
        }

        void random(byte[] b, int n) {
            int i = 0;
            for (; i + 8 <= n; i += 8) {
                long v = rnd.nextLong();
                for (int j = 0; j < 8; j++) b[i + j] = (byte) (v >>> (j * 8));
            }
            long v = rnd.nextLong();
            for (; i < n; i++, v >>>= 8) b[i] = (byte) v;
        }

        /** Log-like and prose-like lines; compresses about 3-4x with common codecs. */
        void text(byte[] b, int n) {
            int i = 0;
            while (i < n) {
                if (rnd.nextInt(4) == 0) {
                    clock += rnd.nextInt(5000);
                    i = put(b, i, n, Long.toString(clock));
                    i = put(b, i, n, " ");
                    i = put(b, i, n, LEVELS[rnd.nextInt(LEVELS.length)]);
                    i = put(b, i, n, " [worker-" + rnd.nextInt(16) + "] ");
                }
                int words = 4 + rnd.nextInt(14);
                for (int w = 0; w < words && i < n; w++) {
                    // Zipf-like pick: small indexes are much more frequent
                    int idx = (int) (Math.pow(rnd.nextDouble(), 3) * WORDS.length);
                    byte[] word = WORDS[idx];
                    int len = Math.min(word.length, n - i);
                    System.arraycopy(word, 0, b, i, len);
                    i += len;
                    if (i < n) b[i++] = ' ';
                }
                if (rnd.nextInt(3) == 0) i = put(b, i, n, "id=" + rnd.nextInt(1_000_000));
                if (i < n) b[i++] = '\n';
            }
        }

        private static int put(byte[] b, int i, int n, String s) {
            for (int k = 0; k < s.length() && i < n; k++) b[i++] = (byte) s.charAt(k);
            return i;
        }

        private static byte[][] vocabulary() {
            SplittableRandom r = new SplittableRandom(0xC0FFEEL);
            String letters = "etaoinshrdlcumwfgypbvkjxqz";
            byte[][] words = new byte[4096][];
            for (int w = 0; w < words.length; w++) {
                int len = 2 + r.nextInt(9);
                byte[] word = new byte[len];
                for (int k = 0; k < len; k++) {
                    int li = (int) (Math.pow(r.nextDouble(), 2) * letters.length());
                    word[k] = (byte) letters.charAt(li);
                }
                words[w] = word;
            }
            return words;
        }
    }
}
