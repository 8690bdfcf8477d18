// Branch-to-branch benchmark client (Java single-file program), run by bench/sync.sh.
//
//   java bench/SyncBench.java --a URL --b URL --a-metrics URL [--user U --pass P] PHASE...
//
// Phases:
//   propagation N   N sequential PUTs of a 1 KiB file at A; after each 2xx, polls B with
//                   HEAD every 2 ms until it answers 200. Reports p50/p90/p99/max of
//                   "A acknowledged -> B serves it" in milliseconds.
//   smallfiles N    PUTs N files of 4 KiB into a fresh folder at A over 8 connections, then
//                   polls B's count of applied changes every 20 ms until all N are there, then
//                   checks B's listing once.
//                   Reports files/s from the first PUT to the last file listed at B, and the
//                   time to then GET all N at B (content fetched from central on first read).
//   warmup N        the smallfiles phase, untimed: lets the JIT compile the hot paths of all
//                   three servers first, as they are in a gateway that has been running a while.
//   mutation MIB    PUTs a MIB-sized random file at A and waits until its receipt
//                   (safe-at-central) is true; then (1) overwrites 64 KiB in the middle and
//                   (2) inserts 100 bytes 4 KiB from the start, PUTting the whole file each
//                   time (WebDAV has no partial write) and waiting for the receipt. Reports
//                   A's upstream bytes (tributary_upstream_bytes) for each step divided by the
//                   bytes changed. Also writes the three versions to --mutation-dir for rsync.
// Every wait is bounded (60 s per file); any non-2xx answer aborts with exit status 1.
// Result lines start with SYNCBENCH.

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class SyncBench {
    static final Duration WAIT = Duration.ofSeconds(60);
    static HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    static String auth;
    static URI a, b, aMetrics, bMetrics;
    static Path mutationDir = Path.of("bench/work/mutation");

    public static void main(String[] args) throws Exception {
        String user = "bench", pass = "bench";
        List<String> phases = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--a" -> a = URI.create(args[++i]);
                case "--b" -> b = URI.create(args[++i]);
                case "--a-metrics" -> aMetrics = URI.create(args[++i]);
                case "--b-metrics" -> bMetrics = URI.create(args[++i]);
                case "--user" -> user = args[++i];
                case "--pass" -> pass = args[++i];
                case "--mutation-dir" -> mutationDir = Path.of(args[++i]);
                default -> phases.add(args[i]);
            }
        }
        auth = "Basic " + Base64.getEncoder().encodeToString((user + ":" + pass).getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < phases.size(); i += 2) {
            int n = Integer.parseInt(phases.get(i + 1));
            switch (phases.get(i)) {
                case "propagation" -> propagation(n);
                case "smallfiles" -> smallFiles(n, true);
                case "warmup" -> smallFiles(n, false);
                case "mutation" -> mutation(n);
                default -> throw new IllegalArgumentException("unknown phase " + phases.get(i));
            }
        }
    }

    static HttpResponse<String> send(String method, URI uri, HttpRequest.BodyPublisher body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(uri).method(method, body).timeout(WAIT).header("Authorization", auth);
        for (int i = 0; i < headers.length; i += 2) {
            r.header(headers[i], headers[i + 1]);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    static void ok(HttpResponse<?> r, String what) {
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(what + " -> " + r.statusCode() + " " + r.body());
        }
    }

    static void mkcol(URI base, String dir) throws Exception {
        HttpResponse<String> r = send("MKCOL", base.resolve(dir + "/"), HttpRequest.BodyPublishers.noBody());
        if (r.statusCode() != 201 && r.statusCode() != 405) {
            throw new IllegalStateException("MKCOL " + dir + " -> " + r.statusCode());
        }
    }

    static void propagation(int n) throws Exception {
        String dir = "propagation-" + System.nanoTime();
        mkcol(a, dir);
        byte[] body = new byte[1024];
        long[] millis = new long[n];
        for (int i = 0; i < n; i++) {
            new SplittableRandom(i).nextBytes(body);
            URI atA = a.resolve(dir + "/f" + i + ".txt");
            ok(send("PUT", atA, HttpRequest.BodyPublishers.ofByteArray(body)), "PUT");
            long start = System.nanoTime();
            URI atB = b.resolve(dir + "/f" + i + ".txt");
            while (send("HEAD", atB, HttpRequest.BodyPublishers.noBody()).statusCode() != 200) {
                if (System.nanoTime() - start > WAIT.toNanos()) {
                    throw new IllegalStateException(atB + " never appeared at B");
                }
                Thread.sleep(2);
            }
            millis[i] = (System.nanoTime() - start) / 1_000_000;
        }
        Arrays.sort(millis);
        System.out.printf("SYNCBENCH propagation writes=%d p50_ms=%d p90_ms=%d p99_ms=%d max_ms=%d%n", n,
                millis[n / 2], millis[(int) (n * 0.9)], millis[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)], millis[n - 1]);
    }

    static int listed(URI base, String dir) throws Exception {
        HttpResponse<String> r = send("PROPFIND", base.resolve(dir + "/"), HttpRequest.BodyPublishers.ofString(
                "<?xml version=\"1.0\"?><D:propfind xmlns:D=\"DAV:\"><D:prop><D:resourcetype/></D:prop></D:propfind>"),
                "Depth", "1", "Content-Type", "application/xml");
        if (r.statusCode() == 404) {
            return 0;
        }
        ok(r, "PROPFIND");
        Matcher m = Pattern.compile("<D:response>").matcher(r.body());
        int count = 0;
        while (m.find()) {
            count++;
        }
        return Math.max(0, count - 1);
    }

    static void smallFiles(int n, boolean report) throws Exception {
        String dir = "small-" + System.nanoTime();
        long appliedBefore = counter(bMetrics, "tributary_downstream_changes_applied");
        mkcol(a, dir);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        long start = System.nanoTime();
        List<Future<?>> puts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            puts.add(pool.submit(() -> {
                byte[] body = new byte[4096];
                new SplittableRandom(k * 31L + 7).nextBytes(body);
                ok(send("PUT", a.resolve(dir + "/f" + k + ".bin"), HttpRequest.BodyPublishers.ofByteArray(body)), "PUT");
                return null;
            }));
        }
        for (Future<?> f : puts) {
            f.get();
        }
        double putSeconds = (System.nanoTime() - start) / 1e9;
        // Poll B's counter of applied changes (cheap), not its listing (10,000 entries per poll would load B).
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (counter(bMetrics, "tributary_downstream_changes_applied") < appliedBefore + n + 1) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("B applied too few changes after 5 minutes");
            }
            Thread.sleep(20);
        }
        double listedSeconds = (System.nanoTime() - start) / 1e9;
        if (listed(b, dir) != n) {
            throw new IllegalStateException("B lists " + listed(b, dir) + " of " + n + " files");
        }
        long readStart = System.nanoTime();
        List<Future<?>> gets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            gets.add(pool.submit(() -> {
                ok(send("GET", b.resolve(dir + "/f" + k + ".bin"), HttpRequest.BodyPublishers.noBody()), "GET at B");
                return null;
            }));
        }
        for (Future<?> f : gets) {
            f.get();
        }
        double readSeconds = (System.nanoTime() - readStart) / 1e9;
        pool.shutdown();
        if (!report) {
            System.out.printf("warm-up: %d small files through A and B in %.1f s%n", n, listedSeconds + readSeconds);
            return;
        }
        System.out.printf("SYNCBENCH smallfiles files=%d put_at_a_s=%.2f listed_at_b_s=%.2f files_per_s=%.0f read_all_at_b_s=%.2f%n",
                n, putSeconds, listedSeconds, n / listedSeconds, readSeconds);
    }

    static long upstreamBytes() throws Exception {
        return counter(aMetrics, "tributary_upstream_bytes");
    }

    static long counter(URI metrics, String name) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(metrics).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("(?m)^" + name + "(?:_total)? ([0-9.eE+]+)").matcher(r.body());
        if (!m.find()) {
            throw new IllegalStateException("no " + name + " in " + metrics);
        }
        return (long) Double.parseDouble(m.group(1));
    }

    static boolean safe(URI uri) throws Exception {
        HttpResponse<String> r = send("PROPFIND", uri, HttpRequest.BodyPublishers.ofString(
                "<?xml version=\"1.0\"?><D:propfind xmlns:D=\"DAV:\" xmlns:T=\"urn:tributary:v1\"><D:prop><T:safe-at-central/></D:prop></D:propfind>"),
                "Depth", "0", "Content-Type", "application/xml");
        return r.body().contains(">true<");
    }

    /** PUTs the file, waits for its receipt and for the upstream counter to settle; returns bytes sent. */
    static long putAndMeasure(URI uri, byte[] content) throws Exception {
        long before = upstreamBytes();
        ok(send("PUT", uri, HttpRequest.BodyPublishers.ofByteArray(content)), "PUT");
        long start = System.nanoTime();
        while (!safe(uri)) {
            if (System.nanoTime() - start > WAIT.toNanos()) {
                throw new IllegalStateException(uri + " never became safe at central");
            }
            Thread.sleep(20);
        }
        // Heartbeats also count as upstream bytes; they are tens of bytes every 5 s.
        return upstreamBytes() - before;
    }

    static void mutation(int mib) throws Exception {
        String dir = "mutation-" + System.nanoTime();
        mkcol(a, dir);
        URI file = a.resolve(dir + "/big.bin");
        byte[] v0 = new byte[mib << 20];
        new SplittableRandom(99).nextBytes(v0);
        long initial = putAndMeasure(file, v0);

        byte[] v1 = v0.clone();
        byte[] patch = new byte[64 << 10];
        new SplittableRandom(100).nextBytes(patch);
        System.arraycopy(patch, 0, v1, v1.length / 2, patch.length);
        long overwrite = putAndMeasure(file, v1);

        byte[] insert = new byte[100];
        new SplittableRandom(101).nextBytes(insert);
        byte[] v2 = new byte[v1.length + insert.length];
        System.arraycopy(v1, 0, v2, 0, 4096);
        System.arraycopy(insert, 0, v2, 4096, insert.length);
        System.arraycopy(v1, 4096, v2, 4096 + insert.length, v1.length - 4096);
        long inserted = putAndMeasure(file, v2);

        Files.createDirectories(mutationDir);
        Files.write(mutationDir.resolve("v0.bin"), v0);
        Files.write(mutationDir.resolve("v1.bin"), v1);
        Files.write(mutationDir.resolve("v2.bin"), v2);
        System.out.printf("SYNCBENCH mutation file_mib=%d initial_bytes=%d overwrite_bytes=%d overwrite_ratio=%.2f insert_bytes=%d insert_ratio=%.2f%n",
                mib, initial, overwrite, overwrite / (double) patch.length, inserted, inserted / (double) insert.length);
    }
}
