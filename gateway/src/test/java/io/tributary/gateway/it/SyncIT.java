package io.tributary.gateway.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Branch to branch through a real central: one central and two gateways, each a child process on
 * loopback, talking gRPC to each other and WebDAV to the test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SyncIT {
    private static final String ADMIN_PASSWORD = "restore-admin-pw";
    private static final long MIB = 1 << 20;

    @TempDir
    static Path root;

    private Fleet fleet;
    private GatewayProcess a;
    private GatewayProcess b;
    private Dav atA;
    private Dav atB;

    @BeforeAll
    void start() {
        fleet = new Fleet(root, "--admin-user", "admin:" + ADMIN_PASSWORD);
        a = fleet.gateway("Alpha");
        b = fleet.gateway("Bravo");
        atA = a.dav(Duration.ofMinutes(3));
        atB = b.dav(Duration.ofMinutes(3));
    }

    @AfterAll
    void stop() {
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aFileWrittenAtOneBranchIsReadableByteIdenticalAtTheOtherAndItsReceiptTurnsTrue() {
        atA.mkdirs("hello/reports");
        Supplier<InputStream> content = () -> new PseudoRandomStream(42, 3 * MIB + 17);
        Fleet.assertWritten(atA.put("hello/reports/q3.bin", content, 3 * MIB + 17), "PUT at A");
        String expected = Sha256.of(content.get()).hex();

        Fleet.await(Duration.ofSeconds(30), "q3.bin readable at B", () -> atB.get("hello/reports/q3.bin").status() == 200);
        Dav.Download atBravo = atB.get("hello/reports/q3.bin");
        assertEquals(expected, atBravo.sha256(), "B serves the bytes A was given");
        assertTrue(b.metrics().count("tributary_cache_fills") > 0, "B fetched the content from central");

        Fleet.await(Duration.ofSeconds(30), "A's receipt for q3.bin", () -> Fleet.receipt(atA, "hello/reports/q3.bin").equals("true"));
        assertEquals("true", Fleet.receipt(atB, "hello/reports/q3.bin"), "what came from central is safe at central");

        // The efficiency gauge is upstream bytes per byte clients changed, from the same scrape.
        Metrics m = a.metrics();
        double changed = m.value("tributary_client_webdav_received_bytes_total") + m.value("tributary_client_lan_received_bytes_total")
                + m.value("tributary_client_lan_deduplicated_bytes_total");
        double efficiency = m.value("tributary_upstream_efficiency_ratio");
        assertTrue(changed >= 3 * MIB && efficiency > 0, "upstream bytes per byte changed: " + efficiency);
        assertEquals(m.value("tributary_upstream_bytes_total") / changed, efficiency, efficiency * 0.01);
        String ready = health(a);
        assertTrue(ready.contains("\"status\":\"UP\"") && ready.contains("\"central\":\"connected\""), ready);
    }

    private static String health(GatewayProcess g) {
        try {
            return g.httpClient().send(java.net.http.HttpRequest.newBuilder(g.httpUri().resolve("/health/ready"))
                    .timeout(Duration.ofSeconds(10)).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A PUT sent again once if the connection broke before any answer (the client may have reused
     * a keep-alive connection just as the server closed it); an unanswered PUT changed nothing
     * acknowledged, and this test is about what happens after the load.
     */
    private HttpResponse<String> putRetryingOnce(String path, byte[] body) {
        try {
            return atA.put(path, body);
        } catch (java.io.UncheckedIOException e) {
            System.out.println("PUT " + path + " sent again after: " + e.getCause());
            return atA.put(path, body);
        }
    }


    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void renamingADirectoryOfTenThousandFilesReachesTheOtherBranchAsOneOperation() throws Exception {
        int files = 10_000;
        atA.mkdirs("bulk/before");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<HttpResponse<String>>> puts = new ArrayList<>();
            for (int i = 0; i < files; i++) {
                String path = "bulk/before/f" + i + ".txt";
                byte[] body = ("file " + i + "\n").getBytes(StandardCharsets.UTF_8);
                puts.add(pool.submit(() -> putRetryingOnce(path, body)));
            }
            for (Future<HttpResponse<String>> f : puts) {
                Fleet.assertWritten(f.get(2, TimeUnit.MINUTES), "PUT");
            }
        } finally {
            pool.shutdownNow();
        }
        Fleet.await(Duration.ofMinutes(2), files + " files listed at B",
                () -> atB.stat("bulk/before") && atB.list("bulk/before").size() == files);

        long sentBefore = a.metrics().count("tributary_upstream_operations");
        long appliedBefore = b.metrics().count("tributary_downstream_changes_applied");
        Fleet.assertWritten(atA.move("bulk/before", "bulk/after", false), "MOVE at A");
        Fleet.await(Duration.ofSeconds(30), "the renamed directory at B", () -> atB.stat("bulk/after"));

        assertEquals(files, atB.list("bulk/after").size());
        assertTrue(!atB.stat("bulk/before"), "the old name is gone at B");
        Fleet.await(Duration.ofSeconds(10), "A's acknowledgement of the move",
                () -> a.metrics().count("tributary_upstream_operations") > sentBefore);
        assertEquals(1, a.metrics().count("tributary_upstream_operations") - sentBefore, "A sent one operation");
        assertEquals(1, b.metrics().count("tributary_downstream_changes_applied") - appliedBefore, "B applied one change");
        assertEquals(200, atB.get("bulk/after/f9999.txt").status());
    }

    private HttpResponse<String> central(String method, String path, String json) {
        return AdminSession.signIn(fleet.central().httpUri(), "admin", ADMIN_PASSWORD).call(method, path, json);
    }

    private void putText(Dav dav, String path, String text) {
        Fleet.assertWritten(dav.put(path, text.getBytes(StandardCharsets.UTF_8)), "PUT " + path);
        Fleet.await(Duration.ofSeconds(30), path + " safe at central", () -> Fleet.receipt(dav, path).equals("true"));
    }

    private static void awaitText(Dav dav, String path, String text) {
        Fleet.await(Duration.ofSeconds(30), path + " reads '" + text.strip() + "'", () -> {
            HttpResponse<String> r = dav.getString(path);
            return r.statusCode() == 200 && r.body().equals(text);
        });
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void restoringAnOlderVersionAndAFolderAtAPointInTimeReachesEveryBranch() {
        atA.mkdirs("restore/dir");
        putText(atA, "restore/doc.txt", "first draft\n");
        putText(atA, "restore/doc.txt", "second draft\n");
        awaitText(atB, "restore/doc.txt", "second draft\n");

        HttpResponse<String> versions = central("GET", "/api/v1/shares/share/versions?path=restore/doc.txt", null);
        assertEquals(200, versions.statusCode(), versions::body);
        String olderRevision = null;
        for (String version : versions.body().split("\\{\"path\":")) {
            var revision = java.util.regex.Pattern.compile("\"revision\":(\\d+)").matcher(version);
            if (version.contains("\"current\":false") && revision.find()) {
                olderRevision = revision.group(1);
            }
        }
        assertTrue(olderRevision != null, "central lists the first draft as an older version: " + versions.body());
        HttpResponse<String> restored = central("POST", "/api/v1/shares/share/restore",
                "{\"path\":\"restore/doc.txt\",\"revision\":" + olderRevision + "}");
        assertEquals(200, restored.statusCode(), restored::body);
        awaitText(atB, "restore/doc.txt", "first draft\n");
        awaitText(atA, "restore/doc.txt", "first draft\n");

        putText(atA, "restore/dir/kept.txt", "as it was\n");
        long pointInTime = System.currentTimeMillis();
        Fleet.await(Duration.ofSeconds(5), "the clock past the point in time", () -> System.currentTimeMillis() > pointInTime + 5);
        putText(atA, "restore/dir/kept.txt", "changed later\n");
        putText(atA, "restore/dir/added-later.txt", "new\n");
        awaitText(atB, "restore/dir/added-later.txt", "new\n");

        HttpResponse<String> folder = central("POST", "/api/v1/shares/share/restore-folder",
                "{\"path\":\"restore/dir\",\"atMillis\":" + pointInTime + "}");
        assertEquals(200, folder.statusCode(), folder::body);
        for (Dav dav : List.of(atA, atB)) {
            awaitText(dav, "restore/dir/kept.txt", "as it was\n");
            Fleet.await(Duration.ofSeconds(30), "added-later.txt gone", () -> !dav.stat("restore/dir/added-later.txt"));
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void theSameContentWrittenAtBothBranchesCrossesToCentralOnce() {
        long size = 200 * MIB;
        Supplier<InputStream> content = () -> new PseudoRandomStream(2024, size);
        atA.mkdirs("same");
        atB.mkdirs("same-b");
        long centralBefore = fleet.central().metrics().count("central_chunk_bytes_received_total");

        Fleet.assertWritten(atA.put("same/at-alpha.bin", content, size), "PUT at A");
        Fleet.await(Duration.ofMinutes(2), "A's copy safe at central", () -> Fleet.receipt(atA, "same/at-alpha.bin").equals("true"));
        long afterA = fleet.central().metrics().count("central_chunk_bytes_received_total") - centralBefore;
        assertTrue(afterA >= size, "central received A's " + size + " bytes (sealed: " + afterA + ")");

        long bSentBefore = b.metrics().count("tributary_upstream_chunk_bytes");
        Fleet.assertWritten(atB.put("same-b/at-bravo.bin", content, size), "PUT at B");
        Fleet.await(Duration.ofMinutes(2), "B's copy safe at central", () -> Fleet.receipt(atB, "same-b/at-bravo.bin").equals("true"));
        long bSent = b.metrics().count("tributary_upstream_chunk_bytes") - bSentBefore;
        long centralTotal = fleet.central().metrics().count("central_chunk_bytes_received_total") - centralBefore;
        assertTrue(bSent < MIB, "B sent " + bSent + " chunk bytes for content central already had");
        assertTrue(centralTotal - afterA < MIB, "central received " + (centralTotal - afterA) + " more bytes for B's copy");
        System.out.printf("200 MiB at A then at B: central received %d then %d sealed bytes%n", afterA, centralTotal - afterA);
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void editsInsideALargeFileCrossAsDeltasAndReadIdenticalAtTheOtherBranch() throws Exception {
        byte[] v0 = new PseudoRandomStream(77, 16 * MIB).readAllBytes();
        atA.mkdirs("edits");
        Fleet.assertWritten(atA.put("edits/big.bin", () -> new java.io.ByteArrayInputStream(v0), v0.length), "PUT v0 at A");
        Fleet.await(Duration.ofMinutes(1), "v0 safe at central", () -> Fleet.receipt(atA, "edits/big.bin").equals("true"));

        // 64 KiB overwritten in the middle and 100 bytes inserted near the start, in one new version.
        byte[] patch = new PseudoRandomStream(78, 64 << 10).readAllBytes();
        byte[] v1 = new byte[v0.length + 100];
        System.arraycopy(v0, 0, v1, 0, 4096);
        System.arraycopy(new PseudoRandomStream(79, 100).readAllBytes(), 0, v1, 4096, 100);
        System.arraycopy(v0, 4096, v1, 4196, v0.length - 4096);
        System.arraycopy(patch, 0, v1, v1.length / 2, patch.length);
        long changed = patch.length + 100;
        Metrics before = a.metrics();
        Fleet.assertWritten(atA.put("edits/big.bin", () -> new java.io.ByteArrayInputStream(v1), v1.length), "PUT v1 at A");
        Fleet.await(Duration.ofMinutes(1), "v1 safe at central", () -> Fleet.receipt(atA, "edits/big.bin").equals("true"));
        Metrics after = a.metrics();
        long chunkBytes = after.count("tributary_upstream_chunk_bytes") - before.count("tributary_upstream_chunk_bytes");
        long allBytes = after.count("tributary_upstream_bytes") - before.count("tributary_upstream_bytes");
        assertTrue(after.count("tributary_upstream_chunk_deltas") - before.count("tributary_upstream_chunk_deltas") >= 2,
                "both changed places went up as deltas");
        assertEquals(1, after.count("tributary_upstream_manifest_edits") - before.count("tributary_upstream_manifest_edits"));
        assertTrue(chunkBytes < changed + 8192, chunkBytes + " chunk bytes sent for " + changed + " bytes changed");
        // Two places changed: two hunks in one edit, so the manifest costs a few references, not 256.
        assertTrue(allBytes < changed * 11 / 10, allBytes + " bytes sent in all for " + changed + " bytes changed");

        // B never read v0: it fetches the replaced chunks whole as bases, then applies the deltas.
        String expected = Sha256.of(new java.io.ByteArrayInputStream(v1)).hex();
        Fleet.await(Duration.ofSeconds(30), "v1 listed at B", () -> atB.stat("edits") && atB.list("edits").stream()
                .anyMatch(e -> e.path().endsWith("big.bin") && e.length() == v1.length));
        assertEquals(expected, atB.get("edits/big.bin").sha256(), "B rebuilds exactly what A was given");
        assertTrue(b.metrics().count("tributary_chunk_deltas_applied") >= 2, "B read the changed chunks as deltas");
        System.out.printf("edit of %d bytes in a 16 MiB file: %d chunk bytes, %d bytes upstream in all%n", changed, chunkBytes, allBytes);
    }
}
