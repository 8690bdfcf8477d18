package io.tributary.sync;

import io.grpc.StatusRuntimeException;
import io.tributary.gateway.chunk.ChunkSizes;
import io.tributary.proto.v1.GatewayInfo;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A local folder kept in sync with a share: one reconcile, or reconciles for as long as it runs,
 * each started by a change on either side (local file events, the gateway's Watch stream), and
 * a full one every few minutes in case an event was missed.
 */
final class FolderSync implements AutoCloseable {
    private static final Duration QUIET = Duration.ofMillis(300);
    private static final Duration SAFETY_NET = Duration.ofMinutes(5);
    /**
     * Runs again, at most this many times, when every failure of a run was the connection's (a
     * busy gateway dropping it, a network blip): chunks that went up before it broke are not sent
     * again, so a retry costs little, and a blip need not leave a folder out of sync until the next
     * change or the next run.
     */
    static final int RETRIES = 3;
    /** The pause before the first retry; it doubles before each further one. */
    static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
    /** Left running, the longest wait between attempts to reach a gateway that is away. */
    static final Duration AWAY_PAUSE_MAX = Duration.ofSeconds(30);

    private final Path root;
    private final ShareClient client;
    private final SyncState state;
    private final Progress progress;
    private final String host;
    private final ChunkSizes sizes;

    FolderSync(Path root, ShareClient client, SyncState state, Progress progress, String host) {
        this.root = root;
        this.client = client;
        this.state = state;
        this.progress = progress;
        this.host = host;
        GatewayInfo info = client.info();
        this.sizes = new ChunkSizes(info.getChunkMin(), info.getChunkAvg(), info.getChunkMax());
    }

    Reconciler.Result once() throws IOException {
        long before = client.messageBytesSent();
        Reconciler.Result r = null;
        Duration pause = FIRST_PAUSE;
        for (int retry = 0; ; retry++) {
            try {
                Reconciler.Result pass = new Reconciler(root, client, state, sizes, host, progress, Clock.systemUTC()).run();
                r = r == null ? pass : r.then(pass);
                if (!r.worthRetrying() || retry == RETRIES) {
                    break;
                }
                progress.warn(r.failed() + " path(s) failed because the connection to the gateway broke; "
                        + again(pause, retry));
            } catch (StatusRuntimeException e) {
                // The gateway could not even list the share: the same retries, then the caller hears of it.
                if (!Reconciler.UNREACHED.contains(e.getStatus().getCode()) || retry == RETRIES) {
                    throw e;
                }
                progress.warn("cannot reach the gateway (" + e.getStatus().getCode() + "); " + again(pause, retry));
            }
            sleep(pause);
            pause = pause.multipliedBy(2);
        }
        progress.warn(summary(r, client.messageBytesSent() - before));
        return r;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String again(Duration pause, int retry) {
        return "trying again in " + pause.toMillis() + " ms (" + (retry + 1) + " of " + RETRIES + ")";
    }

    private static void sleep(Duration pause) throws IOException {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    static String summary(Reconciler.Result r, long messageBytes) {
        return (r.inSync() ? "in sync" : "NOT in sync (" + r.failed() + " path(s) failed; see above)") + ": " + r.uploaded()
                + " sent, " + r.downloaded() + " received, " + r.deleted() + " deleted, " + r.conflicts() + " conflict(s); "
                + r.bytesSent() + " content bytes up, " + r.bytesReceived() + " down; " + messageBytes + " bytes of messages up";
    }

    /**
     * Reconciles now and after every change until interrupted. A gateway that goes away (a
     * restart, the network) is waited for, not given up on.
     */
    void continuously() throws IOException, InterruptedException {
        AtomicBoolean dirty = new AtomicBoolean(true);
        AtomicBoolean watching = new AtomicBoolean(false);
        AutoCloseable remote = null;
        try (WatchService local = FileSystems.getDefault().newWatchService()) {
            long lastFull = 0;
            Duration away = Duration.ZERO;
            while (!Thread.currentThread().isInterrupted()) {
                if (!watching.get()) {
                    closeQuietly(remote);
                    watching.set(true);
                    remote = client.watch(0, e -> dirty.set(true), t -> {
                        watching.set(false);
                        dirty.set(true);
                    });
                }
                if (dirty.getAndSet(false) || System.nanoTime() - lastFull > SAFETY_NET.toNanos()) {
                    register(local);
                    try {
                        once();
                        away = Duration.ZERO;
                    } catch (StatusRuntimeException e) {
                        if (!Reconciler.UNREACHED.contains(e.getStatus().getCode())) {
                            throw e;
                        }
                        // The gateway is away (restarting, or the network is down): wait for it,
                        // longer each time, and go on; what changes here meanwhile is synced then.
                        away = away.isZero() ? FIRST_PAUSE.multipliedBy(4) : min(away.multipliedBy(2), AWAY_PAUSE_MAX);
                        progress.warn("the gateway is away (" + e.getStatus().getCode() + "); syncing again once it answers,"
                                + " next try in " + away.toSeconds() + " s");
                        dirty.set(true);
                        Thread.sleep(away);
                    }
                    lastFull = System.nanoTime();
                }
                // Wait for a change, then for a quiet moment, so a burst of writes is one reconcile.
                var key = local.poll(1, TimeUnit.SECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                    dirty.set(true);
                    drain(local);
                }
            }
        } catch (ClosedWatchServiceException e) {
            // closing down
        } finally {
            closeQuietly(remote);
        }
    }

    private static void drain(WatchService local) throws InterruptedException {
        while (true) {
            var more = local.poll(QUIET.toMillis(), TimeUnit.MILLISECONDS);
            if (more == null) {
                return;
            }
            more.pollEvents();
            more.reset();
        }
    }

    private void register(WatchService local) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (dir.getFileName() != null && dir.getFileName().toString().equals(SyncState.DIR)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                dir.register(local, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                        StandardWatchEventKinds.ENTRY_MODIFY);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // stopping a watch
            }
        }
    }

    @Override
    public void close() {
        client.close();
        state.close();
    }
}
