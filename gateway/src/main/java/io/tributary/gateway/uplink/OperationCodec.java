package io.tributary.gateway.uplink;

import com.google.protobuf.ByteString;
import io.tributary.gateway.journal.Change;
import io.tributary.gateway.journal.ChunkRef;
import io.tributary.gateway.journal.Version;
import io.tributary.proto.ChunkId;
import io.tributary.proto.v1.Copy;
import io.tributary.proto.v1.Delete;
import io.tributary.proto.v1.MakeDirectory;
import io.tributary.proto.v1.Hunk;
import io.tributary.proto.v1.ManifestEdit;
import io.tributary.proto.v1.Move;
import io.tributary.proto.v1.Operation;
import io.tributary.proto.v1.PatchProperties;
import io.tributary.proto.v1.PutFile;
import io.tributary.proto.v1.SetModified;
import io.tributary.proto.v1.ShareChange;

import java.util.ArrayList;
import java.util.List;

/**
 * Journal changes to wire operations and back. Operations from central are checked here before
 * they reach the namespace, which applies its own name rules on top.
 */
final class OperationCodec {
    static final int MAX_PATH_NAMES = 64;
    static final int MAX_CHUNKS = 1 << 20;

    private OperationCodec() {
    }

    /**
     * The wire form of a local change journaled at {@code position}.
     *
     * @param asEdit    send a file version's manifest as an edit of its base's if it has one
     * @param requestId the client request that made the change, for central's logs; null for none
     */
    static Operation toWire(long position, Change change, long fallbackMillis, boolean asEdit, String requestId) {
        Operation.Builder op = Operation.newBuilder().setPosition(position).setShare(change.share())
                .setModifiedMillis(fallbackMillis);
        if (requestId != null) {
            op.setRequestId(requestId);
        }
        switch (change) {
            case Change.PutFile p -> {
                PutFile.Builder put = PutFile.newBuilder().addAllPath(p.path()).setSize(p.size());
                boolean edit = asEdit && p.edit() != null;
                if (edit) {
                    ManifestEdit.Builder wire = ManifestEdit.newBuilder().setBaseChunks(p.edit().baseChunks());
                    for (io.tributary.gateway.journal.ManifestEdit.Hunk h : p.edit().hunks()) {
                        wire.addHunks(Hunk.newBuilder().setBaseStart(h.baseStart()).setBaseCount(h.replaced().size())
                                .setNewCount(h.newCount()));
                    }
                    put.setEdit(wire);
                }
                for (ChunkRef c : edit ? p.newChunks() : p.chunks()) {
                    put.addChunks(io.tributary.proto.v1.ChunkRef.newBuilder()
                            .setId(ByteString.copyFrom(c.id().toBytes())).setLength(c.length()));
                }
                if (p.base() != null) {
                    put.setBase(toWire(p.base()));
                }
                op.setModifiedMillis(p.modifiedMillis()).setPutFile(put);
            }
            case Change.MakeDirectory m -> op.setModifiedMillis(m.modifiedMillis())
                    .setMakeDirectory(MakeDirectory.newBuilder().addAllPath(m.path()));
            case Change.Delete d -> op.setDelete(Delete.newBuilder().addAllPath(d.path()));
            case Change.Move m -> op.setMove(Move.newBuilder().addAllFrom(m.from()).addAllTo(m.to()));
            case Change.Copy c -> op.setModifiedMillis(c.modifiedMillis()).setCopy(Copy.newBuilder()
                    .addAllFrom(c.from()).addAllTo(c.to()).setRecursive(c.recursive()));
            case Change.PatchProperties p -> op.setPatchProperties(PatchProperties.newBuilder()
                    .addAllPath(p.path()).putAllSet(p.set()).addAllRemove(p.remove()));
            case Change.SetModified s -> op.setModifiedMillis(s.modifiedMillis())
                    .setSetModified(SetModified.newBuilder().addAllPath(s.path()));
            case Change.Remote r -> throw new IllegalArgumentException("remote changes are not sent back upstream");
        }
        return op.build();
    }

    static io.tributary.proto.v1.Version toWire(Version v) {
        return io.tributary.proto.v1.Version.newBuilder().setGatewayId(v.gateway()).setPosition(v.position()).build();
    }

    /**
     * The journal form of a change from central; {@code nodeId} is the first free node id.
     *
     * @throws IllegalArgumentException if central sent something malformed
     */
    static Change.Remote fromWire(ShareChange sc, long nodeId) {
        Operation op = sc.getOperation();
        String share = sc.getShare();
        if (!op.getShare().equals(share)) {
            throw new IllegalArgumentException("operation names share '" + op.getShare() + "' inside a change of '" + share + "'");
        }
        long mtime = op.getModifiedMillis();
        Change change = switch (op.getKindCase()) {
            case PUT_FILE -> {
                PutFile p = op.getPutFile();
                if (p.getChunksCount() > MAX_CHUNKS || p.getSize() < 0) {
                    throw new IllegalArgumentException("file manifest out of bounds");
                }
                List<ChunkRef> chunks = new ArrayList<>(p.getChunksCount());
                long total = 0;
                for (io.tributary.proto.v1.ChunkRef c : p.getChunksList()) {
                    if (c.getId().size() != ChunkId.LENGTH || c.getLength() <= 0) {
                        throw new IllegalArgumentException("malformed chunk reference");
                    }
                    chunks.add(new ChunkRef(ChunkId.of(c.getId().toByteArray()), c.getLength()));
                    total += c.getLength();
                }
                if (total != p.getSize()) {
                    throw new IllegalArgumentException("file size " + p.getSize() + " but chunks hold " + total);
                }
                yield new Change.PutFile(share, path(p.getPathList()), nodeId, mtime, p.getSize(), chunks);
            }
            case MAKE_DIRECTORY -> new Change.MakeDirectory(share, path(op.getMakeDirectory().getPathList()), nodeId, mtime);
            case DELETE -> new Change.Delete(share, path(op.getDelete().getPathList()));
            case MOVE -> new Change.Move(share, path(op.getMove().getFromList()), path(op.getMove().getToList()));
            case COPY -> new Change.Copy(share, path(op.getCopy().getFromList()), path(op.getCopy().getToList()),
                    op.getCopy().getRecursive(), nodeId, mtime);
            case PATCH_PROPERTIES -> new Change.PatchProperties(share, path(op.getPatchProperties().getPathList()),
                    op.getPatchProperties().getSetMap(), op.getPatchProperties().getRemoveList());
            case SET_MODIFIED -> new Change.SetModified(share, path(op.getSetModified().getPathList()), mtime);
            case KIND_NOT_SET -> throw new IllegalArgumentException("operation without a kind");
        };
        Version version = sc.hasVersion() && !sc.getVersion().getGatewayId().isEmpty()
                ? new Version(sc.getVersion().getGatewayId(), sc.getVersion().getPosition()) : null;
        return new Change.Remote(share, sc.getRevision(), version, change);
    }

    private static List<String> path(List<String> names) {
        if (names.size() > MAX_PATH_NAMES) {
            throw new IllegalArgumentException("path deeper than " + MAX_PATH_NAMES);
        }
        for (String name : names) {
            if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0
                    || name.indexOf('\\') >= 0 || name.chars().anyMatch(ch -> ch < 0x20)) {
                throw new IllegalArgumentException("bad name in path: '" + name.replaceAll("\\p{Cntrl}", "?") + "'");
            }
        }
        return names;
    }
}
