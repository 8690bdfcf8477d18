package io.tributary.central.versions;

import com.google.protobuf.InvalidProtocolBufferException;
import io.tributary.central.meta.CommitResult;
import io.tributary.central.meta.Entry;
import io.tributary.central.meta.MetaStore;
import io.tributary.central.meta.SharePath;
import io.tributary.proto.v1.Delete;
import io.tributary.proto.v1.Operation;
import io.tributary.proto.v1.PutFile;
import io.tributary.proto.v1.Version;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Restores as new revisions: a restored version is a {@code PutFile} by central whose base is
 * the current version, so it reaches every gateway through the feed like any other change, and
 * a concurrent write at a gateway turns into an ordinary conflict instead of being lost.
 */
public final class Restore {
    private final MetaStore meta;
    private final FileHistory history;

    public Restore(MetaStore meta, FileHistory history) {
        this.meta = meta;
        this.history = history;
    }

    /** Restores the version of {@code path} created at {@code revision}. */
    public CommitResult file(String share, SharePath path, long revision) throws SQLException, NotFoundException {
        requireShare(share);
        Optional<Entry> current = meta.entry(share, path);
        if (current.isPresent() && current.get().dir()) {
            throw new IllegalArgumentException("'" + path.display() + "' is a folder; restore it with restore-folder");
        }
        FileVersion wanted = history.of(share, path).stream().filter(v -> v.revision() == revision).findFirst()
                .orElseThrow(() -> new NotFoundException("no version of '" + path.display() + "' was created at revision " + revision));
        return meta.commitAsCentral(List.of(put(share, wanted, current.orElse(null))));
    }

    /**
     * Brings every file at or below {@code folder} back to its version at {@code atMillis}:
     * files changed or deleted since get that version again, files created since are deleted.
     */
    public CommitResult folder(String share, SharePath folder, long atMillis) throws SQLException, NotFoundException {
        requireShare(share);
        Optional<Entry> dir = folder.isRoot() ? Optional.empty() : meta.entry(share, folder);
        if (dir.isPresent() && !dir.get().dir()) {
            throw new IllegalArgumentException("'" + folder.display() + "' is a file; restore it with restore");
        }
        Map<String, Entry> current = new TreeMap<>();
        for (Entry e : meta.filesWithin(share, folder)) {
            current.put(e.key(), e);
        }
        Map<String, FileVersion> past = new HashMap<>();
        List<FileVersion> previous = history.previousAt(share, folder, atMillis);
        for (FileVersion v : previous) {
            past.put(SharePath.ofStored(v.path()).key(), v);
        }
        if (!folder.isRoot() && dir.isEmpty() && previous.isEmpty()) {
            throw new NotFoundException("no folder '" + folder.display() + "' in share '" + share + "'");
        }
        TreeMap<String, Boolean> keys = new TreeMap<>();
        current.keySet().forEach(k -> keys.put(k, true));
        past.keySet().forEach(k -> keys.put(k, true));
        List<Operation> ops = new ArrayList<>();
        for (String key : keys.keySet()) {
            Entry now = current.get(key);
            if (now != null && now.createdMillis() <= atMillis) {
                continue;
            }
            FileVersion then = past.get(key);
            if (then != null) {
                ops.add(put(share, then, now));
            } else {
                ops.add(Operation.newBuilder().setShare(share).setModifiedMillis(meta.now())
                        .setDelete(Delete.newBuilder().addAllPath(SharePath.ofStored(now.path()).names())).build());
            }
        }
        return meta.commitAsCentral(ops);
    }

    private void requireShare(String share) throws SQLException, NotFoundException {
        if (meta.shareRevision(share).isEmpty()) {
            throw new NotFoundException("no share '" + share + "'");
        }
    }

    private static Operation put(String share, FileVersion v, Entry current) {
        PutFile manifest;
        try {
            manifest = v.manifest() == null ? PutFile.getDefaultInstance() : PutFile.parseFrom(v.manifest());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a stored manifest does not parse at " + v.path(), e);
        }
        String display = current != null ? current.path() : v.path();
        PutFile.Builder put = manifest.toBuilder().clearPath().addAllPath(SharePath.ofStored(display).names()).setSize(v.size());
        if (current != null && !current.dir()) {
            put.setBase(Version.newBuilder().setGatewayId(current.versionGateway()).setPosition(current.versionPosition()));
        }
        return Operation.newBuilder().setShare(share).setModifiedMillis(v.modifiedMillis()).setPutFile(put).build();
    }
}
