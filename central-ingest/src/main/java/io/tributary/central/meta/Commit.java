package io.tributary.central.meta;

import com.google.protobuf.InvalidProtocolBufferException;
import io.tributary.proto.v1.ChunkRef;
import io.tributary.proto.v1.Copy;
import io.tributary.proto.v1.Delete;
import io.tributary.proto.v1.MakeDirectory;
import io.tributary.proto.v1.Hunk;
import io.tributary.proto.v1.ManifestEdit;
import io.tributary.proto.v1.Move;
import io.tributary.proto.v1.Operation;
import io.tributary.proto.v1.OperationResult;
import io.tributary.proto.v1.OperationResult.Outcome;
import io.tributary.proto.v1.PatchProperties;
import io.tributary.proto.v1.PutFile;
import io.tributary.proto.v1.ShareChange;
import io.tributary.proto.v1.Version;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * One transaction applying operations of one origin by central's rules (docs/protocol.md):
 * each applied operation takes the share's next revision and leaves a change row for the feed.
 */
final class Commit {
    private final Connection c;
    private final Origin origin;
    private final long now;
    private final Set<String> locked = new HashSet<>();
    final Set<String> changedShares = new HashSet<>();
    int applied;
    int skipped;
    int conflicts;

    Commit(Connection c, Origin origin, long now) {
        this.c = c;
        this.origin = origin;
        this.now = now;
    }

    OperationResult apply(Operation op) throws SQLException {
        lockShare(op.getShare());
        return switch (op.getKindCase()) {
            case PUT_FILE -> {
                Operation whole = expandEdit(op);
                yield putFile(whole, whole.getPutFile());
            }
            case MAKE_DIRECTORY -> makeDirectory(op, op.getMakeDirectory());
            case DELETE -> delete(op, op.getDelete());
            case MOVE -> move(op, op.getMove());
            case COPY -> copy(op, op.getCopy());
            case PATCH_PROPERTIES -> patchProperties(op, op.getPatchProperties());
            case SET_MODIFIED -> setModified(op, SharePath.ofEntry(op.getSetModified().getPathList()));
            case KIND_NOT_SET -> throw new InvalidOperationException("an operation has no kind");
        };
    }

    /** The result for an operation that was committed before (a replay after a lost ack). */
    OperationResult alreadyCommitted(Operation op) throws SQLException {
        skipped++;
        return result(op, currentRevision(op.getShare()), Outcome.SKIPPED, "already committed");
    }

    /** An operation whose manifest came as an edit of its base's, with the manifest made whole. */
    private Operation expandEdit(Operation op) throws SQLException {
        PutFile put = op.getPutFile();
        if (!put.hasEdit()) {
            return op;
        }
        ManifestEdit edit = put.getEdit();
        SharePath path = SharePath.ofEntry(put.getPathList());
        List<ChunkRef> base = baseManifest(op.getShare(), path, put.getBase());
        String where = op.getShare() + ":" + path.display();
        if (base == null) {
            throw new UnknownBaseException("the base version of the edited manifest for " + where
                    + " is not at central; send the whole manifest");
        }
        if (base.size() != edit.getBaseChunks()) {
            throw new UnknownBaseException("the base version for " + where + " has " + base.size()
                    + " chunks, the edit expects " + edit.getBaseChunks() + "; send the whole manifest");
        }
        List<ChunkRef> whole = new java.util.ArrayList<>(base.size() + put.getChunksCount());
        int kept = 0;
        int fresh = 0;
        for (Hunk h : edit.getHunksList()) {
            whole.addAll(base.subList(kept, h.getBaseStart()));
            whole.addAll(put.getChunksList().subList(fresh, fresh + h.getNewCount()));
            kept = h.getBaseStart() + h.getBaseCount();
            fresh += h.getNewCount();
        }
        whole.addAll(base.subList(kept, base.size()));
        long total = 0;
        for (ChunkRef ref : whole) {
            total += ref.getLength();
        }
        if (total != put.getSize()) {
            throw new InvalidOperationException("the edited manifest for " + where + " holds " + total
                    + " bytes but the file has " + put.getSize());
        }
        return op.toBuilder().setPutFile(put.toBuilder().clearEdit().clearChunks().addAllChunks(whole)).build();
    }

    /** The chunks of {@code base} at {@code path}: the current entry or a kept version; null if neither. */
    private List<ChunkRef> baseManifest(String share, SharePath path, Version base) throws SQLException {
        Optional<Entry> current = Entries.get(c, share, path.key());
        if (current.isPresent() && !current.get().dir() && current.get().hasVersion(base.getGatewayId(), base.getPosition())) {
            return chunks(current.get());
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT manifest FROM versions WHERE share = ? AND path_key = ?"
                + " AND version_gateway = ? AND version_position = ?")) {
            ps.setString(1, share);
            ps.setString(2, path.key());
            ps.setString(3, base.getGatewayId());
            ps.setLong(4, base.getPosition());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                byte[] manifest = rs.getBytes(1);
                try {
                    return manifest == null ? List.of() : PutFile.parseFrom(manifest).getChunksList();
                } catch (InvalidProtocolBufferException ex) {
                    throw new IllegalStateException("a kept manifest does not parse at " + share + ":" + path.display(), ex);
                }
            }
        }
    }

    private OperationResult putFile(Operation op, PutFile put) throws SQLException {
        String share = op.getShare();
        SharePath path = SharePath.ofEntry(put.getPathList());
        Optional<Entry> existing = Entries.get(c, share, path.key());
        if (existing.isEmpty()) {
            // New, or deleted meanwhile: an edit wins over a delete.
            if (parentBlocked(share, path)) {
                return skip(op, "a parent of the path is a file");
            }
            long revision = nextRevision(share);
            String parentDisplay = makeParents(share, path.parent(), revision, op.getModifiedMillis());
            Version version = versionOf(op, revision);
            Entries.insert(c, fileEntry(share, path, parentDisplay, put, op.getModifiedMillis(), version, null, revision));
            return change(op, op, version, true, revision, Outcome.APPLIED, null, "");
        }
        Entry e = existing.get();
        if (!e.dir() && put.hasBase() && e.hasVersion(put.getBase().getGatewayId(), put.getBase().getPosition())) {
            long revision = nextRevision(share);
            Entries.retireTree(c, share, e.key(), revision, now);
            Version version = versionOf(op, revision);
            Entries.updateFile(c, fileEntry(share, path, parentOf(e.path()), put, op.getModifiedMillis(), version, e.props(), revision)
                    .withPath(e.path()));
            return change(op, op, version, true, revision, Outcome.APPLIED, null, "");
        }
        return conflict(op, put, e);
    }

    private OperationResult conflict(Operation op, PutFile put, Entry winner) throws SQLException {
        String share = op.getShare();
        conflicts++;
        String parentDisplay = parentOf(winner.path());
        SharePath dir = SharePath.ofStored(parentDisplay);
        String copyName = null;
        for (int n = 1; n < 10_000 && copyName == null; n++) {
            String candidate = ConflictName.of(put.getPath(put.getPathCount() - 1), origin.branch(), op.getModifiedMillis(), n);
            if (Entries.get(c, share, dir.child(candidate).key()).isEmpty()) {
                copyName = candidate;
            }
        }
        if (copyName == null) {
            return skip(op, "no free conflict copy name");
        }
        SharePath copyPath = dir.child(copyName);
        long loserRevision = nextRevision(share);
        Version loser = versionOf(op, loserRevision);
        Entries.insert(c, fileEntry(share, copyPath, parentDisplay, put, op.getModifiedMillis(), loser, null, loserRevision));
        Operation asCopy = op.toBuilder().setPutFile(put.toBuilder().clearPath().addAllPath(copyPath.names()).clearBase()).build();
        change(op, asCopy, loser, false, loserRevision, Outcome.CONFLICT, null, "");

        // Restate the winner so that the loser's gateway, which kept its own version at the path, converges.
        long winnerRevision = nextRevision(share);
        SharePath winnerPath = SharePath.ofStored(winner.path());
        Operation.Builder restated = Operation.newBuilder().setShare(share).setModifiedMillis(winner.modifiedMillis())
                .setRequestId(op.getRequestId());
        Version winnerVersion = null;
        String winnerGateway;
        if (winner.dir()) {
            restated.setMakeDirectory(MakeDirectory.newBuilder().addAllPath(winnerPath.names()));
            winnerGateway = origin.gatewayId();
        } else {
            winnerVersion = Version.newBuilder().setGatewayId(winner.versionGateway()).setPosition(winner.versionPosition()).build();
            restated.setPosition(winner.versionPosition()).setPutFile(manifest(winner).toBuilder().clearPath()
                    .addAllPath(winnerPath.names()).setSize(winner.size()));
            winnerGateway = winner.versionGateway();
        }
        insertChange(share, winnerRevision, winnerGateway, branchOf(winnerGateway), false, restated.build(), winnerVersion);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO conflicts (share, path, conflict_path, winner_gateway,"
                + " winner_position, loser_gateway, loser_position, loser_branch, revision, at_millis)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, share);
            ps.setString(2, winner.path());
            ps.setString(3, copyPath.display());
            ps.setString(4, winner.dir() ? "" : winner.versionGateway());
            ps.setLong(5, winner.dir() ? -1 : winner.versionPosition());
            ps.setString(6, loser.getGatewayId());
            ps.setLong(7, loser.getPosition());
            ps.setString(8, origin.branch());
            ps.setLong(9, loserRevision);
            ps.setLong(10, now);
            ps.executeUpdate();
        }
        return result(op, winnerRevision, Outcome.CONFLICT, "the path holds another version; this one is kept at the conflict path")
                .toBuilder().addAllConflictPath(copyPath.names()).build();
    }

    private OperationResult makeDirectory(Operation op, MakeDirectory mkdir) throws SQLException {
        String share = op.getShare();
        SharePath path = SharePath.ofEntry(mkdir.getPathList());
        Optional<Entry> existing = Entries.get(c, share, path.key());
        if (existing.isPresent()) {
            return skip(op, existing.get().dir() ? "already a directory" : "a file is in the way");
        }
        if (parentBlocked(share, path)) {
            return skip(op, "a parent of the path is a file");
        }
        long revision = nextRevision(share);
        makeParents(share, path, revision, op.getModifiedMillis());
        return change(op, op, null, true, revision, Outcome.APPLIED, null, "");
    }

    private OperationResult delete(Operation op, Delete delete) throws SQLException {
        String share = op.getShare();
        SharePath path = SharePath.ofEntry(delete.getPathList());
        Optional<Entry> existing = Entries.get(c, share, path.key());
        if (existing.isEmpty()) {
            return skip(op, "already gone");
        }
        long revision = nextRevision(share);
        Entries.retireTree(c, share, path.key(), revision, now);
        Entries.deleteTree(c, share, path.key());
        return change(op, op, null, true, revision, Outcome.APPLIED, null, "");
    }

    private OperationResult move(Operation op, Move move) throws SQLException {
        String share = op.getShare();
        SharePath from = SharePath.ofEntry(move.getFromList());
        SharePath to = SharePath.ofEntry(move.getToList());
        Optional<Entry> source = Entries.get(c, share, from.key());
        if (source.isEmpty()) {
            return skip(op, "the source is gone");
        }
        Entry e = source.get();
        if (from.key().equals(to.key())) {
            if (e.name().equals(to.name())) {
                return skip(op, "source and target are the same");
            }
            long revision = nextRevision(share);
            Entries.redisplayTree(c, share, e, joinPath(parentOf(e.path()), to.name()));
            return change(op, op, null, true, revision, Outcome.APPLIED, null, "");
        }
        if (to.within(from)) {
            return skip(op, "a folder cannot move into itself");
        }
        if (from.within(to)) {
            return skip(op, "the target contains the source");
        }
        if (parentBlocked(share, to)) {
            return skip(op, "a parent of the target is a file");
        }
        long revision = nextRevision(share);
        replaceTarget(share, to, revision);
        String parentDisplay = makeParents(share, to.parent(), revision, op.getModifiedMillis());
        Entries.moveTree(c, share, e, to.key(), joinPath(parentDisplay, to.name()), to.parent().key());
        return change(op, op, null, true, revision, Outcome.APPLIED, null, "");
    }

    private OperationResult copy(Operation op, Copy copy) throws SQLException {
        String share = op.getShare();
        SharePath from = SharePath.ofEntry(copy.getFromList());
        SharePath to = SharePath.ofEntry(copy.getToList());
        Optional<Entry> source = Entries.get(c, share, from.key());
        if (source.isEmpty()) {
            return skip(op, "the source is gone");
        }
        if (to.within(from) || from.within(to)) {
            return skip(op, "source and target overlap");
        }
        if (parentBlocked(share, to)) {
            return skip(op, "a parent of the target is a file");
        }
        Entry e = source.get();
        long revision = nextRevision(share);
        replaceTarget(share, to, revision);
        String parentDisplay = makeParents(share, to.parent(), revision, op.getModifiedMillis());
        String toPath = joinPath(parentDisplay, to.name());
        Version version = versionOf(op, revision);
        Entries.insert(c, new Entry(share, to.key(), toPath, to.parent().key(), e.dir(), e.size(), e.modifiedMillis(),
                version.getGatewayId(), version.getPosition(), e.manifest(), e.props(), revision, now));
        if (e.dir() && copy.getRecursive()) {
            Entries.copyDescendants(c, share, e, to.key(), toPath, version.getGatewayId(), version.getPosition(), revision, now);
        }
        return change(op, op, version, true, revision, Outcome.APPLIED, null, "");
    }

    private OperationResult patchProperties(Operation op, PatchProperties patch) throws SQLException {
        String share = op.getShare();
        SharePath path = SharePath.ofEntry(patch.getPathList());
        Optional<Entry> existing = Entries.get(c, share, path.key());
        if (existing.isEmpty()) {
            return skip(op, "the path is gone");
        }
        TreeMap<String, String> props = new TreeMap<>(properties(existing.get().props()));
        props.putAll(patch.getSetMap());
        patch.getRemoveList().forEach(props::remove);
        long revision = nextRevision(share);
        Entries.setProps(c, share, path.key(), props.isEmpty() ? null
                : PatchProperties.newBuilder().putAllSet(props).build().toByteArray());
        return change(op, op, null, true, revision, Outcome.APPLIED, null, "");
    }

    private OperationResult setModified(Operation op, SharePath path) throws SQLException {
        String share = op.getShare();
        if (Entries.get(c, share, path.key()).isEmpty()) {
            return skip(op, "the path is gone");
        }
        long revision = nextRevision(share);
        Entries.setModified(c, share, path.key(), op.getModifiedMillis());
        return change(op, op, null, true, revision, Outcome.APPLIED, null, "");
    }

    // --- pieces ---

    private void replaceTarget(String share, SharePath to, long revision) throws SQLException {
        if (Entries.get(c, share, to.key()).isPresent()) {
            Entries.retireTree(c, share, to.key(), revision, now);
            Entries.deleteTree(c, share, to.key());
        }
    }

    /** True if some proper ancestor of {@code path} is a file. */
    private boolean parentBlocked(String share, SharePath path) throws SQLException {
        for (int i = 1; i < path.names().size(); i++) {
            Optional<Entry> e = Entries.get(c, share, new SharePath(path.names().subList(0, i)).key());
            if (e.isEmpty()) {
                return false;
            }
            if (!e.get().dir()) {
                return true;
            }
        }
        return false;
    }

    /** Creates the missing directories of {@code dir} (and {@code dir} itself); returns its display path. */
    private String makeParents(String share, SharePath dir, long revision, long modified) throws SQLException {
        String display = "";
        String parentKey = "";
        for (int i = 1; i <= dir.names().size(); i++) {
            SharePath prefix = new SharePath(dir.names().subList(0, i));
            Optional<Entry> e = Entries.get(c, share, prefix.key());
            if (e.isPresent()) {
                display = e.get().path();
            } else {
                display = joinPath(display, prefix.name());
                Entries.insert(c, new Entry(share, prefix.key(), display, parentKey, true, 0, modified, null, -1, null, null,
                        revision, now));
            }
            parentKey = prefix.key();
        }
        return display;
    }

    private Entry fileEntry(String share, SharePath path, String parentDisplay, PutFile put, long modified, Version version,
                            byte[] props, long revision) {
        byte[] manifest = PutFile.newBuilder().addAllChunks(put.getChunksList()).build().toByteArray();
        return new Entry(share, path.key(), joinPath(parentDisplay, path.name()), path.parent().key(), false, put.getSize(),
                modified, version.getGatewayId(), version.getPosition(), manifest, props, revision, now);
    }

    private Version versionOf(Operation op, long revision) {
        // Central's own changes (restores) are named by the revision they create: unique within the share.
        return Version.newBuilder().setGatewayId(origin.gatewayId())
                .setPosition(origin.isCentral() ? revision : op.getPosition()).build();
    }

    private OperationResult change(Operation op, Operation asCommitted, Version version, boolean asSent, long revision,
                                   Outcome outcome, List<String> conflictPath, String detail) throws SQLException {
        insertChange(op.getShare(), revision, origin.gatewayId(), origin.branch(), asSent, asCommitted, version);
        if (outcome == Outcome.APPLIED) {
            applied++;
        }
        OperationResult r = result(op, revision, outcome, detail);
        return conflictPath == null ? r : r.toBuilder().addAllConflictPath(conflictPath).build();
    }

    private void insertChange(String share, long revision, String gateway, String branch, boolean asSent, Operation op,
                              Version version) throws SQLException {
        ShareChange.Builder change = ShareChange.newBuilder().setShare(share).setRevision(revision).setOriginGateway(gateway)
                .setOriginBranch(branch).setAsSent(asSent).setOperation(op).setCommittedMillis(now);
        if (version != null) {
            change.setVersion(version);
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO changes (share, revision, origin_gateway, as_sent,"
                + " committed_millis, change) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, share);
            ps.setLong(2, revision);
            ps.setString(3, gateway);
            ps.setInt(4, asSent ? 1 : 0);
            ps.setLong(5, now);
            ps.setBytes(6, change.build().toByteArray());
            ps.executeUpdate();
        }
        changedShares.add(share);
    }

    private OperationResult skip(Operation op, String detail) throws SQLException {
        skipped++;
        return result(op, currentRevision(op.getShare()), Outcome.SKIPPED, detail);
    }

    private static OperationResult result(Operation op, long revision, Outcome outcome, String detail) {
        return OperationResult.newBuilder().setPosition(op.getPosition()).setShare(op.getShare()).setRevision(revision)
                .setOutcome(outcome).setDetail(detail).build();
    }

    /** Creates the share's row if needed and locks it for the rest of the transaction. */
    private void lockShare(String share) throws SQLException {
        if (!locked.add(share)) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO shares (share, revision) VALUES (?, 0) ON CONFLICT (share) DO NOTHING")) {
            ps.setString(1, share);
            ps.executeUpdate();
        }
        // A no-op update takes the row lock (PostgreSQL), so every read below sees the latest committed state.
        try (PreparedStatement ps = c.prepareStatement("UPDATE shares SET revision = revision WHERE share = ?")) {
            ps.setString(1, share);
            ps.executeUpdate();
        }
    }

    private long nextRevision(String share) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE shares SET revision = revision + 1 WHERE share = ?")) {
            ps.setString(1, share);
            ps.executeUpdate();
        }
        return currentRevision(share);
    }

    private long currentRevision(String share) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT revision FROM shares WHERE share = ?")) {
            ps.setString(1, share);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    private String branchOf(String gateway) throws SQLException {
        if (Origin.CENTRAL_ID.equals(gateway)) {
            return Origin.CENTRAL.branch();
        }
        if (gateway.equals(origin.gatewayId())) {
            return origin.branch();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT branch FROM gateways WHERE gateway_id = ?")) {
            ps.setString(1, gateway);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "";
            }
        }
    }

    static PutFile manifest(Entry e) {
        try {
            return e.manifest() == null ? PutFile.getDefaultInstance() : PutFile.parseFrom(e.manifest());
        } catch (InvalidProtocolBufferException ex) {
            throw new IllegalStateException("a stored manifest does not parse at " + e.path(), ex);
        }
    }

    static java.util.Map<String, String> properties(byte[] props) {
        try {
            return props == null ? java.util.Map.of() : PatchProperties.parseFrom(props).getSetMap();
        } catch (InvalidProtocolBufferException ex) {
            throw new IllegalStateException("stored properties do not parse", ex);
        }
    }

    static List<ChunkRef> chunks(Entry e) {
        return manifest(e).getChunksList();
    }

    static String parentOf(String display) {
        int slash = display.lastIndexOf('/');
        return slash < 0 ? "" : display.substring(0, slash);
    }

    static String joinPath(String parent, String name) {
        return parent.isEmpty() ? name : parent + "/" + name;
    }
}
