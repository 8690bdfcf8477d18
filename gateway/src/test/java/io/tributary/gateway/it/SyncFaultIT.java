package io.tributary.gateway.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sync when things fail: central killed with SIGKILL under load, a gateway killed mid-upload, and
 * two branches editing one file while they cannot reach central. Each test has its own fleet.
 */
class SyncFaultIT {
    private static final long MIB = 1 << 20;

    @TempDir
    Path root;

    private Fleet fleet;

    @AfterEach
    void stop() {
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void simultaneousEditsOfOneFileLeaveExactlyOneConflictCopyAndTheSameResultEverywhere() {
        fleet = new Fleet(root);
        GatewayProcess a = fleet.gateway("Alpha");
        GatewayProcess b = fleet.gateway("Bravo");
        Dav atA = a.dav();
        Dav atB = b.dav();
        atA.mkdirs("plans");
        Fleet.assertWritten(atA.put("plans/budget.txt", "v1\n".getBytes(StandardCharsets.UTF_8)), "PUT v1");
        Fleet.await(Duration.ofSeconds(30), "v1 at B", () -> atB.get("plans/budget.txt").status() == 200);

        // Both branches edit the same version while neither can reach central.
        fleet.killCentral();
        Fleet.assertWritten(atA.put("plans/budget.txt", "alpha's edit\n".getBytes(StandardCharsets.UTF_8), "edit-at-alpha-1"), "PUT at A");
        Fleet.assertWritten(atB.put("plans/budget.txt", "bravo's edit\n".getBytes(StandardCharsets.UTF_8), "edit-at-bravo-1"), "PUT at B");
        fleet.startCentral();

        Fleet.await(Duration.ofMinutes(1), "both branches list budget.txt and one conflict copy",
                () -> atA.list("plans").size() == 2 && atB.list("plans").size() == 2);
        List<String> namesA = names(atA.list("plans"));
        assertEquals(namesA, names(atB.list("plans")), "both branches list the same names");
        String copy = namesA.stream().filter(n -> !n.equals("budget.txt")).findFirst().orElseThrow();
        assertTrue(copy.matches("budget \\(conflict from (Alpha|Bravo) \\d{4}-\\d{2}-\\d{2} \\d{6}\\)\\.txt"), copy);
        Fleet.await(Duration.ofSeconds(30), "same content everywhere",
                () -> Fleet.contentTree(atA, "plans").equals(Fleet.contentTree(atB, "plans")));
        String winner = atA.getString("plans/budget.txt").body();
        String loser = atA.getString("plans/" + copy).body();
        assertTrue(List.of(winner, loser).containsAll(List.of("alpha's edit\n", "bravo's edit\n")),
                "one edit at the name, the other in the copy: " + winner + " / " + loser);
        assertEquals(1, fleet.central().metrics().count("central_conflicts_total"), "central recorded one conflict");
        // The losing edit's request id came up with it from its branch's journal into central's log line.
        String losingRequest = loser.equals("alpha's edit\n") ? "edit-at-alpha-1" : "edit-at-bravo-1";
        String centralLog = fleet.central().log();
        assertTrue(centralLog.lines().anyMatch(l -> l.contains("conflict: put_file of share/plans/budget.txt")
                && l.contains("(request " + losingRequest + ")")), "central logs the conflict with the request id:\n" + centralLog);
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void centralKilledDuringAWriteLoadLosesAndDuplicatesNothing() throws Exception {
        fleet = new Fleet(root);
        GatewayProcess a = fleet.gateway("Alpha");
        GatewayProcess b = fleet.gateway("Bravo");
        Dav atA = a.dav(Duration.ofMinutes(2));
        Dav atB = b.dav(Duration.ofMinutes(2));
        atA.mkdirs("load");
        int files = 50;
        long size = 10 * MIB;
        CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < files; i++) {
                String name = "load/part-" + i + ".bin";
                long seed = PseudoRandomStream.seedOf(name);
                Fleet.assertWritten(atA.put(name, () -> new PseudoRandomStream(seed, size), size), "PUT " + name);
            }
        });
        Fleet.await(Duration.ofMinutes(1), "the load under way", () -> atA.list("load").size() >= 5);
        fleet.killCentral();
        Fleet.await(Duration.ofMinutes(2), "A writing on while central is down", () -> atA.list("load").size() >= 25);
        assertEquals(200, atA.get("load/part-0.bin").status(), "A serves reads while central is down");
        Metrics cutOff = a.metrics();
        assertEquals(0, cutOff.count("tributary_upstream_connected"), "A knows central is gone");
        assertTrue(cutOff.count("tributary_journal_backlog_entries") >= 15,
                "A's journal grows: " + cutOff.count("tributary_journal_backlog_entries") + " entries unacknowledged");
        fleet.startCentral();
        load.get(4, TimeUnit.MINUTES);

        TreeMap<String, String> expected = Fleet.contentTree(atA, "load");
        assertEquals(files, expected.size());
        Fleet.await(Duration.ofMinutes(3), "B's tree equal to A's",
                () -> atB.stat("load") && atB.list("load").size() == files);
        assertEquals(expected, Fleet.contentTree(atB, "load"), "B holds exactly A's files, byte for byte");
        Fleet.await(Duration.ofSeconds(30), "A's backlog drained", () -> a.metrics().count("tributary_journal_backlog_entries") == 0);
        assertEquals(1, a.metrics().count("tributary_upstream_connected"));
        assertEquals(0, fleet.central().metrics().count("central_conflicts_total"), "nothing was applied twice");
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void aGatewayKilledMidUploadResumesFromItsAcknowledgedPosition() {
        fleet = new Fleet(root);
        // A slow uplink, so a kill lands with most of the upload still to go.
        GatewayProcess before = fleet.gateway("Alpha", "--upload-rate", "8m");
        GatewayProcess b = fleet.gateway("Bravo");
        Dav atA = before.dav(Duration.ofMinutes(2));
        atA.mkdirs("resume");
        int files = 12;
        long size = 4 * MIB;
        for (int i = 0; i < files; i++) {
            String name = "resume/f" + i + ".bin";
            long seed = PseudoRandomStream.seedOf(name);
            Supplier<InputStream> body = () -> new PseudoRandomStream(seed, size);
            Fleet.assertWritten(atA.put(name, body, size), "PUT " + name);
        }
        Fleet.await(Duration.ofMinutes(1), "part of the upload done",
                () -> before.metrics().count("tributary_upstream_chunk_bytes") > 4 * MIB);
        long sentBeforeKill = before.metrics().count("tributary_upstream_chunk_bytes");
        before.kill();
        GatewayProcess a = fleet.restart(before);
        Dav restarted = a.dav(Duration.ofMinutes(2));
        Dav atB = b.dav(Duration.ofMinutes(2));
        TreeMap<String, String> expected = Fleet.contentTree(restarted, "resume");
        Fleet.await(Duration.ofMinutes(3), "B's tree equal to A's",
                () -> atB.stat("resume") && atB.list("resume").size() == files);
        assertEquals(expected, Fleet.contentTree(atB, "resume"));
        long sentAfterRestart = a.metrics().count("tributary_upstream_chunk_bytes");
        assertTrue(sentBeforeKill + sentAfterRestart < files * size + 8 * MIB,
                "after the restart A sent " + sentAfterRestart + " more bytes on top of " + sentBeforeKill
                        + ": it resumed instead of starting over");
        assertEquals(0, fleet.central().metrics().count("central_conflicts_total"));
    }

    /**
     * A branch edits a file twice while away, and another branch's edit reaches central first. The
     * first edit becomes a conflict copy, so central cannot find the second one's base at the
     * path: it refuses the manifest edit, and the branch sends that batch again whole.
     */
    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void anEditWhoseBaseCentralCannotFindIsSentAgainWholeAndConvergesAsConflictCopies() throws Exception {
        fleet = new Fleet(root);
        GatewayProcess before = fleet.gateway("Alpha");
        GatewayProcess b = fleet.gateway("Bravo");
        Dav atA = before.dav();
        Dav atB = b.dav();
        byte[] v0 = new PseudoRandomStream(5, MIB).readAllBytes();
        atA.mkdirs("twice");
        Fleet.assertWritten(atA.put("twice/model.bin", v0), "PUT v0 at A");
        Fleet.await(Duration.ofSeconds(30), "v0 at B", () -> atB.get("twice/model.bin").status() == 200);

        fleet.killCentral();
        Fleet.assertWritten(atA.put("twice/model.bin", patched(v0, 100_000, 6)), "first edit at A");
        Fleet.assertWritten(atA.mkcol("twice/between"), "MKCOL at A");
        Fleet.assertWritten(atA.put("twice/model.bin", patched(patched(v0, 100_000, 6), 700_000, 7)), "second edit at A");
        before.kill();
        Fleet.assertWritten(atB.put("twice/model.bin", patched(v0, 300_000, 8)), "edit at B");
        fleet.startCentral();
        Fleet.await(Duration.ofMinutes(1), "B's edit safe at central", () -> Fleet.receipt(atB, "twice/model.bin").equals("true"));

        GatewayProcess a = fleet.restart(before);
        Dav restarted = a.dav();
        Fleet.await(Duration.ofMinutes(1), "both branches list the file, two conflict copies and the folder",
                () -> restarted.list("twice").size() == 4 && atB.list("twice").size() == 4);
        Fleet.await(Duration.ofSeconds(30), "same content everywhere",
                () -> Fleet.contentTree(restarted, "twice").equals(Fleet.contentTree(atB, "twice")));
        assertEquals(Sha256.of(new java.io.ByteArrayInputStream(patched(v0, 300_000, 8))).hex(),
                restarted.get("twice/model.bin").sha256(), "B's edit reached central first and keeps the name");
        assertEquals(2, fleet.central().metrics().count("central_conflicts_total"), "one conflict copy per edit at A");
        assertTrue(fleet.central().metrics().count("central_sessions_refused_total") >= 1, "central refused the edit once");
        assertTrue(a.log().contains("send the whole manifest"), "A logged why it resent");
    }

    /** {@code base} with 4 KiB at {@code offset} replaced by pseudo-random bytes of {@code seed}. */
    private static byte[] patched(byte[] base, int offset, long seed) throws java.io.IOException {
        byte[] out = base.clone();
        System.arraycopy(new PseudoRandomStream(seed, 4096).readAllBytes(), 0, out, offset, 4096);
        return out;
    }

    private static List<String> names(List<Dav.Entry> entries) {
        List<String> out = new ArrayList<>();
        entries.forEach(e -> out.add(e.name()));
        return out;
    }
}
