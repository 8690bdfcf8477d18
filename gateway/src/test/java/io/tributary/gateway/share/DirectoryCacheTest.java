package io.tributary.gateway.share;

import io.tributary.gateway.chunk.ChunkSizes;
import io.tributary.gateway.journal.Durability;
import io.tributary.gateway.keys.TenantKeys;
import io.tributary.gateway.observe.GatewayMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Path resolution through the directory cache answers as the database does: every test first
 * resolves a deep path (so its directories are cached), then changes the tree under it.
 */
class DirectoryCacheTest {
    private static final TenantKeys KEYS = new TenantKeys("t", new byte[32], new byte[32]);

    @TempDir
    Path dir;
    NamespaceStore store;
    ShareNamespace share;

    @BeforeEach
    void open() throws IOException {
        store = NamespaceStore.open(new NamespaceStore.Paths(dir.resolve("index"), dir.resolve("ssd"), dir.resolve("journal")),
                List.of("docs"), KEYS, ChunkSizes.DEFAULT, 1, Durability.OS, new GatewayMetrics(), Clock.systemUTC());
        share = store.share("docs");
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static SharePath p(String path) {
        return SharePath.parse(path);
    }

    private void write(String path, String content) {
        share.write(p(path), new ByteArrayInputStream(content.getBytes()), Long.MAX_VALUE);
    }

    private void mkdirs(String... paths) {
        for (String path : paths) {
            share.mkdir(p(path));
        }
    }

    private int cached() {
        return store.read((db, applier) -> applier.cachedDirectories());
    }

    @Test
    void resolvingADeepPathCachesItsDirectories() {
        mkdirs("/a", "/a/b", "/a/b/c");
        write("/a/b/c/f", "x");
        assertTrue(share.stat(p("/a/b/c/f")).isPresent());
        assertEquals(3, cached(), "a, b and c");
        assertTrue(share.stat(p("/a/b/c/nothing")).isEmpty());
        assertTrue(share.stat(p("/a/f/c")).isEmpty());
    }

    @Test
    void aDirectoryDeletedAndMadeAgainHasNoneOfItsOldChildren() {
        mkdirs("/a", "/a/b", "/x", "/x/sub");
        write("/a/b/f", "x");
        write("/x/sub/g", "y");
        assertTrue(share.stat(p("/a/b/f")).isPresent());
        share.delete(p("/a"));
        assertTrue(share.stat(p("/a/b/f")).isEmpty());
        // A new /a made by a move: nothing on the way resolves /a itself before the lookups below.
        share.move(p("/x"), p("/a"), false);
        assertTrue(share.stat(p("/a/sub/g")).isPresent(), "found through the new /a, not the deleted one");
        assertTrue(share.stat(p("/a/b")).isEmpty());
        assertEquals(ShareException.Kind.PARENT_MISSING,
                assertThrows(ShareException.class, () -> write("/a/b/g", "y")).kind());
    }

    @Test
    void aMovedDirectoryIsFoundOnlyWhereItWentAndItsOldNameIsFree() {
        mkdirs("/d", "/d/e");
        write("/d/e/f", "x");
        assertTrue(share.stat(p("/d/e/f")).isPresent());
        share.move(p("/d"), p("/m"), false);
        assertTrue(share.stat(p("/d/e/f")).isEmpty());
        assertTrue(share.stat(p("/m/e/f")).isPresent());
        share.mkdir(p("/d"));
        assertTrue(share.stat(p("/d/e")).isEmpty());
        share.move(p("/m/e"), p("/d/e"), false);
        assertTrue(share.stat(p("/d/e/f")).isPresent());
        assertTrue(share.stat(p("/m/e/f")).isEmpty());
    }

    @Test
    void aDirectoryOverwrittenByMoveOrCopyLosesWhatWasBelowIt() {
        mkdirs("/x", "/x/sub", "/y");
        write("/x/sub/f", "old");
        write("/y/g", "new");
        assertTrue(share.stat(p("/x/sub/f")).isPresent());
        share.move(p("/y"), p("/x"), true);
        assertTrue(share.stat(p("/x/sub")).isEmpty());
        assertTrue(share.stat(p("/x/g")).isPresent());

        mkdirs("/p", "/p/q", "/r");
        write("/p/q/f", "old");
        write("/r/h", "new");
        assertTrue(share.stat(p("/p/q/f")).isPresent());
        share.copy(p("/r"), p("/p"), true, true);
        assertTrue(share.stat(p("/p/q")).isEmpty());
        assertTrue(share.stat(p("/p/h")).isPresent());
    }

    @Test
    void aDirectoryReplacedByAFileOfTheSameNameIsNoLongerADirectory() {
        mkdirs("/a", "/a/b");
        write("/a/b/f", "x");
        assertTrue(share.stat(p("/a/b/f")).isPresent());
        write("/file", "y");
        share.move(p("/file"), p("/a/b"), true);
        assertTrue(share.stat(p("/a/b/f")).isEmpty());
        assertTrue(share.stat(p("/a/b")).filter(e -> !e.directory()).isPresent());
        assertEquals(ShareException.Kind.NOT_A_DIRECTORY,
                assertThrows(ShareException.class, () -> share.mkdir(p("/a/b/c"))).kind());
    }

    @Test
    void lookupsStayExactAboutCase() {
        mkdirs("/Docs");
        write("/Docs/f", "x");
        assertTrue(share.stat(p("/Docs/f")).isPresent());
        assertTrue(share.stat(p("/docs/f")).isEmpty(), "the cached directory is Docs, not docs");
        assertEquals(ShareException.Kind.PARENT_MISSING,
                assertThrows(ShareException.class, () -> write("/docs/g", "y")).kind());
    }

    @Test
    void aFullCacheStartsAgainEmpty() {
        DirectoryCache cache = new DirectoryCache();
        for (int i = 0; i < DirectoryCache.MAX_ENTRIES; i++) {
            cache.remember(1, new Node(100 + i, 1, true, 0, 0, 0, 1, "d" + i));
        }
        assertEquals(DirectoryCache.MAX_ENTRIES, cache.size());
        cache.remember(1, new Node(7, 1, true, 0, 0, 0, 1, "Last"));
        assertEquals(1, cache.size());
        assertEquals(new DirectoryCache.Dir(7, "Last"), cache.get(1, "last"));
        cache.forget(1, "LAST");
        assertNull(cache.get(1, "Last"));
    }
}
