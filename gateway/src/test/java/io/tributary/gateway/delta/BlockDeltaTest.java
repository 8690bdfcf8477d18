package io.tributary.gateway.delta;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlockDeltaTest {
    private static final int BLOCK = 2048;

    @Test
    void anInsertCostsAboutOneBlockAndTheRestIsCopied() {
        byte[] old = random(1, 200_000);
        byte[] now = concat(Arrays.copyOfRange(old, 0, 4096), random(2, 100), Arrays.copyOfRange(old, 4096, old.length));
        List<BlockDelta.Op> ops = roundTrip(old, now);
        assertTrue(BlockDelta.cost(ops) < BLOCK + 100 + 64, BlockDelta.cost(ops) + " bytes for a 100-byte insert");
    }

    @Test
    void anOverwriteCostsWhatWasOverwrittenAndUpToABlockEachSide() {
        byte[] old = random(3, 300_000);
        byte[] now = old.clone();
        System.arraycopy(random(4, 65_536), 0, now, 100_000, 65_536);
        long cost = BlockDelta.cost(roundTrip(old, now));
        assertTrue(cost >= 65_536 && cost < 65_536 + 2 * BLOCK + 64, cost + " bytes for a 64 KiB overwrite");
    }

    @Test
    void unrelatedBytesGoWholeAndEqualBytesAsCopies() {
        byte[] old = random(5, 50_000);
        byte[] other = random(6, 50_000);
        assertTrue(BlockDelta.cost(roundTrip(old, other)) >= other.length);
        List<BlockDelta.Op> same = roundTrip(old, old);
        // 24 full blocks copied in one op; the short last block goes as a literal.
        assertEquals(new BlockDelta.Copy(0, 24), same.getFirst());
        assertTrue(BlockDelta.cost(same) < 50_000 - 24 * BLOCK + 64);
    }

    @Test
    void randomEditsAlwaysRebuildExactly() {
        Random r = new Random(7);
        for (int round = 0; round < 200; round++) {
            byte[] old = random(r.nextLong(), r.nextInt(20_000));
            byte[] now = old.clone();
            for (int e = 0; e < 1 + r.nextInt(4); e++) {
                int at = now.length == 0 ? 0 : r.nextInt(now.length);
                now = switch (r.nextInt(3)) {
                    case 0 -> concat(Arrays.copyOfRange(now, 0, at), random(r.nextLong(), r.nextInt(3000)), Arrays.copyOfRange(now, at, now.length));
                    case 1 -> concat(Arrays.copyOfRange(now, 0, at), Arrays.copyOfRange(now, Math.min(now.length, at + r.nextInt(3000)), now.length));
                    default -> concat(Arrays.copyOfRange(now, at, now.length), Arrays.copyOfRange(now, 0, at));
                };
            }
            roundTrip(old, now);
        }
    }

    @Test
    void aDeltaThatReachesOutsideTheOldBytesOrMissesTheLengthIsRefused() {
        byte[] old = random(8, 5000);   // blocks 0, 1 and a short block 2
        assertThrows(IllegalArgumentException.class, () -> BlockDelta.apply(old, BLOCK, List.of(new BlockDelta.Copy(3, 1)), BLOCK));
        assertThrows(IllegalArgumentException.class, () -> BlockDelta.apply(old, BLOCK, List.of(new BlockDelta.Copy(2, 2)), 10_000));
        assertThrows(IllegalArgumentException.class, () -> BlockDelta.apply(old, BLOCK, List.of(new BlockDelta.Copy(-1, 1)), BLOCK));
        assertThrows(IllegalArgumentException.class, () -> BlockDelta.apply(old, BLOCK, List.of(new BlockDelta.Copy(0, 0)), 0));
        assertThrows(IllegalArgumentException.class, () -> BlockDelta.apply(old, BLOCK, List.of(new BlockDelta.Copy(0, 1)), BLOCK - 1));
        assertThrows(IllegalArgumentException.class, () -> BlockDelta.apply(old, BLOCK, List.of(new BlockDelta.Literal(new byte[10])), 9));
        assertThrows(IllegalArgumentException.class, () -> BlockDelta.apply(old, BLOCK, List.of(new BlockDelta.Copy(0, 1)), BLOCK + 1));
        assertArrayEquals(Arrays.copyOfRange(old, 4096, 5000), BlockDelta.apply(old, BLOCK, List.of(new BlockDelta.Copy(2, 1)), 904));
    }

    @Test
    void signaturesFromTheWireMustAddUp() {
        BlockSignatures sig = BlockSignatures.of(random(9, 10_000), BLOCK);
        BlockSignatures back = BlockSignatures.fromWire(BLOCK, 10_000, sig.weakBytes(), sig.strongBytes());
        assertEquals(sig.blocks(), back.blocks());
        assertThrows(IllegalArgumentException.class, () -> BlockSignatures.fromWire(BLOCK, 20_000, sig.weakBytes(), sig.strongBytes()));
        assertThrows(IllegalArgumentException.class, () -> BlockSignatures.fromWire(BLOCK, 10_000, new byte[3], sig.strongBytes()));
        assertThrows(IllegalArgumentException.class, () -> BlockSignatures.fromWire(100, 10_000, sig.weakBytes(), sig.strongBytes()));
        assertThrows(IllegalArgumentException.class, () -> BlockSignatures.fromWire(BLOCK, -1, new byte[0], new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> BlockSignatures.of(new byte[BlockSignatures.MAX_BLOCKS * 256 + 1], 256));
    }

    private static List<BlockDelta.Op> roundTrip(byte[] old, byte[] now) {
        BlockSignatures sig = BlockSignatures.fromWire(BLOCK, old.length, BlockSignatures.of(old, BLOCK).weakBytes(),
                BlockSignatures.of(old, BLOCK).strongBytes());
        List<BlockDelta.Op> ops = BlockDelta.encode(now, sig);
        assertArrayEquals(now, BlockDelta.apply(old, BLOCK, ops, now.length));
        return ops;
    }

    private static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
