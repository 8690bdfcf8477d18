package io.tributary.gateway.share;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Directories that path resolution passed through: (parent id, folded name) to the directory's
 * id and exact name. Without it a path of depth n costs 2n database reads each time it is
 * resolved, and a PUT resolves its parent more than once.
 *
 * <p>Only a directory's identity is kept, never its attributes, and that identity changes only
 * when its entry is deleted or overwritten; {@link ChangeApplier} forgets an entry in the same
 * step in which its batch does either. Lookups and {@link #remember} run under the namespace's
 * read or write lock and {@link #forget} under the write lock, which is held until the batch is
 * written, so no reader can bring back an entry its writer forgot. Node ids are never reused, so
 * entries below a deleted directory are unreachable rather than wrong.
 */
final class DirectoryCache {
    /** Past this many entries the cache starts again empty: simpler than an eviction order. */
    static final int MAX_ENTRIES = 1 << 16;

    /** A cached directory: its node id and its name as created, case and all. */
    record Dir(long id, String name) {
    }

    private record Key(long parent, String folded) {
    }

    private final ConcurrentHashMap<Key, Dir> entries = new ConcurrentHashMap<>();

    /** The directory named like {@code name} in {@code parent}, or null if not cached. */
    Dir get(long parent, String name) {
        return entries.get(new Key(parent, NameRules.fold(name)));
    }

    void remember(long parent, Node directory) {
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        entries.put(new Key(parent, NameRules.fold(directory.name())), new Dir(directory.id(), directory.name()));
    }

    /** Call with the write lock held, in the change whose batch deletes or overwrites the entry. */
    void forget(long parent, String name) {
        entries.remove(new Key(parent, NameRules.fold(name)));
    }

    int size() {
        return entries.size();
    }
}
