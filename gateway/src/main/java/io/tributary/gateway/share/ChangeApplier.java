package io.tributary.gateway.share;

import io.tributary.gateway.journal.Change;
import io.tributary.gateway.journal.ChunkRef;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns one {@link Change} into one RocksDB batch. The same code validates a live change (before
 * it is journaled) and applies it on replay, so what is journaled is exactly what gets applied.
 * A live change that breaks a rule throws {@link ShareException} and nothing is written.
 */
final class ChangeApplier {
    /** No directory listing or recursive walk reads more children than this at once. */
    static final int MAX_CHILDREN = 1_000_000;

    /** What a change did, beyond its batch. */
    static final class Effects {
        final List<ChunkRef> added = new ArrayList<>();
        final List<ChunkRef> removed = new ArrayList<>();
        long highestNodeId = 0;
        /** The node now at the change's target path, if it has one. */
        Node target;
        /** The target path held something before the change. */
        boolean replaced;
        /** Files whose content the change created or replaced; each gets the change's version. */
        final List<Long> newContent = new ArrayList<>();
    }

    private final NamespaceDb db;
    private final Map<String, Long> roots;
    private final DirectoryCache directories = new DirectoryCache();

    ChangeApplier(NamespaceDb db, Map<String, Long> roots) {
        this.db = db;
        this.roots = roots;
    }

    Effects apply(Change change, WriteBatch batch) throws RocksDBException {
        Effects fx = new Effects();
        long root = rootOf(change.share());
        switch (change) {
            case Change.PutFile p -> putFile(root, p, batch, fx);
            case Change.MakeDirectory m -> makeDirectory(root, m, batch, fx);
            case Change.Delete d -> {
                Node node = existing(root, d.path());
                refuseRoot(node, "delete");
                deleteEntry(batch, node.parent(), node.name());
                removeTree(node, batch, fx);
            }
            case Change.Move m -> move(root, m, batch, fx);
            case Change.Copy c -> copy(root, c, batch, fx);
            case Change.PatchProperties p -> {
                Node node = existing(root, p.path());
                for (String name : p.remove()) {
                    batch.delete(db.props, NamespaceDb.propKey(node.id(), name));
                }
                for (Map.Entry<String, String> e : p.set().entrySet()) {
                    batch.put(db.props, NamespaceDb.propKey(node.id(), e.getKey()), e.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
                fx.target = node;
            }
            case Change.SetModified s -> {
                Node node = existing(root, s.path()).withModified(s.modifiedMillis());
                batch.put(db.nodes, NamespaceDb.id(node.id()), node.encode());
                fx.target = node;
            }
            case Change.Remote r -> {
                return apply(r.change(), batch);
            }
        }
        return fx;
    }

    private void putFile(long root, Change.PutFile p, WriteBatch batch, Effects fx) throws RocksDBException {
        Node parent = directory(root, p.path().subList(0, p.path().size() - 1));
        String name = p.path().getLast();
        NameRules.check(name);
        Optional<Node> existing = db.child(parent.id(), name);
        Node node;
        if (existing.isPresent()) {
            Node old = existing.get();
            if (old.directory()) {
                throw new ShareException(ShareException.Kind.IS_A_DIRECTORY, "'" + name + "' is a directory");
            }
            requireSameCase(old, name);
            fx.removed.addAll(db.manifest(old.id()));
            node = old.withContent(p.size(), p.modifiedMillis());
            fx.replaced = true;
        } else {
            node = new Node(p.nodeId(), parent.id(), false, p.size(), p.modifiedMillis(), p.modifiedMillis(), 1, name);
            putEntry(batch, parent.id(), name, node.id());
            fx.highestNodeId = node.id();
        }
        batch.put(db.nodes, NamespaceDb.id(node.id()), node.encode());
        batch.put(db.manifests, NamespaceDb.id(node.id()), NamespaceDb.encodeManifest(p.chunks()));
        fx.added.addAll(p.chunks());
        fx.target = node;
        fx.newContent.add(node.id());
    }

    private void makeDirectory(long root, Change.MakeDirectory m, WriteBatch batch, Effects fx) throws RocksDBException {
        if (m.path().isEmpty()) {
            throw new ShareException(ShareException.Kind.ALREADY_EXISTS, "the share root exists");
        }
        Node parent = directory(root, m.path().subList(0, m.path().size() - 1));
        String name = m.path().getLast();
        NameRules.check(name);
        Optional<Node> existing = db.child(parent.id(), name);
        if (existing.isPresent()) {
            requireSameCase(existing.get(), name);
            throw new ShareException(ShareException.Kind.ALREADY_EXISTS, "'" + name + "' already exists");
        }
        Node node = new Node(m.nodeId(), parent.id(), true, 0, m.modifiedMillis(), m.modifiedMillis(), 1, name);
        putEntry(batch, parent.id(), name, node.id());
        batch.put(db.nodes, NamespaceDb.id(node.id()), node.encode());
        fx.highestNodeId = node.id();
        fx.target = node;
    }

    private void move(long root, Change.Move m, WriteBatch batch, Effects fx) throws RocksDBException {
        Node source = existing(root, m.from());
        refuseRoot(source, "move");
        refuseOverlap(m.from(), m.to());
        Node parent = directory(root, m.to().subList(0, m.to().size() - 1));
        String name = m.to().getLast();
        NameRules.check(name);
        Optional<Node> existing = db.child(parent.id(), name);
        if (existing.isPresent() && existing.get().id() != source.id()) {
            fx.replaced = true;
            removeTree(existing.get(), batch, fx);
        }
        deleteEntry(batch, source.parent(), source.name());
        putEntry(batch, parent.id(), name, source.id());
        Node moved = source.withName(parent.id(), name);
        batch.put(db.nodes, NamespaceDb.id(moved.id()), moved.encode());
        fx.target = moved;
    }

    private void copy(long root, Change.Copy c, WriteBatch batch, Effects fx) throws RocksDBException {
        Node source = existing(root, c.from());
        refuseRoot(source, "copy");
        refuseOverlap(c.from(), c.to());
        Node parent = directory(root, c.to().subList(0, c.to().size() - 1));
        String name = c.to().getLast();
        NameRules.check(name);
        Optional<Node> existing = db.child(parent.id(), name);
        if (existing.isPresent()) {
            if (existing.get().id() == source.id()) {
                throw new ShareException(ShareException.Kind.INTO_ITSELF, "source and destination are the same");
            }
            fx.replaced = true;
            removeTree(existing.get(), batch, fx);
        }
        long[] next = {c.firstNodeId()};
        fx.target = copyTree(source, parent.id(), name, c.recursive(), c.modifiedMillis(), next, batch, fx);
        fx.highestNodeId = next[0] - 1;
    }

    private Node copyTree(Node source, long parent, String name, boolean recursive, long now, long[] next,
                          WriteBatch batch, Effects fx) throws RocksDBException {
        Node copy = new Node(next[0]++, parent, source.directory(), source.size(), source.modifiedMillis(), now, 1, name);
        putEntry(batch, parent, name, copy.id());
        batch.put(db.nodes, NamespaceDb.id(copy.id()), copy.encode());
        for (String[] prop : db.properties(source.id())) {
            batch.put(db.props, NamespaceDb.propKey(copy.id(), prop[0]), prop[1].getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        if (!source.directory()) {
            List<ChunkRef> chunks = db.manifest(source.id());
            batch.put(db.manifests, NamespaceDb.id(copy.id()), NamespaceDb.encodeManifest(chunks));
            fx.added.addAll(chunks);
            fx.newContent.add(copy.id());
        } else if (recursive) {
            for (Node child : db.children(source.id(), MAX_CHILDREN)) {
                copyTree(child, copy.id(), child.name(), true, now, next, batch, fx);
            }
        }
        return copy;
    }

    /** Counts the nodes a copy creates, so their ids can be reserved before it is journaled. */
    long countTree(Node node, boolean recursive) throws RocksDBException {
        long n = 1;
        if (node.directory() && recursive) {
            for (Node child : db.children(node.id(), MAX_CHILDREN)) {
                n += countTree(child, true);
            }
        }
        return n;
    }

    /** Deletes a node and everything under it; the caller deletes the node's own directory entry. */
    private void removeTree(Node node, WriteBatch batch, Effects fx) throws RocksDBException {
        if (node.directory()) {
            for (Node child : db.children(node.id(), MAX_CHILDREN)) {
                deleteEntry(batch, node.id(), child.name());
                removeTree(child, batch, fx);
            }
        } else {
            fx.removed.addAll(db.manifest(node.id()));
            batch.delete(db.manifests, NamespaceDb.id(node.id()));
        }
        db.deleteProperties(batch, node.id());
        batch.delete(db.versions, NamespaceDb.id(node.id()));
        batch.delete(db.nodes, NamespaceDb.id(node.id()));
    }

    /** Every directory entry a batch writes goes through here or {@link #deleteEntry}. */
    private void putEntry(WriteBatch batch, long parent, String name, long node) throws RocksDBException {
        directories.forget(parent, name);
        batch.put(db.dirents, NamespaceDb.direntKey(parent, name), NamespaceDb.id(node));
    }

    private void deleteEntry(WriteBatch batch, long parent, String name) throws RocksDBException {
        directories.forget(parent, name);
        batch.delete(db.dirents, NamespaceDb.direntKey(parent, name));
    }

    long rootOf(String share) {
        Long root = roots.get(share);
        if (root == null) {
            throw new ShareException(ShareException.Kind.NOT_FOUND, "no share named '" + share + "'");
        }
        return root;
    }

    /**
     * The node at {@code path} under the share root {@code root}. Lookups are exact: a name that
     * differs from the stored one only in case finds nothing (creating it is refused instead).
     * The directories on the way come from {@link #directories} where it has them.
     */
    Optional<Node> resolve(long root, List<String> path) throws RocksDBException {
        if (path.isEmpty()) {
            return db.node(root);
        }
        long parent = root;
        int last = path.size() - 1;
        for (int i = 0; i < last; i++) {
            String name = path.get(i);
            DirectoryCache.Dir cached = directories.get(parent, name);
            if (cached != null) {
                if (!cached.name().equals(name)) {
                    return Optional.empty();
                }
                parent = cached.id();
                continue;
            }
            Optional<Node> dir = exactChild(parent, name);
            if (dir.isEmpty() || !dir.get().directory()) {
                return Optional.empty();
            }
            directories.remember(parent, dir.get());
            parent = dir.get().id();
        }
        Optional<Node> node = exactChild(parent, path.get(last));
        if (node.isPresent() && node.get().directory()) {
            directories.remember(parent, node.get());
        }
        return node;
    }

    private Optional<Node> exactChild(long parent, String name) throws RocksDBException {
        Optional<Node> node = db.child(parent, name);
        return node.isPresent() && node.get().name().equals(name) ? node : Optional.empty();
    }

    /** Directories cached for path resolution; for tests. */
    int cachedDirectories() {
        return directories.size();
    }

    private Node existing(long root, List<String> path) throws RocksDBException {
        return resolve(root, path).orElseThrow(() ->
                new ShareException(ShareException.Kind.NOT_FOUND, "'" + display(path) + "' does not exist"));
    }

    private Node directory(long root, List<String> path) throws RocksDBException {
        Node node = resolve(root, path).orElseThrow(() ->
                new ShareException(ShareException.Kind.PARENT_MISSING, "the directory '" + display(path) + "' does not exist"));
        if (!node.directory()) {
            throw new ShareException(ShareException.Kind.NOT_A_DIRECTORY, "'" + display(path) + "' is not a directory");
        }
        return node;
    }

    private static void requireSameCase(Node existing, String name) {
        if (!existing.name().equals(name)) {
            throw new ShareException(ShareException.Kind.NAME_COLLISION, "'" + name + "' collides with '"
                    + existing.name() + "' in the same directory: names must differ in more than case");
        }
    }

    private static void refuseRoot(Node node, String what) {
        if (node.parent() == 0) {
            throw new ShareException(ShareException.Kind.INTO_ITSELF, "cannot " + what + " the share root");
        }
    }

    private static void refuseOverlap(List<String> from, List<String> to) {
        boolean toUnderFrom = to.size() > from.size() && to.subList(0, from.size()).equals(from);
        boolean fromUnderTo = from.size() > to.size() && from.subList(0, to.size()).equals(to);
        if (toUnderFrom || fromUnderTo) {
            throw new ShareException(ShareException.Kind.INTO_ITSELF, "'" + display(to) + "' and '" + display(from)
                    + "' contain one another");
        }
    }

    static String display(List<String> path) {
        return "/" + String.join("/", path);
    }
}
