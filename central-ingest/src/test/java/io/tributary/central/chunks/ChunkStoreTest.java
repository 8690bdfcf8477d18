package io.tributary.central.chunks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
        assertArrayEquals(sealed, store.read(id).orElseThrow());
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
}
