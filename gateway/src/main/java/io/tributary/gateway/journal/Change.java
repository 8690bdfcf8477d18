package io.tributary.gateway.journal;

import java.util.List;
import java.util.Map;

/**
 * One namespace change as the journal records it. Paths are share-relative name lists, already
 * validated; node ids are assigned before the change is journaled, so applying a change is
 * deterministic and replay after a crash rebuilds exactly the state the client was promised.
 */
public sealed interface Change {
    String share();

    /**
     * A new version of a file: its chunks in order. Replaces a file of that name if there is one;
     * {@code base} names the version it replaced (null for a new file, or one written before
     * versions were recorded), which is what central checks for conflicts. {@code edit}, if
     * set, tells how {@code chunks} differ from base's, so that the uplink can send only that.
     */
    record PutFile(String share, List<String> path, long nodeId, long modifiedMillis, long size,
                   List<ChunkRef> chunks, Version base, ManifestEdit edit) implements Change {
        public PutFile {
            path = List.copyOf(path);
            chunks = List.copyOf(chunks);
            if (edit != null && (base == null || edit.resultChunks() != chunks.size())) {
                throw new IllegalArgumentException("a manifest edit needs a base and must yield the file's chunks");
            }
        }

        public PutFile(String share, List<String> path, long nodeId, long modifiedMillis, long size,
                       List<ChunkRef> chunks) {
            this(share, path, nodeId, modifiedMillis, size, chunks, null, null);
        }

        /** This version as a replacement of {@code base}, without an edit. */
        public PutFile withBase(Version base) {
            return withBase(base, null);
        }

        public PutFile withBase(Version base, ManifestEdit edit) {
            return new PutFile(share, path, nodeId, modifiedMillis, size, chunks, base, edit);
        }

        /** The chunks that replaced some of base's: all of them without an edit. */
        public List<ChunkRef> newChunks() {
            return edit == null ? chunks : edit.newChunks(chunks);
        }
    }

    record MakeDirectory(String share, List<String> path, long nodeId, long modifiedMillis) implements Change {
        public MakeDirectory {
            path = List.copyOf(path);
        }
    }

    /** Removes a file or a whole directory tree. */
    record Delete(String share, List<String> path) implements Change {
        public Delete {
            path = List.copyOf(path);
        }
    }

    /** Renames; an existing target is deleted first. */
    record Move(String share, List<String> from, List<String> to) implements Change {
        public Move {
            from = List.copyOf(from);
            to = List.copyOf(to);
        }
    }

    /** Copies a file or tree; new nodes get consecutive ids from {@code firstNodeId} in traversal order. */
    record Copy(String share, List<String> from, List<String> to, boolean recursive, long firstNodeId,
                long modifiedMillis) implements Change {
        public Copy {
            from = List.copyOf(from);
            to = List.copyOf(to);
        }
    }

    /** Dead properties set (Clark name to XML text) and removed, in one change. */
    record PatchProperties(String share, List<String> path, Map<String, String> set, List<String> remove)
            implements Change {
        public PatchProperties {
            path = List.copyOf(path);
            set = Map.copyOf(set);
            remove = List.copyOf(remove);
        }
    }

    record SetModified(String share, List<String> path, long modifiedMillis) implements Change {
        public SetModified {
            path = List.copyOf(path);
        }
    }

    /**
     * A change another branch made, as central committed it at {@code revision} of the share. It
     * is journaled so that replay rebuilds it like any other, but the uplink never sends it back.
     * {@code version} is the file version it created (PutFile, Copy), or null.
     */
    record Remote(String share, long revision, Version version, Change change) implements Change {
        public Remote {
            if (change instanceof Remote) {
                throw new IllegalArgumentException("a remote change wraps a local kind of change");
            }
            if (!change.share().equals(share)) {
                throw new IllegalArgumentException("a remote change and what it wraps name one share");
            }
        }
    }
}
