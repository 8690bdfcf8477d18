package io.tributary.gateway.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ChunkSizesTest {
    @Test
    void defaultIs16k64k256k() {
        assertEquals(new ChunkSizes(16384, 65536, 262144), ChunkSizes.DEFAULT);
    }

    @Test
    void parsesSuffixesAndPlainBytes() {
        assertEquals(ChunkSizes.DEFAULT, ChunkSizes.parse("16k/64k/256k"));
        assertEquals(ChunkSizes.DEFAULT, ChunkSizes.parse(" 16K / 65536 / 256k "));
        assertEquals(new ChunkSizes(256 << 10, 1 << 20, 4 << 20), ChunkSizes.parse("256k/1m/4M"));
    }

    @Test
    void rejectsMalformedTextWithTheOffendingPart() {
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> ChunkSizes.parse("16k/64k"));
        assertTrue(shape.getMessage().contains("min/avg/max"), shape.getMessage());
        IllegalArgumentException number = assertThrows(IllegalArgumentException.class, () -> ChunkSizes.parse("16k/sixty/256k"));
        assertTrue(number.getMessage().contains("\"sixty\""), number.getMessage());
        IllegalArgumentException huge = assertThrows(IllegalArgumentException.class, () -> ChunkSizes.parse("16k/64k/9999999m"));
        assertTrue(huge.getMessage().contains("out of range"), huge.getMessage());
    }

    @Test
    void enforcesOrderPowerOfTwoAndLimits() {
        assertThrows(IllegalArgumentException.class, () -> ChunkSizes.parse("64k/16k/256k"));
        assertThrows(IllegalArgumentException.class, () -> ChunkSizes.parse("16k/64k/64k"));
        IllegalArgumentException notPow2 = assertThrows(IllegalArgumentException.class, () -> ChunkSizes.parse("16k/60k/256k"));
        assertTrue(notPow2.getMessage().contains("power of two"), notPow2.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ChunkSizes(32, 128, 1024));
        assertThrows(IllegalArgumentException.class, () -> ChunkSizes.parse("16m/32m/128m"));
    }
}
