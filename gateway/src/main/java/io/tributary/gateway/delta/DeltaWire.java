package io.tributary.gateway.delta;

import com.google.protobuf.ByteString;
import io.tributary.proto.v1.DeltaOp;

import java.util.ArrayList;
import java.util.List;

/** Block signatures and deltas in their LAN API messages ({@code tributary.v1}), both ways. */
public final class DeltaWire {
    private DeltaWire() {
    }

    public static io.tributary.proto.v1.BlockSignatures.Builder toWire(BlockSignatures sig) {
        return io.tributary.proto.v1.BlockSignatures.newBuilder().setBlockSize(sig.blockSize()).setLength(sig.length())
                .setWeak(ByteString.copyFrom(sig.weakBytes())).setStrong(ByteString.copyFrom(sig.strongBytes()));
    }

    /** @throws IllegalArgumentException if the signatures do not add up */
    public static BlockSignatures fromWire(io.tributary.proto.v1.BlockSignatures sig) {
        return BlockSignatures.fromWire(sig.getBlockSize(), sig.getLength(), sig.getWeak().toByteArray(),
                sig.getStrong().toByteArray());
    }

    public static List<DeltaOp> toWire(List<BlockDelta.Op> ops) {
        List<DeltaOp> out = new ArrayList<>(ops.size());
        for (BlockDelta.Op op : ops) {
            out.add(switch (op) {
                case BlockDelta.Copy c -> DeltaOp.newBuilder().setCopyBlock(c.block()).setCopyCount(c.count()).build();
                case BlockDelta.Literal l -> DeltaOp.newBuilder().setLiteral(ByteString.copyFrom(l.bytes())).build();
            });
        }
        return out;
    }

    public static List<BlockDelta.Op> fromWire(List<DeltaOp> ops) {
        List<BlockDelta.Op> out = new ArrayList<>(ops.size());
        for (DeltaOp op : ops) {
            out.add(op.getLiteral().isEmpty() ? new BlockDelta.Copy(op.getCopyBlock(), op.getCopyCount())
                    : new BlockDelta.Literal(op.getLiteral().toByteArray()));
        }
        return out;
    }
}
