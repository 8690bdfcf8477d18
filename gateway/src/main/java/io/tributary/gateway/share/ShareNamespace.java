package io.tributary.gateway.share;

import io.tributary.gateway.chunk.CacheFullException;
import io.tributary.gateway.chunk.ChunkUpload;
import io.tributary.gateway.journal.Change;
import io.tributary.gateway.journal.ChunkRef;
import io.tributary.gateway.journal.Version;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * One share's tree of directories and files. Every front-end (WebDAV, LAN gRPC) goes through
 * this type; it validates names, journals each change before applying it, and answers only
 * after the change is durable. Refusals are {@link ShareException}s, with nothing changed.
 */
public final class ShareNamespace {
    private final String name;
    private final NamespaceStore store;
    private final LockManager locks;

    ShareNamespace(String name, NamespaceStore store) {
        this.name = name;
        this.store = store;
        this.locks = new LockManager(store.clock());
    }

    public String name() {
        return name;
    }

    public Optional<Entry> stat(SharePath path) {
        return node(path).map(Node::entry);
    }

    /** The children of a directory, in name order (ignoring case). */
    public List<Entry> list(SharePath dir) {
        return store.read((db, applier) -> {
            Node node = applier.resolve(applier.rootOf(name), dir.names()).orElseThrow(() -> notFound(dir));
            if (!node.directory()) {
                throw new ShareException(ShareException.Kind.NOT_A_DIRECTORY, "'" + dir + "' is not a directory");
            }
            List<Entry> out = new ArrayList<>();
            for (Node child : db.children(node.id(), ChangeApplier.MAX_CHILDREN)) {
                out.add(child.entry());
            }
            return out;
        });
    }

    public Entry mkdir(SharePath path) {
        checkNewName(path);
        long now = store.clock().millis();
        return store.commit(id -> new Change.MakeDirectory(name, path.names(), id, now), List.of()).target().entry();
    }

    /**
     * Streams {@code body} into a new version of the file at {@code path}, never holding it whole.
     * Returns once the chunks and the journal entry are durable.
     *
     * @param maxBytes refuse with {@link ShareException.Kind#TOO_LARGE} past this many bytes
     */
    public WriteResult write(SharePath path, InputStream body, long maxBytes) {
        checkNewName(path);
        // Fail before reading the body when the parent is missing: a big upload need not stream in vain.
        stat(path.parent()).filter(Entry::directory).orElseThrow(() -> new ShareException(
                ShareException.Kind.PARENT_MISSING, "the directory '" + path.parent() + "' does not exist"));
        ChunkUpload upload = store.chunks().beginUpload();
        boolean handedOver = false;
        try {
            upload.consume(new BoundedInputStream(body, maxBytes));
            store.chunks().syncPayloads();
            long now = store.clock().millis();
            // From here the commit owns the upload's pins, whether it succeeds or not.
            handedOver = true;
            NamespaceStore.Committed c = store.commit(
                    id -> new Change.PutFile(name, path.names(), id, now, upload.size(), upload.chunks()), upload.chunks());
            return new WriteResult(c.target().entry(), !c.replaced());
        } catch (CacheFullException e) {
            throw new ShareException(ShareException.Kind.BUSY, e.getMessage());
        } catch (IOException e) {
            if (String.valueOf(e.getMessage()).contains("No space left on device")) {
                throw new ShareException(ShareException.Kind.NO_SPACE, "the gateway's chunk store is full; nothing was written");
            }
            throw new UncheckedIOException(e);
        } finally {
            if (!handedOver) {
                store.release(upload.chunks());
            }
        }
    }

    /**
     * A new version of the file at {@code path} made of {@code chunks}, which are already in the
     * store: {@code pins} holds one pin on each distinct one (taken with
     * {@link io.tributary.gateway.chunk.ChunkStore#pinIfKnown} or
     * {@link io.tributary.gateway.chunk.ChunkStore#storeCut}).
     *
     * @param modified null for now
     * @param ifEtag   null to write whatever is there, empty to write only if nothing is, else
     *                 write only if the entry's {@link Entry#etag()} is this one
     */
    public record ChunkWrite(SharePath path, List<ChunkRef> chunks, List<ChunkRef> pins, Instant modified, String ifEtag) {
    }

    /** What became of one {@link ChunkWrite}: its result, or the refusal that left the path as it was. */
    public record ChunkWritten(WriteResult result, RuntimeException refusal) {
    }

    /**
     * Writes several files with one wait for the disk, in order; a refused one leaves the others
     * be. Every write's pins are released whatever happens. Returns once the accepted ones are
     * durable, with an outcome per write.
     */
    public List<ChunkWritten> writeChunks(List<ChunkWrite> writes) {
        List<LongFunction<Change>> builds = new ArrayList<>(writes.size());
        List<List<ChunkRef>> pins = new ArrayList<>(writes.size());
        for (ChunkWrite w : writes) {
            pins.add(w.pins());
            builds.add(id -> {
                checkNewName(w.path());
                long size = 0;
                for (ChunkRef c : w.chunks()) {
                    size += c.length();
                }
                if (w.ifEtag() != null) {
                    String current = stat(w.path()).map(Entry::etag).orElse("");
                    if (!current.equals(w.ifEtag())) {
                        throw new ShareException(ShareException.Kind.PRECONDITION_FAILED, "'" + w.path() + "' is "
                                + (current.isEmpty() ? "absent" : "at " + current) + ", not "
                                + (w.ifEtag().isEmpty() ? "absent" : "at " + w.ifEtag()));
                    }
                }
                long mtime = w.modified() == null ? store.clock().millis() : w.modified().toEpochMilli();
                return new Change.PutFile(name, w.path().names(), id, mtime, size, w.chunks());
            });
        }
        List<ChunkWritten> out = new ArrayList<>(writes.size());
        for (NamespaceStore.Outcome o : store.commitAll(builds, pins)) {
            out.add(o.refusal() != null ? new ChunkWritten(null, o.refusal())
                    : new ChunkWritten(new WriteResult(o.committed().target().entry(), !o.committed().replaced()), null));
        }
        return out;
    }

    /**
     * A file as of one moment: its entry and its chunks, pinned until the returned file is closed,
     * so what a reader is told (size, etag) is what it reads even if the file changes meanwhile.
     */
    public OpenedFile open(SharePath path) {
        return store.read((db, applier) -> {
            Node node = applier.resolve(applier.rootOf(name), path.names()).orElseThrow(() -> notFound(path));
            if (node.directory()) {
                throw new ShareException(ShareException.Kind.IS_A_DIRECTORY, "'" + path + "' is a directory");
            }
            List<ChunkRef> refs = db.manifest(node.id());
            // Pin under the read lock so a concurrent delete cannot reclaim them before they are read.
            store.chunks().pin(refs);
            return new OpenedFile(node.entry(), refs);
        });
    }

    /** See {@link #open}. Close it, or the stream taken from it, to release its chunks. */
    public final class OpenedFile implements AutoCloseable {
        private final Entry entry;
        private final List<ChunkRef> chunks;
        private boolean handedOver;
        private boolean closed;

        private OpenedFile(Entry entry, List<ChunkRef> chunks) {
            this.entry = entry;
            this.chunks = chunks;
        }

        public Entry entry() {
            return entry;
        }

        /** The bytes from {@code offset}, {@code length} of them ({@code -1}: to the end); once. */
        public InputStream stream(long offset, long length) {
            if (handedOver || closed) {
                throw new IllegalStateException("a file opened once is read once");
            }
            handedOver = true;
            return new ManifestInputStream(store.chunks(), chunks, offset, length, () -> store.release(chunks));
        }

        @Override
        public void close() {
            if (!handedOver && !closed) {
                store.release(chunks);
            }
            closed = true;
        }
    }

    /** The bytes of a file from {@code offset}, {@code length} of them ({@code -1}: to the end). */
    public InputStream read(SharePath path, long offset, long length) {
        return open(path).stream(offset, length);
    }

    /** Deletes a file, or a directory with everything under it. */
    public void delete(SharePath path) {
        store.commit(id -> new Change.Delete(name, path.names()), List.of());
        locks.release(path);
    }

    /** @return true if {@code to} existed and was replaced */
    public boolean move(SharePath from, SharePath to, boolean overwrite) {
        checkNewName(to);
        boolean replaced = store.commit(id -> {
            refuseExisting(from, to, overwrite);
            return new Change.Move(name, from.names(), to.names());
        }, List.of()).replaced();
        locks.release(from);
        return replaced;
    }

    /** @return true if {@code to} existed and was replaced */
    public boolean copy(SharePath from, SharePath to, boolean overwrite, boolean recursive) {
        checkNewName(to);
        long now = store.clock().millis();
        return store.commit(id -> {
            refuseExisting(from, to, overwrite);
            return new Change.Copy(name, from.names(), to.names(), recursive, id, now);
        }, List.of()).replaced();
    }

    /** Dead properties: key in Clark notation {@code {namespace}local}, value the property element as XML text. */
    public Map<String, String> deadProperties(SharePath path) {
        return store.read((db, applier) -> {
            Node node = applier.resolve(applier.rootOf(name), path.names()).orElseThrow(() -> notFound(path));
            Map<String, String> out = new LinkedHashMap<>();
            for (String[] p : db.properties(node.id())) {
                out.put(p[0], p[1]);
            }
            return out;
        });
    }

    /** Sets and removes dead properties in one atomic change. */
    public void patchProperties(SharePath path, Map<String, String> set, Collection<String> remove) {
        store.commit(id -> new Change.PatchProperties(name, path.names(), set, List.copyOf(remove)), List.of());
    }

    /** Sets the modification time (Windows sets it after copying a file). */
    public void setModified(SharePath path, Instant modified) {
        store.commit(id -> new Change.SetModified(name, path.names(), modified.toEpochMilli()), List.of());
    }

    /** The version of a file's current content, as central and the other branches name it. */
    public Optional<Version> version(SharePath path) {
        return store.version(name, path.names());
    }

    /**
     * The durability receipt of a file: true once central holds its current version, so losing
     * this gateway would not lose it. Empty for directories and for files from before versions.
     */
    public Optional<Boolean> safeAtCentral(SharePath path) {
        return version(path).map(store::atCentral);
    }

    /** The chunks of a file, in order; empty for a directory or a missing path. */
    public List<ChunkRef> chunksOf(SharePath path) {
        return store.read((db, applier) -> {
            Optional<Node> node = applier.resolve(applier.rootOf(name), path.names());
            return node.isEmpty() || node.get().directory() ? List.<ChunkRef>of() : db.manifest(node.get().id());
        });
    }

    public LockManager locks() {
        return locks;
    }

    private Optional<Node> node(SharePath path) {
        return store.read((db, applier) -> applier.resolve(applier.rootOf(name), path.names()));
    }

    private void refuseExisting(SharePath from, SharePath to, boolean overwrite) {
        if (!overwrite) {
            Optional<Node> target = node(to);
            Optional<Node> source = node(from);
            if (target.isPresent() && !(source.isPresent() && source.get().id() == target.get().id())) {
                throw new ShareException(ShareException.Kind.ALREADY_EXISTS, "'" + to + "' exists and Overwrite is F");
            }
        }
    }

    /** Refuses a name no new entry may take (the root, Windows-reserved or malformed names). */
    public static void checkNewName(SharePath path) {
        if (path.isRoot()) {
            throw new ShareException(ShareException.Kind.ALREADY_EXISTS, "the share root already exists");
        }
        NameRules.check(path.name());
    }

    private static ShareException notFound(SharePath path) {
        return new ShareException(ShareException.Kind.NOT_FOUND, "'" + path + "' does not exist");
    }
}
