package io.tributary.sync;

import io.tributary.gateway.it.Dav;
import io.tributary.gateway.it.GatewayProcess;
import io.tributary.gateway.it.Metrics;
import io.tributary.gateway.it.PseudoRandomStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sync client against a real gateway process over real TLS: folders converge through the
 * gateway, conflicts keep both versions, and content the gateway has never crosses the LAN.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SyncClientIT extends GatewayWithLanApi {
    @Override
    String label() {
        return "sync";
    }

    @Test
    void twoFoldersConvergeThroughTheGatewayAfterChangesOnBothSides() throws Exception {
        dav.mkdirs("team");
        Path a = root.resolve("alice");
        Path b = root.resolve("bob");
        write(a.resolve("docs/plan.txt"), "v1 of the plan\n");
        write(a.resolve("docs/old/notes.txt"), "old notes\n");
        Files.write(Files.createDirectories(a.resolve("media")).resolve("clip.bin"), new PseudoRandomStream(7, 3 << 20).readAllBytes());
        Files.createDirectories(a.resolve("empty-folder"));
        assertTrue(once(a), "A's first sync");
        assertTrue(once(b), "B's first sync");
        assertEquals(tree(a), tree(b), "B holds what A had");

        // Changes on both sides, to different paths.
        write(b.resolve("docs/plan.txt"), "v2 of the plan, by bob\n");
        Files.delete(b.resolve("docs/old/notes.txt"));
        Files.move(b.resolve("media"), b.resolve("videos"));
        write(b.resolve("videos/new.txt"), "new\n");
        write(a.resolve("from-alice.txt"), "hello bob\n");
        Files.delete(a.resolve("empty-folder"));
        assertTrue(once(b));
        assertTrue(once(a));
        assertTrue(once(b));
        TreeMap<String, String> expected = tree(a);
        assertEquals(expected, tree(b), "both folders hold the same tree");
        assertEquals("v2 of the plan, by bob\n", Files.readString(a.resolve("docs/plan.txt")));
        assertFalse(Files.exists(a.resolve("media")), "the rename reached A");
        assertTrue(Files.exists(a.resolve("videos/clip.bin")));
        assertFalse(Files.exists(b.resolve("empty-folder")), "the folder delete reached B");
        assertEquals(mine(expected).keySet(), davTree().keySet(), "and so does the share");

        // Nothing changed: a run finds nothing to do.
        Reconciler.Result idle = run(a);
        assertEquals(0, idle.uploaded() + idle.downloaded() + idle.deleted());
    }

    @Test
    void aFileEditedHereAndOverWebDavKeepsBothVersionsAndBothSidesAgree() throws Exception {
        Path c = root.resolve("carol");
        dav.mkdirs("shared");
        write(c.resolve("shared/report.txt"), "draft\n");
        assertTrue(once(c));
        write(c.resolve("shared/report.txt"), "carol's edit\n");
        assertEquals(204, dav.put("shared/report.txt", "dave's edit\n".getBytes(StandardCharsets.UTF_8)).statusCode());

        Reconciler.Result r = run(c);
        assertEquals(1, r.conflicts());
        assertTrue(r.inSync());
        List<String> local;
        try (Stream<Path> files = Files.list(c.resolve("shared"))) {
            local = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(2, local.size(), local.toString());
        String copy = local.stream().filter(n -> !n.equals("report.txt")).findFirst().orElseThrow();
        assertTrue(copy.matches("report \\(conflict from test-host \\d{4}-\\d{2}-\\d{2} \\d{6}\\)\\.txt"), copy);
        assertEquals("dave's edit\n", Files.readString(c.resolve("shared/report.txt")), "the gateway's version keeps the name");
        assertEquals("carol's edit\n", Files.readString(c.resolve("shared/" + copy)), "ours is kept beside it");
        assertEquals("dave's edit\n", dav.getString("shared/report.txt").body());
        assertEquals("carol's edit\n", dav.getString("shared/" + copy).body());
        assertTrue(once(c), "and then all is in sync");
        Reconciler.Result idle = run(c);
        assertEquals(0, idle.uploaded() + idle.downloaded() + idle.conflicts());
    }

    @Test
    void aFileTheGatewayAlreadyHasCrossesTheLanAsDigestsOnly() throws Exception {
        byte[] content = new PseudoRandomStream(9, 8 << 20).readAllBytes();
        dav.mkdirs("archive");
        assertEquals(201, dav.put("archive/original.iso", content).statusCode());
        Path e = root.resolve("erin");
        Files.write(Files.createDirectories(e.resolve("mine")).resolve("copy.iso"), content);
        Metrics before = gateway.metrics();
        Reconciler.Result r = run(e);
        Metrics after = gateway.metrics();
        assertTrue(r.inSync());
        assertEquals(0, r.bytesSent(), "the client sent no content");
        assertEquals(0, after.count("tributary_client_lan_received_bytes") - before.count("tributary_client_lan_received_bytes"),
                "the gateway received none");
        assertTrue(after.count("tributary_client_lan_deduplicated_bytes") - before.count("tributary_client_lan_deduplicated_bytes")
                >= content.length);
        assertEquals(content.length, dav.get("mine/copy.iso").bytes());
    }

    @Test
    void manyFilesGoUpSeveralAtOnceEachIntact() throws Exception {
        Path f = root.resolve("frank");
        java.util.SplittableRandom random = new java.util.SplittableRandom(13);
        for (int i = 0; i < 400; i++) {
            byte[] data = new byte[1 + random.nextInt(i % 40 == 0 ? 600_000 : 20_000)];
            random.nextBytes(data);
            Files.write(Files.createDirectories(f.resolve("many/d" + (i % 7))).resolve("f" + i + ".bin"), data);
        }
        Reconciler.Result r = run(f);
        assertTrue(r.inSync(), "every file went up intact");
        assertTrue(r.uploaded() >= 400, r.toString());
        TreeMap<String, String> here = tree(f.resolve("many"));
        for (var e : here.entrySet()) {
            if (!e.getValue().equals("dir")) {
                assertEquals(e.getValue(), io.tributary.gateway.it.Sha256.of(Files.newInputStream(f.resolve("many").resolve(e.getKey()))).hex());
                assertEquals(e.getValue(), dav.get("many/" + e.getKey()).sha256(), e.getKey());
            }
        }
    }

    @Test
    void aConnectionCutInTheMiddleOfTheUploadIsRetriedAndTheFolderEndsInSync() throws Exception {
        Path g = root.resolve("grace");
        java.util.SplittableRandom random = new java.util.SplittableRandom(21);
        long total = 0;
        for (int i = 0; i < 40; i++) {
            byte[] data = new byte[100_000 + random.nextInt(200_000)];
            random.nextBytes(data);
            total += data.length;
            Files.write(Files.createDirectories(g.resolve("cut/d" + (i % 3))).resolve("f" + i + ".bin"), data);
        }
        java.io.ByteArrayOutputStream said = new java.io.ByteArrayOutputStream();
        Reconciler.Result r;
        try (CuttingProxy proxy = new CuttingProxy(gateway.lanPort(), 3 << 20)) {
            r = run(g, proxy.port(), new java.io.PrintStream(said, true, StandardCharsets.UTF_8));
            assertEquals(1, proxy.cuts(), "the first connection was cut");
            assertTrue(proxy.connections() >= 2, "the client connected again");
        }
        String output = said.toString(StandardCharsets.UTF_8);
        assertTrue(r.inSync(), output);
        assertTrue(output.contains("failed because the connection to the gateway broke; trying again"), output);
        // Files whose answer the cut lost were written all the same; the retry finds them there.
        assertTrue(r.bytesSent() < total * 3 / 2, "what went up before the cut was not sent again: " + r + ", " + total + " bytes in all");
        for (var e : tree(g.resolve("cut")).entrySet()) {
            if (!e.getValue().equals("dir")) {
                assertEquals(e.getValue(), dav.get("cut/" + e.getKey()).sha256(), e.getKey());
            }
        }
        Reconciler.Result idle = run(g);
        assertEquals(0, idle.uploaded() + idle.downloaded() + idle.conflicts(), "nothing left to do: " + idle);
    }

    @Test
    void aGatewayFullOfFilesUnderWayTurnsSomeAwayAndTheClientBeginsThemAgain() throws Exception {
        // A gateway of its own whose Write calls may hold a weight of 16 at once (eight small files),
        // and a folder that asks for far more.
        try (GatewayProcess busy = GatewayProcess.start(GatewayProcess.Config.of("sync-busy", root.resolve("busy-gateway"))
                .extraArgs("--grpc-port", "0", "--lan-write-budget", "16"))) {
            Path h = root.resolve("heidi");
            java.util.SplittableRandom random = new java.util.SplittableRandom(34);
            for (int i = 0; i < 300; i++) {
                byte[] data = new byte[1 + random.nextInt(8_000)];
                random.nextBytes(data);
                Files.write(Files.createDirectories(h.resolve("busy/d" + (i % 5))).resolve("f" + i + ".bin"), data);
            }
            byte[] big = new byte[3 << 20];   // some 48 chunks: heavier than the whole budget, so it goes alone
            random.nextBytes(big);
            Files.write(h.resolve("busy/big.bin"), big);
            java.io.ByteArrayOutputStream said = new java.io.ByteArrayOutputStream();
            Reconciler.Result r = run(h, busy, busy.lanPort(), new java.io.PrintStream(said, true, StandardCharsets.UTF_8));
            String output = said.toString(StandardCharsets.UTF_8);
            assertTrue(r.inSync(), output);
            assertEquals(301, r.uploaded(), r.toString());
            assertTrue(busy.metrics().count("tributary_lan_writes_deferred") > 0, "the gateway turned files away for a while");
            Dav busyDav = busy.dav(Duration.ofMinutes(1));
            for (var e : tree(h.resolve("busy")).entrySet()) {
                if (!e.getValue().equals("dir")) {
                    assertEquals(e.getValue(), busyDav.get("busy/" + e.getKey()).sha256(), e.getKey());
                }
            }
        }
    }

    private Reconciler.Result run(Path folder) throws IOException {
        return run(folder, gateway.lanPort(), System.out);
    }

    private Reconciler.Result run(Path folder, int port, java.io.PrintStream out) throws IOException {
        return run(folder, gateway, port, out);
    }

    private static Reconciler.Result run(Path folder, GatewayProcess gateway, int port, java.io.PrintStream out) throws IOException {
        Files.createDirectories(folder);
        try (ShareClient client = ShareClient.connect(GatewayAddress.parse("127.0.0.1:" + port + "/share"),
                gateway.lanCertificate(), gateway.user(), gateway.password().toCharArray());
             SyncState state = SyncState.open(folder);
             Progress progress = new Progress(out, false)) {
            return new FolderSync(folder, client, state, progress, "test-host").once();
        }
    }

    private boolean once(Path folder) throws IOException {
        return run(folder).inSync();
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    /** Every path of a folder (but the state) with a digest of each file: equal trees, equal maps. */
    private static TreeMap<String, String> tree(Path folder) throws IOException {
        TreeMap<String, String> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(folder)) {
            all.filter(p -> !p.equals(folder) && !folder.relativize(p).startsWith(SyncState.DIR)).forEach(p -> {
                try {
                    out.put(folder.relativize(p).toString(), Files.isDirectory(p) ? "dir"
                            : HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
                } catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                } catch (java.security.GeneralSecurityException ex) {
                    throw new IllegalStateException(ex);
                }
            });
        }
        return out;
    }

    /** The share's paths in the same form as {@link #tree}, of the folders the convergence test uses. */
    private TreeMap<String, String> davTree() {
        TreeMap<String, String> out = new TreeMap<>();
        for (var e : dav.tree("").entrySet()) {
            out.put(e.getKey().replaceAll("^/+|/+$", ""), e.getValue());
        }
        return mine(out);
    }

    /** Only the convergence test's paths: other tests of this class write to the same share. */
    private static TreeMap<String, String> mine(TreeMap<String, String> tree) {
        TreeMap<String, String> out = new TreeMap<>();
        tree.forEach((path, value) -> {
            if (Stream.of("docs", "videos", "media", "empty-folder", "from-alice.txt").anyMatch(path::startsWith)) {
                out.put(path, value);
            }
        });
        return out;
    }
}
