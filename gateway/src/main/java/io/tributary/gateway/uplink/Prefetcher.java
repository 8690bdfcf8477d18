package io.tributary.gateway.uplink;

import io.tributary.gateway.journal.ChunkRef;
import io.tributary.gateway.share.Entry;
import io.tributary.gateway.share.NamespaceStore;
import io.tributary.gateway.share.ShareException;
import io.tributary.gateway.share.ShareNamespace;
import io.tributary.gateway.share.SharePath;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Fetches the content of pinned folders ahead of any read: when another branch changes a file
 * in one, and once per session for everything in them. One background thread, so prefetching
 * never competes with clients for more than a core's share of the link.
 */
final class Prefetcher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Prefetcher.class.getName());

    private final NamespaceStore store;
    private final Map<String, List<SharePath>> pinned;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "prefetch");
        t.setDaemon(true);
        return t;
    });

    Prefetcher(NamespaceStore store, Map<String, List<SharePath>> pinned) {
        this.store = store;
        this.pinned = Map.copyOf(pinned);
    }

    boolean isPinned(String share, List<String> path) {
        for (SharePath folder : pinned.getOrDefault(share, List.of())) {
            List<String> f = folder.names();
            if (path.size() >= f.size() && path.subList(0, f.size()).equals(f)) {
                return true;
            }
        }
        return false;
    }

    /** A file changed by another branch: fetch its content now if it is in a pinned folder. */
    void changed(String share, List<String> path) {
        if (isPinned(share, path)) {
            worker.execute(() -> fetchTree(store.share(share), new SharePath(path)));
        }
    }

    /** Fetch whatever pinned content is not cached yet (after connecting). */
    void all() {
        for (Map.Entry<String, List<SharePath>> e : pinned.entrySet()) {
            for (SharePath folder : e.getValue()) {
                worker.execute(() -> fetchTree(store.share(e.getKey()), folder));
            }
        }
    }

    private void fetchTree(ShareNamespace share, SharePath path) {
        try {
            var entry = share.stat(path);
            if (entry.isEmpty()) {
                return;
            }
            if (entry.get().directory()) {
                for (Entry child : share.list(path)) {
                    fetchTree(share, path.child(child.name()));
                }
                return;
            }
            for (ChunkRef ref : share.chunksOf(path)) {
                if (store.chunks().readSealedIfStored(ref.id()) == null) {
                    store.chunks().read(ref.id());
                }
            }
        } catch (IOException | ShareException | IllegalStateException e) {
            LOG.log(System.Logger.Level.DEBUG, "prefetch of " + path + " stopped: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
