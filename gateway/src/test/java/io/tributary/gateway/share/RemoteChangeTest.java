package io.tributary.gateway.share;

import io.tributary.gateway.chunk.ChunkSizes;
import io.tributary.gateway.chunk.RemoteChunks;
import io.tributary.gateway.journal.ManifestEdit;
import io.tributary.proto.ChunkId;
import io.tributary.gateway.journal.Change;
import io.tributary.gateway.journal.ChunkRef;
import io.tributary.gateway.journal.Durability;
import io.tributary.gateway.journal.Version;
import io.tributary.gateway.keys.TenantKeys;
import io.tributary.gateway.observe.GatewayMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two branches' namespaces on real files, with changes carried from one to the other by hand the
 * way the downlink does: the rules for applying other branches' changes, and for keeping chunks
 * until central has them.
 */
class RemoteChangeTest {
    private static final TenantKeys KEYS = new TenantKeys("t", new byte[32], new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
            11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});

    @TempDir
    Path dir;
    NamespaceStore a;
    NamespaceStore b;
    /** Chunks "central" serves as deltas, against these bases. */
    final Map<ChunkId, List<ChunkId>> deltaBases = new HashMap<>();
    final AtomicLong deltaBytes = new AtomicLong();

    @BeforeEach
    void open() throws IOException {
        a = open("a");
        b = open("b");
        // B reads what it does not hold from A's payloads, as it would from central.
        b.chunks().fetchMissingFrom(id -> {
            List<ChunkId> bases = deltaBases.get(id);
            if (bases != null) {
                byte[] delta = a.chunks().sealedDelta(id, bases, Integer.MAX_VALUE);
                deltaBytes.addAndGet(delta.length);
                return new RemoteChunks.Fetched(delta, bases);
            }
            byte[] sealed = a.chunks().readSealedIfStored(id);
            if (sealed == null) {
                throw new IOException("not at A either: " + id);
            }
            return new RemoteChunks.Fetched(sealed, List.of());
        });
    }

    private NamespaceStore open(String name) throws IOException {
        Path d = dir.resolve(name);
        return NamespaceStore.open(new NamespaceStore.Paths(d.resolve("index"), d.resolve("ssd"), d.resolve("journal")),
                List.of("docs"), KEYS, ChunkSizes.DEFAULT, 1, Durability.OS, new GatewayMetrics(), Clock.systemUTC(),
                new NamespaceStore.Options("gw-" + name, true, 0));
    }

    @AfterEach
    void close() {
        b.close();
        a.close();
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] read(NamespaceStore s, String path) throws IOException {
        try (InputStream in = s.share("docs").read(SharePath.parse(path), 0, -1)) {
            return in.readAllBytes();
        }
    }

    /** What A's journal says it wrote last: the put, with its index as the version. */
    private Change.PutFile lastPutAtA() {
        Change.PutFile[] last = new Change.PutFile[1];
        a.journal().replay(-1, (index, change) -> {
            if (change instanceof Change.PutFile p) {
                last[0] = p;
            }
        });
        return last[0];
    }

    private long lastIndex(NamespaceStore s) {
        return s.journal().lastIndex();
    }

    private static Change.Remote remotePut(Change.PutFile p, long revision, Version version, long nodeId) {
        return new Change.Remote("docs", revision, version,
                new Change.PutFile("docs", p.path(), nodeId, p.modifiedMillis(), p.size(), p.chunks()));
    }

    @Test
    void aRemoteFileAppearsWithItsParentsAndItsContentIsFetchedOnFirstRead() throws IOException {
        byte[] data = random(300_000, 1);
        a.share("docs").mkdir(SharePath.parse("/x"));
        a.share("docs").mkdir(SharePath.parse("/x/y"));
        a.share("docs").write(SharePath.parse("/x/y/f.bin"), new ByteArrayInputStream(data), Long.MAX_VALUE);
        Change.PutFile put = lastPutAtA();
        Version v = new Version("gw-a", lastIndex(a));

        assertTrue(b.applyRemote(id -> remotePut(put, 3, v, id), true));
        assertEquals(3, b.revision("docs"));
        assertTrue(b.share("docs").stat(SharePath.parse("/x/y")).orElseThrow().directory());
        assertNull(b.chunks().readSealedIfStored(put.chunks().getFirst().id()), "metadata first, content on demand");
        assertArrayEquals(data, read(b, "/x/y/f.bin"));
        assertNotNull(b.chunks().readSealedIfStored(put.chunks().getFirst().id()), "a fetched chunk stays cached");
        assertEquals(v, b.share("docs").version(SharePath.parse("/x/y/f.bin")).orElseThrow());
        assertTrue(b.share("docs").safeAtCentral(SharePath.parse("/x/y/f.bin")).orElseThrow(), "it came from central");

        assertFalse(b.applyRemote(id -> remotePut(put, 4, v, id), false), "the same version again changes nothing");
        assertEquals(4, b.revision("docs"));
    }

    @Test
    void anEditInTheMiddleIsJournaledAsAnEditAndItsChunksTravelAsSmallDeltas() throws IOException {
        byte[] v0 = random(1 << 20, 11);
        byte[] v1 = v0.clone();
        System.arraycopy(random(64 << 10, 12), 0, v1, v1.length / 2, 64 << 10);
        a.share("docs").write(SharePath.parse("/big.bin"), new ByteArrayInputStream(v0), Long.MAX_VALUE);
        Change.PutFile first = lastPutAtA();
        a.share("docs").write(SharePath.parse("/big.bin"), new ByteArrayInputStream(v1), Long.MAX_VALUE);
        Change.PutFile second = lastPutAtA();

        ManifestEdit edit = second.edit();
        assertNotNull(edit, "an overwrite in the middle keeps both ends of the manifest");
        assertEquals(first.chunks().size(), edit.baseChunks());
        assertEquals(1, edit.hunks().size(), edit.toString());
        ManifestEdit.Hunk hunk = edit.hunks().getFirst();
        assertTrue(hunk.baseStart() > 0 && hunk.baseStart() + hunk.replaced().size() < first.chunks().size(), "both ends kept");
        assertTrue(second.newChunks().size() <= 4, second.newChunks().size() + " new chunks for a 64 KiB overwrite");
        assertEquals(first.chunks().subList(hunk.baseStart(), hunk.baseStart() + hunk.replaced().size()), hunk.replaced());

        List<ChunkRef> fresh = second.newChunks();
        List<List<ChunkId>> bases = edit.basesFor(fresh);
        for (int i = 0; i < fresh.size(); i++) {
            deltaBases.put(fresh.get(i).id(), bases.get(i));
        }
        // B never held the old version: reading the new one fetches the old chunks as bases.
        assertTrue(b.applyRemote(id -> remotePut(second, 1, new Version("gw-a", lastIndex(a)), id), true));
        assertArrayEquals(v1, read(b, "/big.bin"));
        assertTrue(deltaBytes.get() > 0 && deltaBytes.get() < (64 << 10) + 4096,
                "the changed chunks travelled as " + deltaBytes.get() + " bytes of deltas for 65536 changed");
    }

    @Test
    void localWorkCentralHasNotSeenWinsOverAChangeFromAnotherBranchUntilCentralSettlesIt() throws IOException {
        byte[] theirs = random(70_000, 2);
        byte[] mine = random(80_000, 3);
        a.share("docs").write(SharePath.parse("/f"), new ByteArrayInputStream(theirs), Long.MAX_VALUE);
        Change.PutFile put = lastPutAtA();
        Version v = new Version("gw-a", lastIndex(a));
        b.share("docs").write(SharePath.parse("/f"), new ByteArrayInputStream(mine), Long.MAX_VALUE);
        assertFalse(b.share("docs").safeAtCentral(SharePath.parse("/f")).orElseThrow());

        assertFalse(b.applyRemote(id -> remotePut(put, 1, v, id), true));
        assertArrayEquals(mine, read(b, "/f"), "B's unsent version stays");
        // Central's restatement of the winner after a conflict comes with as_sent = false.
        assertTrue(b.applyRemote(id -> remotePut(put, 2, v, id), false));
        assertArrayEquals(theirs, read(b, "/f"));
    }

    @Test
    void onceCentralHasTheLocalVersionAnotherBranchMayReplaceIt() throws IOException {
        b.share("docs").write(SharePath.parse("/f"), new ByteArrayInputStream(random(10_000, 4)), Long.MAX_VALUE);
        b.acknowledged(lastIndex(b));
        byte[] theirs = random(20_000, 5);
        a.share("docs").write(SharePath.parse("/f"), new ByteArrayInputStream(theirs), Long.MAX_VALUE);
        Change.PutFile put = lastPutAtA();
        assertTrue(b.applyRemote(id -> remotePut(put, 1, new Version("gw-a", lastIndex(a)), id), true));
        assertArrayEquals(theirs, read(b, "/f"));
    }

    @Test
    void chunksAnOverwriteDroppedStayUntilCentralHasTheChangeThatDroppedThem() throws IOException {
        ShareNamespace docs = a.share("docs");
        docs.write(SharePath.parse("/f"), new ByteArrayInputStream(random(50_000, 6)), Long.MAX_VALUE);
        ChunkRef old = lastPutAtA().chunks().getFirst();
        docs.write(SharePath.parse("/f"), new ByteArrayInputStream(random(50_000, 7)), Long.MAX_VALUE);
        long overwrite = lastIndex(a);
        Change.PutFile second = lastPutAtA();
        assertEquals(new Version("gw-a", overwrite - 1), second.base(), "the journal names the version it replaced");

        assertNotNull(a.chunks().readSealedIfStored(old.id()), "the uplink may still have to send it");
        a.acknowledged(overwrite - 1);
        assertNotNull(a.chunks().readSealedIfStored(old.id()));
        a.acknowledged(overwrite);
        assertNull(a.chunks().readSealedIfStored(old.id()));
    }

    @Test
    void heldChunksSurviveARestartAndAppliedRemoteChangesAreReplayed() throws IOException {
        ShareNamespace docs = a.share("docs");
        docs.write(SharePath.parse("/f"), new ByteArrayInputStream(random(50_000, 8)), Long.MAX_VALUE);
        ChunkRef old = lastPutAtA().chunks().getFirst();
        docs.delete(SharePath.parse("/f"));
        Change.PutFile put = new Change.PutFile("docs", List.of("g"), 0, 1, old.length(), List.of(old));
        a.applyRemote(id -> remotePut(put, 9, new Version("gw-b", 1), id), true);
        a.close();
        a = open("a");
        assertNotNull(a.chunks().readSealedIfStored(old.id()), "the start-up sweep keeps held chunks");
        assertEquals(9, a.revision("docs"));
        assertTrue(a.share("docs").stat(SharePath.parse("/g")).isPresent());
    }
}
