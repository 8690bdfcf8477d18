package io.tributary.central.chunks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChunkStoreTest {
    @TempDir
    Path dir;

    @Test
    void putIsIdempotentAndShardsByIdPrefix() throws Exception {
        ChunkStore store = ChunkStore.open(dir);
        byte[] id = new byte[32];
        Arrays.fill(id, (byte) 0xab);
        id[1] = (byte) 0xcd;
        byte[] sealed = {1, 2, 3};
        assertFalse(store.exists(id));
        assertTrue(store.read(id).isEmpty());
        assertTrue(store.put(id, sealed));
        assertFalse(store.put(id, sealed), "second put is a dedupe");
        assertTrue(store.exists(id));
        assertArrayEquals(sealed, store.read(id).orElseThrow().sealed());
        assertTrue(store.read(id).orElseThrow().bases().isEmpty());
        assertEquals(0, store.depth(id));
        assertTrue(Files.exists(dir.resolve("ab").resolve("cd").resolve("abcd" + "ab".repeat(30))));
        try (var tmp = Files.list(dir.resolve("tmp"))) {
            assertFalse(tmp.findAny().isPresent(), "no temp file left behind");
        }
    }

    @Test
    void refusesBadIdsAndOversizeChunks() throws Exception {
        ChunkStore store = ChunkStore.open(dir);
        assertThrows(IllegalArgumentException.class, () -> store.put(new byte[31], new byte[1]));
        assertThrows(ChunkTooLargeException.class, () -> store.put(new byte[32], new byte[ChunkStore.MAX_SEALED + 1]));
        assertTrue(store.put(new byte[32], new byte[ChunkStore.MAX_SEALED]));
    }

    @Test
    void deltaKeepsItsBasesAndDepth() throws Exception {
        ChunkStore store = ChunkStore.open(dir);
        byte[] base = id(1);
        byte[] other = id(2);
        byte[] delta = id(3);
        store.put(base, new byte[]{9});
        store.put(other, new byte[]{8});
        assertEquals(-1, store.depth(delta));
        ChunkStore.Staged staged = store.stageDelta(delta, new byte[]{7, 7}, java.util.List.of(base, other), 2);
        assertFalse(store.exists(delta), "invisible until published");
        store.publish(java.util.List.of(staged));
        assertTrue(store.exists(delta));
        assertEquals(2, store.depth(delta));
        ChunkStore.Stored read = store.read(delta).orElseThrow();
        assertArrayEquals(new byte[]{7, 7}, read.sealed());
        assertEquals(2, read.bases().size());
        assertArrayEquals(base, read.bases().get(0));
        assertArrayEquals(other, read.bases().get(1));
        assertEquals(null, store.stageDelta(delta, new byte[]{7, 7}, java.util.List.of(base), 1), "already here");
        assertThrows(IllegalArgumentException.class, () -> store.stageDelta(id(4), new byte[1], java.util.List.of(), 1));
        assertThrows(IllegalArgumentException.class,
                () -> store.stageDelta(id(4), new byte[1], java.util.List.of(base), ChunkStore.MAX_DELTA_DEPTH + 1));
    }

    private static byte[] id(int n) {
        byte[] id = new byte[32];
        Arrays.fill(id, (byte) n);
        return id;
    }
}
