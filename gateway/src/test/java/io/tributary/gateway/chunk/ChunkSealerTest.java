package io.tributary.gateway.chunk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.proto.ChunkId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class ChunkSealerTest {
    private static final byte[] DEDUPE_KEY = TestData.random(32, 1);
    private static final byte[] DATA_KEY = TestData.random(32, 2);
    private static final ChunkHasher HASHER = new ChunkHasher(DEDUPE_KEY);
    private final ChunkSealer sealer = new ChunkSealer(DATA_KEY, 1);

    @Test
    void deltaOfAnInsertCostsAboutTheInsertedBytes() {
        byte[] before = TestData.random(65536, 40);
        byte[] after = new byte[before.length + 100];
        System.arraycopy(before, 0, after, 0, 4096);
        System.arraycopy(TestData.random(100, 41), 0, after, 4096, 100);
        System.arraycopy(before, 4096, after, 4196, before.length - 4096);
        List<ChunkId> bases = List.of(id(before));
        byte[] delta = sealer.sealDelta(id(after), after, bases, before);
        assertTrue(delta.length < 100 + ChunkSealer.OVERHEAD + 100, "a 100-byte insert sealed to a " + delta.length + "-byte delta");
        // The same near the end of a larger chunk, where a weak match finder loses the dictionary.
        byte[] big = TestData.random(90_000, 45);
        byte[] grown = new byte[big.length + 100];
        System.arraycopy(big, 0, grown, 0, 4096);
        System.arraycopy(TestData.random(100, 46), 0, grown, 4096, 100);
        System.arraycopy(big, 4096, grown, 4196, big.length - 4096);
        byte[] bigDelta = sealer.sealDelta(id(grown), grown, List.of(id(big)), big);
        assertTrue(bigDelta.length < 400, "a 100-byte insert into 90 KB sealed to a " + bigDelta.length + "-byte delta");
        assertArrayEquals(grown, sealer.openDelta(id(grown), bigDelta, List.of(id(big)), big));
        assertTrue(ChunkSealer.isDelta(delta));
        assertEquals(after.length, ChunkSealer.plaintextLength(delta));
        assertArrayEquals(after, sealer.openDelta(id(after), delta, bases, before));
    }

    @Test
    void deltaAgainstSeveralBasesFindsBytesInEach() {
        byte[] a = TestData.random(40000, 42);
        byte[] b = TestData.random(40000, 43);
        byte[] joined = new byte[60000];
        System.arraycopy(a, 10000, joined, 0, 30000);
        System.arraycopy(b, 0, joined, 30000, 30000);
        byte[] dictionary = new byte[80000];
        System.arraycopy(a, 0, dictionary, 0, 40000);
        System.arraycopy(b, 0, dictionary, 40000, 40000);
        List<ChunkId> bases = List.of(id(a), id(b));
        byte[] delta = sealer.sealDelta(id(joined), joined, bases, dictionary);
        assertTrue(delta.length < 1000, "a chunk straddling two old ones sealed to " + delta.length);
        assertArrayEquals(joined, sealer.openDelta(id(joined), delta, bases, dictionary));
    }

    @Test
    void deltaOpensOnlyAsADeltaForItsIdAndItsBases() {
        byte[] before = TestData.random(20000, 44);
        byte[] after = before.clone();
        after[5000] ^= 1;
        ChunkId base = id(before);
        byte[] delta = sealer.sealDelta(id(after), after, List.of(base), before);
        assertThrows(ChunkCorruptException.class, () -> sealer.open(id(after), delta), "not a whole chunk");
        assertThrows(ChunkCorruptException.class, () -> sealer.openDelta(id(after), delta, List.of(id(after)), before),
                "other base ids are not authentic");
        assertThrows(ChunkCorruptException.class, () -> sealer.openDelta(base, delta, List.of(base), before), "another id");
        byte[] altered = delta.clone();
        altered[altered.length - 20] ^= 1;
        assertThrows(ChunkCorruptException.class, () -> sealer.openDelta(id(after), altered, List.of(base), before));
        byte[] whole = sealer.seal(base, before, 0, before.length);
        assertThrows(ChunkCorruptException.class, () -> sealer.openDelta(base, whole, List.of(base), before),
                "a whole chunk is not a delta");
        assertThrows(IllegalArgumentException.class, () -> sealer.sealDelta(id(after), after, List.of(), before));
    }

    @Test
    void compressibleChunkRoundTripsAndIsStoredSmaller() {
        byte[] text = TestData.text(65536, 3);
        ChunkId id = id(text);
        byte[] sealed = sealer.seal(id, text, 0, text.length);
        assertTrue(sealed.length < text.length / 2, "text sealed to " + sealed.length + " bytes");
        assertEquals(ChunkSealer.FLAG_ZSTD, sealed[1]);
        assertArrayEquals(text, sealer.open(id, sealed));
        assertEquals(text.length, ChunkSealer.plaintextLength(sealed));
    }

    @Test
    void randomChunkRoundTripsAndGrowsOnlyByTheOverhead() {
        byte[] random = TestData.random(65536, 4);
        ChunkId id = id(random);
        byte[] sealed = sealer.seal(id, random, 0, random.length);
        assertEquals(random.length + ChunkSealer.OVERHEAD, sealed.length);
        assertEquals(0, sealed[1], "incompressible data is stored as it is");
        assertArrayEquals(random, sealer.open(id, sealed));
    }

    @Test
    void chunkShorterThanTwoSamplesIsCompressedWithoutSampling() {
        byte[] text = TestData.text(6000, 5);
        byte[] sealed = sealer.seal(id(text), text, 0, text.length);
        assertTrue(sealed.length < text.length, "short text sealed to " + sealed.length + " bytes");
        assertArrayEquals(text, sealer.open(id(text), sealed));
    }

    @Test
    void sealsASliceAndTinyAndEmptyChunks() {
        byte[] data = TestData.text(70_000, 6);
        byte[] slice = Arrays.copyOfRange(data, 1000, 66_000);
        assertArrayEquals(slice, sealer.open(id(slice), sealer.seal(id(slice), data, 1000, slice.length)));
        for (byte[] small : List.of(new byte[0], new byte[] {7}, TestData.random(100, 7))) {
            byte[] sealed = sealer.seal(id(small), small, 0, small.length);
            assertEquals(small.length + ChunkSealer.OVERHEAD, sealed.length);
            assertArrayEquals(small, sealer.open(id(small), sealed));
        }
    }

    @Test
    void layoutAndKeyDerivationAreAsDocumented() throws Exception {
        byte[] random = TestData.random(10_000, 20);
        ChunkId id = id(random);
        byte[] sealed = sealer.seal(id, random, 0, random.length);

        assertEquals(1, sealed[0], "version");
        assertEquals(0, sealed[1], "flags");
        assertEquals(random.length, ByteBuffer.wrap(sealed, 2, 4).getInt(), "plaintext length");

        Mac hmac = Mac.getInstance("HmacSHA256");
        hmac.init(new SecretKeySpec("tributary chunk sealer v1".getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
        byte[] prk = hmac.doFinal(DATA_KEY);
        hmac.init(new SecretKeySpec(prk, "HmacSHA256"));
        hmac.update("tributary chunk key v1".getBytes(StandardCharsets.US_ASCII));
        hmac.update(id.toBytes());
        byte[] key = hmac.doFinal(new byte[] {1});

        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, sealed, 6, 12));
        gcm.updateAAD(Arrays.copyOf(sealed, 6));
        gcm.updateAAD(id.toBytes());
        assertArrayEquals(random, gcm.doFinal(sealed, 18, sealed.length - 18));
    }

    @Test
    void sealingTwiceUsesFreshNonces() {
        byte[] text = TestData.text(65536, 8);
        ChunkId id = id(text);
        assertFalse(Arrays.equals(sealer.seal(id, text, 0, text.length), sealer.seal(id, text, 0, text.length)));
    }

    @Test
    void refusesEveryFlippedByte() {
        for (byte[] plain : List.of(TestData.text(65536, 9), TestData.random(20_000, 10))) {
            ChunkId id = id(plain);
            byte[] sealed = sealer.seal(id, plain, 0, plain.length);
            // Header, nonce, first and last payload bytes, tag.
            for (int pos : new int[] {1, 2, 5, 6, 17, 18, sealed.length - 17, sealed.length - 16, sealed.length - 1}) {
                byte[] altered = sealed.clone();
                altered[pos] ^= 0x01;
                assertThrows(ChunkCorruptException.class, () -> sealer.open(id, altered), "flipped byte " + pos);
            }
        }
    }

    @Test
    void refusesTheWrongIdAndTheWrongKey() {
        byte[] text = TestData.text(65536, 11);
        byte[] sealed = sealer.seal(id(text), text, 0, text.length);
        ChunkId other = id(TestData.text(100, 12));
        ChunkCorruptException wrongId = assertThrows(ChunkCorruptException.class, () -> sealer.open(other, sealed));
        assertTrue(wrongId.getMessage().contains(other.toString()), wrongId.getMessage());
        ChunkSealer otherTenant = new ChunkSealer(TestData.random(32, 13), 1);
        assertThrows(ChunkCorruptException.class, () -> otherTenant.open(id(text), sealed));
    }

    @Test
    void refusesTruncatedBlobs() {
        for (byte[] plain : List.of(TestData.text(65536, 14), TestData.random(65536, 15))) {
            ChunkId id = id(plain);
            byte[] sealed = sealer.seal(id, plain, 0, plain.length);
            for (int length : new int[] {0, 5, ChunkSealer.OVERHEAD - 1, ChunkSealer.OVERHEAD, sealed.length - 1}) {
                byte[] truncated = Arrays.copyOf(sealed, length);
                assertThrows(ChunkCorruptException.class, () -> sealer.open(id, truncated), "truncated to " + length);
            }
        }
    }

    @Test
    void refusesUnknownVersionAndFlags() {
        byte[] text = TestData.text(65536, 16);
        ChunkId id = id(text);
        byte[] sealed = sealer.seal(id, text, 0, text.length);
        byte[] version = sealed.clone();
        version[0] = 2;
        ChunkCorruptException e = assertThrows(ChunkCorruptException.class, () -> sealer.open(id, version));
        assertTrue(e.getMessage().contains("version 2"), e.getMessage());
        assertThrows(ChunkCorruptException.class, () -> ChunkSealer.plaintextLength(version));
        byte[] flags = sealed.clone();
        flags[1] |= (byte) 0x80;
        assertThrows(ChunkCorruptException.class, () -> sealer.open(id, flags));
    }

    @Test
    void isSafeToShareBetweenThreads() throws Exception {
        List<byte[]> chunks = IntStream.range(0, 64)
                .mapToObj(i -> i % 2 == 0 ? TestData.text(40_000 + i, i) : TestData.random(40_000 + i, i))
                .toList();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<Boolean>> results = chunks.stream()
                    .map(c -> pool.submit(() -> Arrays.equals(c, sealer.open(id(c), sealer.seal(id(c), c, 0, c.length)))))
                    .toList();
            for (Future<Boolean> result : results) {
                assertTrue(result.get());
            }
        }
    }

    @Test
    void rejectsBadKeysAndLevels() {
        assertThrows(IllegalArgumentException.class, () -> new ChunkSealer(new byte[31], 1));
        assertThrows(IllegalArgumentException.class, () -> new ChunkSealer(DATA_KEY, 99));
    }

    private static ChunkId id(byte[] plain) {
        synchronized (HASHER) {
            return HASHER.hash(plain, 0, plain.length);
        }
    }
}
