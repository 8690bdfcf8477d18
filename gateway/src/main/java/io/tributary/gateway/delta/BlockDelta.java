package io.tributary.gateway.delta;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** New bytes as copies of signed old blocks and literal bytes between them. */
public final class BlockDelta {
    private BlockDelta() {
    }

    /** One step of a delta: {@link Copy} or {@link Literal}. */
    public sealed interface Op permits Copy, Literal {
    }

    /** {@code count} consecutive old blocks from {@code block}. */
    public record Copy(int block, int count) implements Op {
    }

    /** Bytes the old ones do not have. */
    public record Literal(byte[] bytes) implements Op {
    }

    /**
     * The delta of {@code data} against the old bytes {@code old} signs: every full old block
     * found anywhere in {@code data}, at any offset, becomes a copy.
     */
    public static List<Op> encode(byte[] data, BlockSignatures old) {
        int bs = old.blockSize();
        Map<Integer, List<Integer>> byWeak = new HashMap<>();
        for (int b = 0; b < old.blocks(); b++) {
            if (old.blockLength(b) == bs) {
                byWeak.computeIfAbsent(old.weak(b), k -> new ArrayList<>(1)).add(b);
            }
        }
        List<Op> ops = new ArrayList<>();
        MessageDigest sha = BlockSignatures.sha256();
        int literalFrom = 0;
        int i = 0;
        int a = 0;
        int s = 0;
        boolean fresh = true;
        while (i + bs <= data.length) {
            if (fresh) {
                int w = BlockSignatures.weakSum(data, i, bs);
                a = w & 0xffff;
                s = w >>> 16;
                fresh = false;
            }
            int match = -1;
            List<Integer> candidates = byWeak.get((a & 0xffff) | (s << 16));
            if (candidates != null) {
                sha.update(data, i, bs);
                byte[] strong = sha.digest();
                for (int c : candidates) {
                    if (old.strongEquals(c, strong)) {
                        match = c;
                        break;
                    }
                }
            }
            if (match >= 0) {
                if (literalFrom < i) {
                    ops.add(new Literal(Arrays.copyOfRange(data, literalFrom, i)));
                }
                if (!ops.isEmpty() && ops.getLast() instanceof Copy last && last.block() + last.count() == match) {
                    ops.set(ops.size() - 1, new Copy(last.block(), last.count() + 1));
                } else {
                    ops.add(new Copy(match, 1));
                }
                i += bs;
                literalFrom = i;
                fresh = true;
            } else {
                if (i + bs < data.length) {
                    // Roll the window one byte on (rsync's sums, kept modulo 2^16 when packed).
                    int out = data[i] & 0xff;
                    int in = data[i + bs] & 0xff;
                    a = a - out + in;
                    s = s - bs * out + a;
                }
                i++;
            }
        }
        if (literalFrom < data.length) {
            ops.add(new Literal(Arrays.copyOfRange(data, literalFrom, data.length)));
        }
        return ops;
    }

    /** Bytes a delta costs on the wire, roughly: its literals and a few bytes per copy. */
    public static long cost(List<Op> ops) {
        long n = 0;
        for (Op op : ops) {
            n += op instanceof Literal l ? l.bytes().length + 2 : 6;
        }
        return n;
    }

    /**
     * Rebuilds the bytes a delta describes from the old bytes, which are cut in blocks of
     * {@code blockSize}; refuses a delta that reaches outside them or does not come to exactly
     * {@code length} bytes.
     */
    public static byte[] apply(byte[] old, int blockSize, List<Op> ops, int length) {
        byte[] out = new byte[length];
        int pos = 0;
        int blocks = (int) ((old.length + (long) blockSize - 1) / blockSize);
        for (Op op : ops) {
            switch (op) {
                case Copy c -> {
                    if (c.block() < 0 || c.count() < 1 || c.block() > blocks - c.count()) {
                        throw new IllegalArgumentException("a delta copies blocks " + c.block() + "+" + c.count()
                                + " of " + blocks);
                    }
                    int from = c.block() * blockSize;
                    int n = (int) Math.min((long) c.count() * blockSize, old.length - from);
                    if (n > length - pos) {
                        throw new IllegalArgumentException("a delta comes to more than " + length + " bytes");
                    }
                    System.arraycopy(old, from, out, pos, n);
                    pos += n;
                }
                case Literal l -> {
                    if (l.bytes().length > length - pos) {
                        throw new IllegalArgumentException("a delta comes to more than " + length + " bytes");
                    }
                    System.arraycopy(l.bytes(), 0, out, pos, l.bytes().length);
                    pos += l.bytes().length;
                }
            }
        }
        if (pos != length) {
            throw new IllegalArgumentException("a delta comes to " + pos + " bytes, not " + length);
        }
        return out;
    }
}
