package io.tributary.gateway.chunk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tributary.proto.ChunkId;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class ChunkHasherTest {
    private static final byte[] KEY = TestData.random(32, 1);
    private static final byte[] OTHER_KEY = TestData.random(32, 2);

    @Test
    void idIsHmacSha256UnderTheKeyOfTheSlicesSha256() throws Exception {
        byte[] data = TestData.random(100_000, 3);
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Arrays.copyOfRange(data, 10, 70_010));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
        byte[] expected = mac.doFinal(digest);

        ChunkHasher hasher = new ChunkHasher(KEY);
        assertArrayEquals(expected, hasher.hash(data, 10, 70_000).toBytes());
        assertArrayEquals(expected, hasher.idOf(digest).toBytes(), "a client's SHA-256 names the same chunk");
        assertThrows(IllegalArgumentException.class, () -> hasher.idOf(new byte[31]));
    }

    @Test
    void sameContentSameIdAcrossCallsAndInstances() {
        byte[] data = TestData.text(65536, 4);
        ChunkHasher hasher = new ChunkHasher(KEY);
        ChunkId first = hasher.hash(data, 0, data.length);
        assertEquals(first, hasher.hash(data, 0, data.length));
        assertEquals(first, new ChunkHasher(KEY).hash(data.clone(), 0, data.length));
        assertNotEquals(first, hasher.hash(data, 1, data.length - 1));
    }

    @Test
    void differentKeyGivesDifferentId() {
        byte[] data = TestData.text(65536, 5);
        assertNotEquals(new ChunkHasher(KEY).hash(data, 0, data.length), new ChunkHasher(OTHER_KEY).hash(data, 0, data.length));
    }

    @Test
    void rejectsKeysThatAreNot256Bits() {
        assertThrows(IllegalArgumentException.class, () -> new ChunkHasher(new byte[16]));
    }

    @Test
    void rejectsSlicesOutsideTheBuffer() {
        ChunkHasher hasher = new ChunkHasher(KEY);
        assertThrows(IndexOutOfBoundsException.class, () -> hasher.hash(new byte[10], 5, 6));
    }
}
