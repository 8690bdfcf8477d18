package io.tributary.central.meta;

import com.google.protobuf.ByteString;
import io.tributary.central.testing.ManualClock;
import io.tributary.central.testing.TestPostgres;
import io.tributary.central.versions.FileHistory;
import io.tributary.central.versions.FileVersion;
import io.tributary.central.versions.Restore;
import io.tributary.central.versions.Retention;
import io.tributary.proto.v1.ChunkRef;
import io.tributary.proto.v1.Copy;
import io.tributary.proto.v1.Delete;
import io.tributary.proto.v1.Hunk;
import io.tributary.proto.v1.MakeDirectory;
import io.tributary.proto.v1.ManifestEdit;
import io.tributary.proto.v1.Move;
import io.tributary.proto.v1.Operation;
import io.tributary.proto.v1.OperationResult;
import io.tributary.proto.v1.OperationResult.Outcome;
import io.tributary.proto.v1.PatchProperties;
import io.tributary.proto.v1.PutFile;
import io.tributary.proto.v1.SetModified;
import io.tributary.proto.v1.ShareChange;
import io.tributary.proto.v1.Version;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Central's commit rules, run against SQLite and a real PostgreSQL with the same SQL. */
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"sqlite", "postgresql"})
class MetaStoreTest {
    private static final String S = "docs";
    private static final long T0 = Instant.parse("2026-03-04T05:06:07Z").toEpochMilli();

    @Parameter
    String database;

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(T0);
    private MetaStore meta;
    private Origin a;
    private Origin b;

    @BeforeEach
    void open() throws Exception {
        String url = database.equals("sqlite") ? "jdbc:sqlite:" + dir.resolve("meta.db") : TestPostgres.shared().newDatabase();
        meta = MetaStore.open(url, database.equals("sqlite") ? null : "postgres", null, clock);
        a = new Origin("gw-a", "Berlin");
        b = new Origin("gw-b", "Lyon");
        meta.welcome(a.gatewayId(), a.branch());
        meta.welcome(b.gatewayId(), b.branch());
    }

    @AfterEach
    void close() {
        meta.close();
    }

    @Test
    void newFileCreatesItsParentsInOneRevision() throws Exception {
        CommitResult r = meta.commit(a, List.of(put(1, "Reports/2026/Q1.xlsx", null, 1)));
        assertEquals(Outcome.APPLIED, r.ack().getResults(0).getOutcome());
        assertEquals(1, r.ack().getResults(0).getRevision());
        assertEquals(1, r.ack().getAckedPosition());
        assertEquals(1, meta.shareRevision(S).orElseThrow());
        Entry dirEntry = meta.entry(S, path("reports/2026")).orElseThrow();
        assertTrue(dirEntry.dir());
        assertEquals("Reports/2026", dirEntry.path());
        Entry file = meta.entry(S, path("REPORTS/2026/q1.XLSX")).orElseThrow();
        assertEquals("Reports/2026/Q1.xlsx", file.path());
        assertTrue(file.hasVersion("gw-a", 1));
        assertEquals(List.of("Q1.xlsx"), meta.children(S, path("Reports/2026")).stream().map(Entry::name).toList());
        // The feed: the origin does not get its own change back; the other gateway does.
        assertEquals(0, meta.changesAfter(S, 0, "gw-a", 100).size());
        List<ShareChange> forB = meta.changesAfter(S, 0, "gw-b", 100);
        assertEquals(1, forB.size());
        assertTrue(forB.getFirst().getAsSent());
        assertEquals("Berlin", forB.getFirst().getOriginBranch());
        assertEquals(Version.newBuilder().setGatewayId("gw-a").setPosition(1).build(), forB.getFirst().getVersion());
    }

    @Test
    void conflictKeepsTheLoserUnderANumberedNameAndRestatesTheWinner() throws Exception {
        long when = Instant.parse("2026-02-03T14:15:16Z").toEpochMilli();
        meta.commit(a, List.of(put(1, "plan.txt", null, 1)));
        CommitResult first = meta.commit(b, List.of(put(7, "plan.txt", null, 2).toBuilder().setModifiedMillis(when).build()));
        OperationResult r = first.ack().getResults(0);
        assertEquals(Outcome.CONFLICT, r.getOutcome());
        assertEquals(List.of("plan (conflict from Lyon 2026-02-03 141516).txt"), r.getConflictPathList());
        assertEquals(3, r.getRevision());
        assertEquals(1, first.conflicts());

        // The same second again: the name is taken, so " 2" goes before the parenthesis.
        OperationResult again = meta.commit(b, List.of(put(8, "plan.txt", null, 3).toBuilder().setModifiedMillis(when).build()))
                .ack().getResults(0);
        assertEquals(List.of("plan (conflict from Lyon 2026-02-03 141516 2).txt"), again.getConflictPathList());
        // No extension: the tag goes at the end.
        meta.commit(a, List.of(put(2, "Makefile", null, 4)));
        OperationResult noExt = meta.commit(b, List.of(put(9, "Makefile", null, 5).toBuilder().setModifiedMillis(when).build()))
                .ack().getResults(0);
        assertEquals(List.of("Makefile (conflict from Lyon 2026-02-03 141516)"), noExt.getConflictPathList());

        assertTrue(meta.entry(S, path("plan.txt")).orElseThrow().hasVersion("gw-a", 1));
        assertTrue(meta.entry(S, path("plan (conflict from Lyon 2026-02-03 141516).txt")).orElseThrow().hasVersion("gw-b", 7));
        assertEquals(3, meta.conflicts(S, 100).size());
        assertEquals("Lyon", meta.conflicts(S, 100).getLast().loserBranch());

        // Gateway B gets both revisions, neither as sent: the copy (its version) then A's version restated.
        List<ShareChange> forB = meta.changesAfter(S, 1, "gw-b", 2);
        assertEquals(2, forB.size());
        assertFalse(forB.get(0).getAsSent());
        assertEquals(List.of("plan (conflict from Lyon 2026-02-03 141516).txt"), forB.get(0).getOperation().getPutFile().getPathList());
        assertEquals("gw-a", forB.get(1).getOriginGateway());
        assertEquals(List.of("plan.txt"), forB.get(1).getOperation().getPutFile().getPathList());
        assertEquals(Version.newBuilder().setGatewayId("gw-a").setPosition(1).build(), forB.get(1).getVersion());
        assertEquals(chunks(1), forB.get(1).getOperation().getPutFile().getChunksList());
        // Gateway A also receives the restatement (as_sent = false); it already holds that version.
        assertEquals(2, meta.changesAfter(S, 1, "gw-a", 2).size());
    }

    @Test
    void editWithTheCurrentBaseReplacesAndKeepsThePreviousVersion() throws Exception {
        meta.commit(a, List.of(put(1, "a.txt", null, 1)));
        clock.set(T0 + 1000);
        OperationResult r = meta.commit(b, List.of(put(1, "A.TXT", v("gw-a", 1), 2))).ack().getResults(0);
        assertEquals(Outcome.APPLIED, r.getOutcome());
        Entry now = meta.entry(S, path("a.txt")).orElseThrow();
        assertEquals("a.txt", now.path(), "the display path keeps the first writer's case");
        assertTrue(now.hasVersion("gw-b", 1));
        List<FileVersion> versions = new FileHistory(meta).of(S, path("a.txt"));
        assertEquals(2, versions.size());
        assertTrue(versions.get(0).current());
        assertEquals("gw-a", versions.get(1).originGateway());
        assertEquals(2, versions.get(1).replacedRevision());
    }

    @Test
    void anEditedManifestIsMadeWholeAgainstItsBase() throws Exception {
        meta.commit(a, List.of(op(1).setPutFile(PutFile.newBuilder().addAllPath(names("big.bin")).setSize(400)
                .addAllChunks(List.of(ref(1, 100), ref(2, 100), ref(3, 100), ref(4, 100)))).build()));
        OperationResult r = meta.commit(a, List.of(edit(2, v("gw-a", 1), 4, 1, 2, 350, ref(9, 150)))).ack().getResults(0);
        assertEquals(Outcome.APPLIED, r.getOutcome());
        List<ChunkRef> whole = List.of(ref(1, 100), ref(9, 150), ref(4, 100));
        assertEquals(whole, Commit.chunks(meta.entry(S, path("big.bin")).orElseThrow()));
        ShareChange fed = meta.changesAfter(S, 1, "gw-b", 10).getLast();
        assertFalse(fed.getOperation().getPutFile().hasEdit(), "other branches get the whole manifest");
        assertEquals(whole, fed.getOperation().getPutFile().getChunksList());

        // Against an older version central keeps: the content is still known exactly (a conflict here).
        r = meta.commit(b, List.of(edit(1, v("gw-a", 1), 4, 3, 1, 350, ref(8, 50)))).ack().getResults(0);
        assertEquals(Outcome.CONFLICT, r.getOutcome());
        assertEquals(List.of(ref(1, 100), ref(2, 100), ref(3, 100), ref(8, 50)),
                Commit.chunks(meta.entry(S, SharePath.ofEntry(r.getConflictPathList())).orElseThrow()));
    }

    @Test
    void aRequestIdThatCannotGoIntoALogLineAsItIsIsRefused() throws Exception {
        for (String bad : List.of("two words", "line\nbreak", "x".repeat(65), "q\"uote", "<script>")) {
            assertThrows(InvalidOperationException.class,
                    () -> MetaStore.validate(List.of(mkdir(1, "d").toBuilder().setRequestId(bad).build())), bad);
        }
        MetaStore.validate(List.of(mkdir(1, "d").toBuilder().setRequestId("edit-at-alpha:1.2_3").build()));
        MetaStore.validate(List.of(mkdir(1, "d")));
    }

    @Test
    void anEditCentralCannotResolveChangesNothing() throws Exception {
        meta.commit(a, List.of(op(1).setPutFile(PutFile.newBuilder().addAllPath(names("big.bin")).setSize(200)
                .addAllChunks(List.of(ref(1, 100), ref(2, 100)))).build()));
        int changes = meta.changesAfter(S, 0, "gw-b", 100).size();
        assertThrows(UnknownBaseException.class,
                () -> meta.commit(a, List.of(mkdir(2, "d"), edit(3, v("gw-a", 77), 2, 1, 1, 150, ref(9, 50)))),
                "a base central never had");
        assertThrows(UnknownBaseException.class,
                () -> meta.commit(a, List.of(edit(2, v("gw-a", 1), 3, 1, 1, 150, ref(9, 50)))), "a base of another length");
        assertThrows(InvalidOperationException.class,
                () -> meta.commit(a, List.of(edit(2, v("gw-a", 1), 2, 1, 1, 999, ref(9, 50)))), "the wrong size");
        assertThrows(InvalidOperationException.class,
                () -> MetaStore.validate(List.of(edit(2, v("gw-a", 1), 2, 1, 2, 200))), "reaches past the base");
        Operation twoHunks = edit(2, v("gw-a", 1), 2, 1, 1, 150, ref(9, 50));
        assertThrows(InvalidOperationException.class, () -> MetaStore.validate(List.of(twoHunks.toBuilder().setPutFile(
                twoHunks.getPutFile().toBuilder().setEdit(twoHunks.getPutFile().getEdit().toBuilder()
                        .addHunks(Hunk.newBuilder().setBaseStart(0).setBaseCount(1)))).build())), "hunks out of order");
        assertThrows(InvalidOperationException.class, () -> MetaStore.validate(List.of(twoHunks.toBuilder().setPutFile(
                twoHunks.getPutFile().toBuilder().addChunks(ref(10, 1))).build())), "a new chunk no hunk uses");
        Operation baseless = edit(2, v("gw-a", 1), 2, 1, 0, 150, ref(9, 50));
        assertThrows(InvalidOperationException.class, () -> MetaStore.validate(List.of(baseless.toBuilder()
                .setPutFile(baseless.getPutFile().toBuilder().clearBase()).build())), "an edit without a base");
        assertEquals(changes, meta.changesAfter(S, 0, "gw-b", 100).size(), "no batch was applied in part");
        assertTrue(meta.entry(S, path("d")).isEmpty());
    }

    @Test
    void anEditWinsOverADelete() throws Exception {
        meta.commit(a, List.of(put(1, "d/a.txt", null, 1)));
        meta.commit(a, List.of(del(2, "d")));
        assertTrue(meta.entry(S, path("d")).isEmpty());
        OperationResult r = meta.commit(b, List.of(put(1, "d/a.txt", v("gw-a", 1), 2))).ack().getResults(0);
        assertEquals(Outcome.APPLIED, r.getOutcome());
        assertTrue(meta.entry(S, path("d")).orElseThrow().dir());
        assertTrue(meta.entry(S, path("d/a.txt")).orElseThrow().hasVersion("gw-b", 1));
    }

    @Test
    void aReplayedBatchChangesNothing() throws Exception {
        List<Operation> batch = List.of(put(5, "x/1.txt", null, 1), mkdir(6, "y"), del(7, "nothing-here"), put(8, "x/2.txt", null, 2));
        CommitResult first = meta.commit(a, batch);
        assertEquals(8, first.ack().getAckedPosition());
        assertEquals(List.of(Outcome.APPLIED, Outcome.APPLIED, Outcome.SKIPPED, Outcome.APPLIED),
                first.ack().getResultsList().stream().map(OperationResult::getOutcome).toList());
        long revision = meta.shareRevision(S).orElseThrow();
        assertEquals(3, revision);

        CommitResult replay = meta.commit(a, batch);
        assertEquals(8, replay.ack().getAckedPosition());
        assertTrue(replay.ack().getResultsList().stream().allMatch(x -> x.getOutcome() == Outcome.SKIPPED));
        assertEquals(revision, meta.shareRevision(S).orElseThrow());
        assertEquals(8, meta.welcome("gw-a", "Berlin"));
        // A batch that overlaps the acked position applies only the new part.
        CommitResult overlap = meta.commit(a, List.of(put(8, "x/2.txt", null, 2), put(9, "x/3.txt", null, 3)));
        assertEquals(List.of(Outcome.SKIPPED, Outcome.APPLIED),
                overlap.ack().getResultsList().stream().map(OperationResult::getOutcome).toList());
        assertEquals(9, overlap.ack().getAckedPosition());
    }

    @Test
    void movingATenThousandFileFolderIsOneFastOperation() throws Exception {
        List<Operation> ops = new ArrayList<>();
        long pos = 1;
        for (int i = 0; i < 100; i++) {
            ops.add(put(pos++, "big/sub0/f" + i + ".bin", null, i));
        }
        for (int d = 1; d < 100; d++) {
            ops.add(op(pos++).setCopy(Copy.newBuilder().addAllFrom(names("big/sub0")).addAllTo(names("big/sub" + d))
                    .setRecursive(true)).build());
        }
        meta.commit(a, ops);
        // An older version of one file, to see versions travel with the move.
        meta.commit(a, List.of(put(pos++, "big/sub5/f7.bin", v("gw-a", 100 + 5), 999)));
        assertEquals(10_000, meta.filesWithin(S, path("big")).size());
        long before = meta.shareRevision(S).orElseThrow();

        long start = System.nanoTime();
        CommitResult moved = meta.commit(b, List.of(op(1).setMove(Move.newBuilder().addAllFrom(names("big"))
                .addAllTo(names("Archive/2026/Big"))).build()));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertEquals(Outcome.APPLIED, moved.ack().getResults(0).getOutcome());
        assertEquals(before + 1, meta.shareRevision(S).orElseThrow(), "one revision for the whole tree");
        assertTrue(took.toMillis() < 10_000, "the move took " + took);
        assertEquals(0, meta.filesWithin(S, path("big")).size());
        List<Entry> files = meta.filesWithin(S, path("archive/2026/big"));
        assertEquals(10_000, files.size());
        Entry f = meta.entry(S, path("archive/2026/big/sub5/f7.bin")).orElseThrow();
        assertEquals("Archive/2026/Big/sub5/f7.bin", f.path());
        assertEquals("archive/2026/big/sub5", f.parentKey());
        assertEquals(2, new FileHistory(meta).of(S, path("Archive/2026/Big/sub5/f7.bin")).size());
        assertEquals(100, meta.children(S, path("Archive/2026/Big")).size());
    }

    @Test
    void deletingATreeKeepsItsFilesAsVersions() throws Exception {
        meta.commit(a, List.of(put(1, "t/a/1.txt", null, 1), put(2, "t/a/2.txt", null, 2), put(3, "t/b.txt", null, 3),
                put(4, "tx.txt", null, 4)));
        OperationResult r = meta.commit(a, List.of(del(5, "t"))).ack().getResults(0);
        assertEquals(Outcome.APPLIED, r.getOutcome());
        assertTrue(meta.entry(S, path("t")).isEmpty());
        assertTrue(meta.entry(S, path("t/a/1.txt")).isEmpty());
        assertTrue(meta.entry(S, path("tx.txt")).isPresent(), "a sibling sharing the prefix survives");
        assertEquals(1, new FileHistory(meta).of(S, path("t/a/2.txt")).size());
        assertEquals(Outcome.SKIPPED, meta.commit(a, List.of(del(6, "t"))).ack().getResults(0).getOutcome());
    }

    @Test
    void structuralOperations() throws Exception {
        meta.commit(a, List.of(put(1, "src/a.txt", null, 1), mkdir(2, "src/empty")));
        assertEquals(Outcome.SKIPPED, meta.commit(a, List.of(mkdir(3, "SRC"))).ack().getResults(0).getOutcome());
        meta.commit(a, List.of(op(4).setPatchProperties(PatchProperties.newBuilder().addAllPath(names("src/a.txt"))
                .putSet("color", "red").putSet("owner", "ann")).build()));
        meta.commit(a, List.of(op(5).setPatchProperties(PatchProperties.newBuilder().addAllPath(names("src/a.txt"))
                .addRemove("owner")).build()));
        meta.commit(a, List.of(op(6).setModifiedMillis(42).setSetModified(SetModified.newBuilder().addAllPath(names("src/a.txt"))).build()));
        OperationResult copied = meta.commit(a, List.of(op(7).setCopy(Copy.newBuilder().addAllFrom(names("src"))
                .addAllTo(names("dst")).setRecursive(true)).build())).ack().getResults(0);
        assertEquals(Outcome.APPLIED, copied.getOutcome());
        Entry copy = meta.entry(S, path("dst/a.txt")).orElseThrow();
        assertTrue(copy.hasVersion("gw-a", 7));
        assertEquals(42, copy.modifiedMillis());
        assertEquals(java.util.Map.of("color", "red"), MetaStore.propertiesOf(copy));
        assertTrue(meta.entry(S, path("dst/empty")).orElseThrow().dir());
        // Move onto an existing file replaces it; the replaced one becomes a version.
        meta.commit(a, List.of(put(8, "dst/b.txt", null, 8)));
        meta.commit(a, List.of(op(9).setMove(Move.newBuilder().addAllFrom(names("dst/a.txt")).addAllTo(names("dst/b.txt"))).build()));
        assertTrue(meta.entry(S, path("dst/a.txt")).isEmpty());
        assertTrue(meta.entry(S, path("dst/b.txt")).orElseThrow().hasVersion("gw-a", 7));
        assertEquals(java.util.Map.of("color", "red"), MetaStore.propertiesOf(meta.entry(S, path("dst/b.txt")).orElseThrow()));
        // A change of case only renames for display.
        meta.commit(a, List.of(op(10).setMove(Move.newBuilder().addAllFrom(names("dst")).addAllTo(names("DST"))).build()));
        assertEquals("DST/b.txt", meta.entry(S, path("dst/b.txt")).orElseThrow().path());
        assertEquals(Outcome.SKIPPED, meta.commit(a, List.of(op(11).setMove(Move.newBuilder().addAllFrom(names("src"))
                .addAllTo(names("src/inner"))).build())).ack().getResults(0).getOutcome());
        // A file where a directory would go: the put is a conflict, kept beside it.
        OperationResult onDir = meta.commit(b, List.of(put(1, "src", null, 1))).ack().getResults(0);
        assertEquals(Outcome.CONFLICT, onDir.getOutcome());
    }

    @Test
    void badNamesAreRefusedBeforeAnythingIsApplied() throws Exception {
        for (String bad : List.of("a/../b", "a/./b", "a//b", "a\\b", "nul\u0000", "tab\tname", "x".repeat(256), "é".repeat(128))) {
            List<String> names = bad.contains("/") ? Arrays.asList(bad.split("/", -1)) : List.of(bad);
            List<Operation> batch = List.of(put(1, "fine.txt", null, 1),
                    op(2).setPutFile(PutFile.newBuilder().addAllPath(names)).build());
            assertThrows(InvalidOperationException.class, () -> meta.commit(a, batch), bad);
        }
        List<String> deep = new ArrayList<>();
        for (int i = 0; i < 65; i++) {
            deep.add("d");
        }
        assertThrows(InvalidOperationException.class,
                () -> meta.commit(a, List.of(op(1).setMakeDirectory(MakeDirectory.newBuilder().addAllPath(deep)).build())));
        assertThrows(InvalidOperationException.class, () -> meta.commit(a, List.of(put(2, "a", null, 1), put(1, "b", null, 1))));
        assertTrue(meta.shareRevision(S).isEmpty(), "nothing was applied");
        assertEquals(-1, meta.welcome("gw-a", "Berlin"));
        SharePath.checkName("é".repeat(127));
    }

    @Test
    void restoreOfAVersionIsANewRevisionFromCentral() throws Exception {
        meta.commit(a, List.of(put(1, "r.txt", null, 1)));
        meta.commit(a, List.of(put(2, "r.txt", v("gw-a", 1), 2)));
        meta.commit(a, List.of(put(3, "r.txt", v("gw-a", 2), 3)));
        FileHistory history = new FileHistory(meta);
        assertEquals(List.of(3L, 2L, 1L), history.of(S, path("r.txt")).stream().map(FileVersion::revision).toList());

        CommitResult r = new Restore(meta, history).file(S, path("r.txt"), 1);
        assertEquals(Outcome.APPLIED, r.ack().getResults(0).getOutcome());
        assertEquals(4, r.ack().getResults(0).getRevision());
        Entry now = meta.entry(S, path("r.txt")).orElseThrow();
        assertEquals(chunks(1), MetaStore.chunksOf(now));
        assertTrue(now.hasVersion(Origin.CENTRAL_ID, 4));
        ShareChange change = meta.changesAfter(S, 3, "gw-a", 10).getFirst();
        assertEquals("central", change.getOriginGateway());
        assertEquals(v("gw-a", 3), change.getOperation().getPutFile().getBase());
        assertEquals(4, history.of(S, path("r.txt")).size());
        assertThrows(io.tributary.central.versions.NotFoundException.class, () -> new Restore(meta, history).file(S, path("r.txt"), 99));
        assertThrows(io.tributary.central.versions.NotFoundException.class, () -> new Restore(meta, history).file("nope", path("r.txt"), 1));
    }

    @Test
    void restoreOfAFolderToAPointInTime() throws Exception {
        clock.set(T0);
        meta.commit(a, List.of(put(1, "p/a.txt", null, 1), put(2, "p/b.txt", null, 2), put(3, "p/keep.txt", null, 3),
                put(4, "other.txt", null, 4)));
        clock.set(T0 + 10_000);
        meta.commit(a, List.of(put(5, "p/a.txt", v("gw-a", 1), 5), del(6, "p/b.txt"), put(7, "p/new/c.txt", null, 7),
                del(8, "other.txt")));

        CommitResult r = new Restore(meta, new FileHistory(meta)).folder(S, path("p"), T0 + 5_000);
        assertEquals(3, r.applied());
        assertEquals(chunks(1), MetaStore.chunksOf(meta.entry(S, path("p/a.txt")).orElseThrow()));
        assertEquals(chunks(2), MetaStore.chunksOf(meta.entry(S, path("p/b.txt")).orElseThrow()));
        assertTrue(meta.entry(S, path("p/keep.txt")).orElseThrow().hasVersion("gw-a", 3), "unchanged since: left alone");
        assertTrue(meta.entry(S, path("p/new/c.txt")).isEmpty(), "created after the time: deleted");
        assertTrue(meta.entry(S, path("other.txt")).isEmpty(), "outside the folder: not touched");
        List<ShareChange> feed = meta.changesAfter(S, meta.shareRevision(S).orElseThrow() - 3, "gw-a", 10);
        assertEquals(3, feed.size());
        assertTrue(feed.stream().allMatch(c -> c.getOriginGateway().equals("central")));
    }

    @Test
    void retentionForgetsOldVersions() throws Exception {
        meta.commit(a, List.of(put(1, "old.txt", null, 1)));
        meta.commit(a, List.of(put(2, "old.txt", v("gw-a", 1), 2)));
        clock.set(T0 + Duration.ofDays(31).toMillis());
        meta.commit(a, List.of(put(3, "old.txt", v("gw-a", 2), 3)));
        assertEquals(1, new Retention(meta, Duration.ofDays(30)).sweep());
        assertEquals(2, new FileHistory(meta).of(S, path("old.txt")).size());
    }

    // --- helpers ---

    private static Operation.Builder op(long position) {
        return Operation.newBuilder().setPosition(position).setShare(S).setModifiedMillis(T0);
    }

    private static Operation put(long position, String path, Version base, int seed) {
        PutFile.Builder put = PutFile.newBuilder().addAllPath(names(path)).setSize(seed * 10L).addAllChunks(chunks(seed));
        if (base != null) {
            put.setBase(base);
        }
        return op(position).setPutFile(put).build();
    }

    /** An edit of one hunk: the base's chunks [start, start + count) replaced by {@code fresh}. */
    private static Operation edit(long position, Version base, int baseChunks, int start, int count, long size,
                                  ChunkRef... fresh) {
        return op(position).setPutFile(PutFile.newBuilder().addAllPath(names("big.bin")).setSize(size).setBase(base)
                .setEdit(ManifestEdit.newBuilder().setBaseChunks(baseChunks).addHunks(Hunk.newBuilder()
                        .setBaseStart(start).setBaseCount(count).setNewCount(fresh.length)))
                .addAllChunks(List.of(fresh))).build();
    }

    private static ChunkRef ref(int seed, int length) {
        return chunks(seed).getFirst().toBuilder().setLength(length).build();
    }

    private static Operation mkdir(long position, String path) {
        return op(position).setMakeDirectory(MakeDirectory.newBuilder().addAllPath(names(path))).build();
    }

    private static Operation del(long position, String path) {
        return op(position).setDelete(Delete.newBuilder().addAllPath(names(path))).build();
    }

    static List<ChunkRef> chunks(int seed) {
        byte[] id = new byte[32];
        Arrays.fill(id, (byte) seed);
        id[0] = (byte) (seed >> 8);
        return List.of(ChunkRef.newBuilder().setId(ByteString.copyFrom(id)).setLength(seed).build());
    }

    private static Version v(String gateway, long position) {
        return Version.newBuilder().setGatewayId(gateway).setPosition(position).build();
    }

    private static List<String> names(String path) {
        return List.of(path.split("/"));
    }

    private static SharePath path(String p) {
        return SharePath.parse(p);
    }
}
