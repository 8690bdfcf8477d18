package io.tributary.sync;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tributary.gateway.chunk.ChunkSizes;
import io.tributary.gateway.chunk.Chunker;
import io.tributary.proto.v1.FileEntry;
import io.tributary.sync.LocalTree.Local;
import io.tributary.sync.SyncState.Synced;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One reconcile of a local folder with a share: a three-way comparison of the local tree, the
 * share's tree and the state of the last sync. A side that changed since then wins over one that
 * did not; an edit wins over a delete; when both sides changed a file to different content, the
 * share's version takes the name and the local one is kept, on both sides, as a conflict copy.
 * Nothing is ever overwritten that was not seen first: uploads are conditional on the etag the
 * listing showed, and a local file is replaced only if it is as the scan found it.
 */
final class Reconciler {
    /**
     * What a run did. Out of sync if anything failed; the next run tries again.
     *
     * @param unreached paths of {@code failed} that failed because the gateway could not be
     *     reached or dropped the connection, rather than for anything about the path
     */
    record Result(int uploaded, int downloaded, int deleted, int conflicts, int failed, int unreached, long bytesSent,
                  long bytesReceived) {
        boolean inSync() {
            return failed == 0;
        }

        /** True if another run soon may well succeed: every failure was the connection's. */
        boolean worthRetrying() {
            return failed > 0 && unreached == failed;
        }

        /** This run followed by {@code next}, a run over what this one left: its failures are what remains. */
        Result then(Result next) {
            return new Result(uploaded + next.uploaded, downloaded + next.downloaded, deleted + next.deleted,
                    conflicts + next.conflicts, next.failed, next.unreached, bytesSent + next.bytesSent,
                    bytesReceived + next.bytesReceived);
        }
    }

    /**
     * Statuses that say the connection broke or the gateway could not answer, not that the
     * request was wrong: a GOAWAY or reset comes as INTERNAL or UNAVAILABLE, a cut stream as
     * CANCELLED or UNKNOWN.
     */
    static final Set<Status.Code> UNREACHED = EnumSet.of(Status.Code.UNAVAILABLE, Status.Code.INTERNAL,
            Status.Code.UNKNOWN, Status.Code.CANCELLED, Status.Code.DEADLINE_EXCEEDED);

    private enum Kind { MKDIR_REMOTE, MKDIR_LOCAL, RECORD_DIR, UPLOAD, DOWNLOAD, BOTH_CHANGED, DELETE_REMOTE, DELETE_LOCAL,
        RECORD, FORGET, DROP_LOCAL_DIR, DROP_REMOTE_DIR, CLASH }

    private record Action(Kind kind, String path, Local local, FileEntry remote) {
    }

    private final Path root;
    private final ShareClient client;
    private final SyncState state;
    /** A chunker keeps its buffer between calls; cutting is CPU-bound, so a few are enough. */
    private final BlockingQueue<Chunker> chunkers;
    private final String host;
    private final Progress progress;
    private final Clock clock;

    /** Large files and downloads in flight at once, each a call of its own. */
    static final int PARALLEL_TRANSFERS = Integer.getInteger("tributary.sync.parallel", 16);
    /** Uploads up to this size share one Write call, many in flight at once: they are bound by round trips. */
    static final long SMALL_FILE = 1 << 20;
    static final int SMALL_CALLS = Integer.getInteger("tributary.sync.calls", 4);
    /**
     * A new file up to this size is read once, into memory, to be cut and sent: it is not opened
     * twice. (With {@link WriteStream#IN_FLIGHT} files at once, at most 32 MiB are held so.)
     */
    static final int READ_WHOLE = 64 << 10;
    private static final int CHUNKERS = Math.max(2, Runtime.getRuntime().availableProcessors());

    private final Map<String, FileContent> contents = new ConcurrentHashMap<>();
    /** The gateway takes one call's messages one at a time: a few calls keep its cores busy. */
    private final WriteStream[] smallWrites = new WriteStream[SMALL_CALLS];
    private int nextSmallWrites;
    private Set<String> remoteDirs;
    private Set<String> taken;
    private final AtomicInteger uploaded = new AtomicInteger();
    private final AtomicInteger downloaded = new AtomicInteger();
    private final AtomicInteger deleted = new AtomicInteger();
    private final AtomicInteger conflicts = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger unreached = new AtomicInteger();
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicLong bytesReceived = new AtomicLong();

    Reconciler(Path root, ShareClient client, SyncState state, ChunkSizes sizes, String host, Progress progress, Clock clock) {
        this.root = root;
        this.client = client;
        this.state = state;
        this.chunkers = new ArrayBlockingQueue<>(CHUNKERS);
        for (int i = 0; i < CHUNKERS; i++) {
            chunkers.add(new Chunker(sizes));
        }
        this.host = host;
        this.progress = progress;
        this.clock = clock;
    }

    Result run() throws IOException {
        Map<String, Synced> synced = state.all();
        TreeMap<String, Local> local = LocalTree.scan(root);
        TreeMap<String, FileEntry> remote = client.tree();
        remoteDirs = ConcurrentHashMap.newKeySet();
        remote.values().stream().filter(FileEntry::getDirectory).forEach(e -> remoteDirs.add(e.getPath()));
        taken = ConcurrentHashMap.newKeySet();
        taken.addAll(remote.keySet());
        taken.addAll(local.keySet());

        TreeSet<String> paths = new TreeSet<>(TREE_ORDER);
        paths.addAll(synced.keySet());
        paths.addAll(local.keySet());
        paths.addAll(remote.keySet());
        List<Action> now = new ArrayList<>();
        List<Action> last = new ArrayList<>();
        long upBytes = 0;
        long downBytes = 0;
        for (String path : paths) {
            Action a = decide(path, local.get(path), remote.get(path), synced.get(path));
            if (a == null) {
                continue;
            }
            (a.kind() == Kind.DROP_LOCAL_DIR || a.kind() == Kind.DROP_REMOTE_DIR ? last : now).add(a);
            if (a.kind() == Kind.UPLOAD || a.kind() == Kind.BOTH_CHANGED) {
                upBytes += a.local().size();
            }
            if (a.kind() == Kind.DOWNLOAD || a.kind() == Kind.BOTH_CHANGED) {
                downBytes += a.remote().getSize();
            }
        }
        int transfers = (int) now.stream().filter(a -> a.kind() == Kind.UPLOAD || a.kind() == Kind.DOWNLOAD
                || a.kind() == Kind.BOTH_CHANGED).count();
        progress.begin("syncing", transfers, upBytes + downBytes);
        try {
            // Folders first, a level at a time, so that every transfer finds its parent; then the
            // transfers; then deletions; each step many at once, as each is a round trip. Last the
            // folders that may go, deepest first.
            TreeMap<Integer, List<Action>> folderLevels = new TreeMap<>();
            now.stream().filter(a -> isFolderCreation(a.kind()))
                    .forEach(a -> folderLevels.computeIfAbsent(depth(a.path()), d -> new ArrayList<>()).add(a));
            folderLevels.values().forEach(this::inParallel);
            transferInParallel(now.stream().filter(a -> isTransfer(a.kind())).toList());
            inParallel(now.stream().filter(a -> !isFolderCreation(a.kind()) && !isTransfer(a.kind())).toList());
            last.reversed().forEach(this::execute);
        } finally {
            progress.end();
            state.flush();
        }
        return new Result(uploaded.get(), downloaded.get(), deleted.get(), conflicts.get(), failed.get(), unreached.get(),
                bytesSent.get(), bytesReceived.get());
    }

    private static boolean isFolderCreation(Kind k) {
        return k == Kind.MKDIR_REMOTE || k == Kind.MKDIR_LOCAL || k == Kind.RECORD_DIR;
    }

    private static boolean isTransfer(Kind k) {
        return k == Kind.UPLOAD || k == Kind.DOWNLOAD || k == Kind.BOTH_CHANGED;
    }

    private static int depth(String path) {
        return (int) path.chars().filter(c -> c == '/').count();
    }

    /** Runs independent actions, {@link #PARALLEL_TRANSFERS} at once. */
    private void inParallel(List<Action> actions) {
        if (actions.size() <= 1) {
            actions.forEach(this::execute);
            return;
        }
        Semaphore slots = new Semaphore(PARALLEL_TRANSFERS);
        try (ExecutorService pool = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("sync-step-", 0).factory())) {
            for (Action a : actions) {
                executeIn(pool, slots, a);
            }
        }
    }

    /** Runs {@code a} on {@code pool} once {@code slot} has room; the slot frees when it ends. */
    private void executeIn(ExecutorService pool, Semaphore slot, Action a) {
        slot.acquireUninterruptibly();
        pool.execute(() -> {
            try {
                execute(a);
            } finally {
                slot.release();
            }
        });
    }

    private void transferInParallel(List<Action> transfers) {
        Semaphore bulk = new Semaphore(PARALLEL_TRANSFERS);
        Semaphore small = new Semaphore(WriteStream.IN_FLIGHT);
        try (ExecutorService pool = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("sync-transfer-", 0).factory())) {
            for (Action a : transfers) {
                executeIn(pool, a.kind() == Kind.UPLOAD && a.local().size() <= SMALL_FILE ? small : bulk, a);
            }
        } finally {
            closeSmallWrites();
        }
    }

    /** One of the Write calls small uploads share, in turn; a new one where the last has ended. */
    private synchronized WriteStream smallWrites() {
        int i = nextSmallWrites++ % smallWrites.length;
        if (smallWrites[i] == null || !smallWrites[i].usable()) {
            if (smallWrites[i] != null) {
                smallWrites[i].close();
            }
            smallWrites[i] = client.writes();
        }
        return smallWrites[i];
    }

    private synchronized void closeSmallWrites() {
        for (int i = 0; i < smallWrites.length; i++) {
            if (smallWrites[i] != null) {
                smallWrites[i].close();
                smallWrites[i] = null;
            }
        }
    }

    /** Paths in tree order, a folder right before what it holds: '/' sorts below every other character. */
    private static final Comparator<String> TREE_ORDER = (a, b) -> {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                return x == '/' ? -1 : y == '/' ? 1 : Character.compare(x, y);
            }
        }
        return Integer.compare(a.length(), b.length());
    };

    private Action decide(String path, Local l, FileEntry r, Synced s) throws IOException {
        boolean localDir = l != null && l.directory();
        boolean remoteDir = r != null && r.getDirectory();
        if (l != null && r != null && localDir != remoteDir) {
            return new Action(Kind.CLASH, path, l, r);
        }
        if (localDir || remoteDir || (l == null && r == null && s != null && s.directory())) {
            if (l != null && r != null) {
                return s == null || !s.directory() ? new Action(Kind.RECORD_DIR, path, l, r) : null;
            }
            if (l != null) {
                return new Action(s == null ? Kind.MKDIR_REMOTE : Kind.DROP_LOCAL_DIR, path, l, null);
            }
            if (r != null) {
                return new Action(s == null ? Kind.MKDIR_LOCAL : Kind.DROP_REMOTE_DIR, path, null, r);
            }
            return new Action(Kind.FORGET, path, null, null);
        }
        boolean localChanged = l == null ? s != null : s == null || s.directory() || (!sameFacts(l, s) && !content(l).hash().equals(s.hash()));
        boolean remoteChanged = r == null ? s != null : s == null || s.directory() || !r.getEtag().equals(s.etag());
        if (!localChanged && !remoteChanged) {
            return l != null && s != null && !sameFacts(l, s) ? new Action(Kind.RECORD, path, l, r) : null;
        }
        if (localChanged && !remoteChanged) {
            return l != null ? new Action(Kind.UPLOAD, path, l, r)
                    : r != null ? new Action(Kind.DELETE_REMOTE, path, null, r) : new Action(Kind.FORGET, path, null, null);
        }
        if (!localChanged) {
            return r != null ? new Action(Kind.DOWNLOAD, path, l, r)
                    : l != null ? new Action(Kind.DELETE_LOCAL, path, l, null) : new Action(Kind.FORGET, path, null, null);
        }
        if (l == null && r == null) {
            return new Action(Kind.FORGET, path, null, null);
        }
        if (l == null) {
            return new Action(Kind.DOWNLOAD, path, null, r);
        }
        if (r == null) {
            return new Action(Kind.UPLOAD, path, l, null);
        }
        return new Action(Kind.BOTH_CHANGED, path, l, r);
    }

    private static boolean sameFacts(Local l, Synced s) {
        return l.size() == s.size() && l.mtimeMillis() == s.mtimeMillis() && l.inode() == s.inode();
    }

    private FileContent content(Local l) throws IOException {
        FileContent c = contents.get(l.path());
        if (c == null) {
            Path file = LocalTree.fileOf(root, l.path());
            c = cut(chunker -> FileContent.of(file, chunker));
            contents.put(l.path(), c);
        }
        return c;
    }

    private interface Cut {
        FileContent of(Chunker chunker) throws IOException;
    }

    /** Runs {@code cut} with one of the chunkers, waiting for one to be free. */
    private FileContent cut(Cut cut) throws IOException {
        Chunker chunker = chunkers.poll();
        if (chunker == null) {
            try {
                chunker = chunkers.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
        try {
            return cut.of(chunker);
        } finally {
            chunkers.add(chunker);
        }
    }

    private void execute(Action a) {
        try {
            switch (a.kind()) {
                case MKDIR_REMOTE -> {
                    mkdirRemote(a.path());
                    state.put(dir(a.path()));
                }
                case MKDIR_LOCAL -> {
                    Files.createDirectories(LocalTree.fileOf(root, a.path()));
                    state.put(dir(a.path()));
                }
                case RECORD_DIR -> state.put(dir(a.path()));
                case UPLOAD -> upload(a.path(), a.path(), a.local(), a.remote() == null ? "" : a.remote().getEtag());
                case DOWNLOAD -> download(a.path(), a.remote(), a.local());
                case BOTH_CHANGED -> bothChanged(a);
                case DELETE_REMOTE -> {
                    try {
                        client.delete(a.path());
                    } catch (StatusRuntimeException e) {
                        if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                            throw e;
                        }
                    }
                    state.remove(a.path());
                    deleted.incrementAndGet();
                    progress.say("deleted on the gateway: " + a.path());
                }
                case DELETE_LOCAL -> deleteLocal(a);
                case RECORD -> state.put(file(a.local(), content(a.local()).hash(), a.remote().getEtag()));
                case FORGET -> state.remove(a.path());
                case DROP_LOCAL_DIR -> dropLocalDir(a.path());
                case DROP_REMOTE_DIR -> dropRemoteDir(a.path());
                case CLASH -> {
                    failed.incrementAndGet();
                    progress.warn("left alone: " + a.path() + " is a folder on one side and a file on the other");
                }
            }
        } catch (StatusRuntimeException e) {
            failed.incrementAndGet();
            if (UNREACHED.contains(e.getStatus().getCode())) {
                unreached.incrementAndGet();
            }
            progress.warn("not synced: " + a.path() + ": " + e.getStatus().getCode()
                    + (e.getStatus().getDescription() == null ? "" : " " + e.getStatus().getDescription()));
        } catch (IOException | RuntimeException e) {
            failed.incrementAndGet();
            progress.warn("not synced: " + a.path() + ": " + e.getMessage());
        }
    }

    /** Sends the local file {@code from} to {@code to} on the gateway, only over {@code ifEtag}. */
    private void upload(String from, String to, Local l, String ifEtag) throws IOException {
        Path path = LocalTree.fileOf(root, from);
        byte[] bytes = !contents.containsKey(l.path()) && l.size() <= READ_WHOLE ? readSmall(path) : null;
        if (bytes != null) {
            contents.put(l.path(), cut(chunker -> FileContent.of(bytes, chunker)));
        }
        FileContent content = content(l);
        FileBytes file = bytes != null ? FileBytes.of(bytes) : FileBytes.of(path);
        mkdirsRemote(parentOf(to));
        ShareClient.Uploaded up;
        if (l.size() <= SMALL_FILE) {
            up = smallWrites().write(to, file, content, ifEtag, l.mtimeMillis(), progress::bytes);
        } else {
            try (WriteStream own = client.writes()) {
                up = own.write(to, file, content, ifEtag, l.mtimeMillis(), progress::bytes);
            }
        }
        bytesSent.addAndGet(up.bytesSent());
        state.put(new Synced(to, false, l.size(), l.mtimeMillis(), l.inode(), content.hash(), up.entry().getEtag()));
        uploaded.incrementAndGet();
        progress.say("sent " + to + (up.bytesSent() < l.size() ? " (" + up.bytesSent() + " of " + l.size() + " bytes crossed)" : ""));
    }

    /** The file's bytes, if it holds at most {@link #READ_WHOLE} (it may have grown since the scan); else null. */
    private static byte[] readSmall(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(READ_WHOLE + 1);
            return bytes.length <= READ_WHOLE ? bytes : null;
        }
    }

    private void download(String path, FileEntry r, Local expected) throws IOException {
        Path target = LocalTree.fileOf(root, path);
        Files.createDirectories(target.getParent());
        Path part = target.resolveSibling(LocalTree.PART_PREFIX + target.getFileName());
        try {
            long[] got = {0};
            client.download(path, part, n -> {
                got[0] += n;
                progress.bytes(n);
            });
            bytesReceived.addAndGet(got[0]);
            Files.setLastModifiedTime(part, FileTime.fromMillis(r.getModifiedMillis()));
            Local now = LocalTree.stat(root, target);
            boolean untouched = expected == null ? now == null && !Files.exists(target)
                    : now != null && now.size() == expected.size() && now.mtimeMillis() == expected.mtimeMillis();
            if (!untouched) {
                failed.incrementAndGet();
                progress.warn("not replaced: " + path + " changed here during the sync; the next run sorts it out");
                return;
            }
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(part);
        }
        Local l = LocalTree.stat(root, target);
        contents.remove(path);
        state.put(new Synced(path, false, l.size(), l.mtimeMillis(), l.inode(), content(l).hash(), r.getEtag()));
        downloaded.incrementAndGet();
        progress.say("received " + path);
    }

    private void bothChanged(Action a) throws IOException {
        FileContent content = content(a.local());
        if (client.matches(a.path(), content)) {
            // Both sides made the same content (or the first sync of equal trees): nothing to move.
            state.put(file(a.local(), content.hash(), a.remote().getEtag()));
            return;
        }
        String copy = null;
        for (int n = 1; copy == null || !taken.add(copy); n++) {
            copy = ConflictCopy.path(a.path(), host, clock.instant(), n);
        }
        // Ours goes to the gateway under the copy's name, then takes that name here too.
        upload(a.path(), copy, a.local(), "");
        Path ours = LocalTree.fileOf(root, a.path());
        // A rename keeps size, time and inode, so the copy's state as upload recorded it stays true.
        Files.move(ours, LocalTree.fileOf(root, copy), StandardCopyOption.ATOMIC_MOVE);
        download(a.path(), a.remote(), null);
        conflicts.incrementAndGet();
        progress.warn("conflict: " + a.path() + " changed here and on the gateway; the gateway's version keeps the name,"
                + " this one is kept as " + copy);
    }

    private void deleteLocal(Action a) throws IOException {
        Path file = LocalTree.fileOf(root, a.path());
        Local now = LocalTree.stat(root, file);
        if (now != null && (now.size() != a.local().size() || now.mtimeMillis() != a.local().mtimeMillis())) {
            failed.incrementAndGet();
            progress.warn("not deleted: " + a.path() + " changed here during the sync; the next run sends it");
            return;
        }
        Files.deleteIfExists(file);
        state.remove(a.path());
        deleted.incrementAndGet();
        progress.say("deleted here: " + a.path());
    }

    /** A folder the gateway dropped: gone here too once nothing unsynced is left in it. */
    private void dropLocalDir(String path) throws IOException {
        Path dir = LocalTree.fileOf(root, path);
        if (isEmpty(dir)) {
            Files.deleteIfExists(dir);
            state.remove(path);
        } else {
            mkdirsRemote(path);
            state.put(dir(path));
        }
    }

    /** A folder deleted here: gone at the gateway too once nothing new is left in it there. */
    private void dropRemoteDir(String path) throws IOException {
        if (client.isEmptyDirectory(path)) {
            client.delete(path);
            remoteDirs.remove(path);
            state.remove(path);
        } else {
            Files.createDirectories(LocalTree.fileOf(root, path));
            state.put(dir(path));
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            return !entries.iterator().hasNext();
        }
    }

    private void mkdirRemote(String path) {
        try {
            client.mkdir(path);
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
                throw e;
            }
        }
        remoteDirs.add(path);
    }

    private void mkdirsRemote(String path) {
        if (path.isEmpty() || remoteDirs.contains(path)) {
            return;
        }
        mkdirsRemote(parentOf(path));
        mkdirRemote(path);
    }

    private static String parentOf(String path) {
        return path.substring(0, path.lastIndexOf('/'));
    }

    private static Synced dir(String path) {
        return new Synced(path, true, 0, 0, 0, null, null);
    }

    private static Synced file(Local l, String hash, String etag) {
        return new Synced(l.path(), false, l.size(), l.mtimeMillis(), l.inode(), hash, etag);
    }
}
