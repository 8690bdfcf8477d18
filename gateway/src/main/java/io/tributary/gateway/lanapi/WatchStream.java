package io.tributary.gateway.lanapi;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.tributary.gateway.journal.Change;
import io.tributary.gateway.journal.Journal;
import io.tributary.proto.v1.WatchEvent;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One Watch call: follows the journal (every change here, local or from central) on a virtual
 * thread of its own and streams the share's changes as events, each with its journal index as
 * the cursor to resume after.
 */
final class WatchStream {
    private static final System.Logger LOG = System.getLogger(WatchStream.class.getName());

    private final Journal journal;
    private final String share;
    private final ServerCallStreamObserver<WatchEvent> out;
    private final FlowControl flow;

    private WatchStream(Journal journal, String share, ServerCallStreamObserver<WatchEvent> out) {
        this.journal = journal;
        this.share = share;
        this.out = out;
        this.flow = new FlowControl(out);
    }

    static void start(Journal journal, String share, long after, ServerCallStreamObserver<WatchEvent> out) {
        WatchStream stream = new WatchStream(journal, share, out);
        Thread.ofVirtual().name("lan-watch-" + share).start(() -> stream.run(after));
    }

    private void run(long after) {
        try {
            long last = journal.lastIndex();
            long from = after;
            if (after == 0) {
                from = last;
            } else if (after > last || after < journal.firstIndex()) {
                // A cursor from another gateway, or one whose changes were trimmed: start over.
                flow.awaitReady();
                out.onNext(WatchEvent.newBuilder().setKind(WatchEvent.Kind.RESET).setCursor(Math.max(last, 0)).build());
                from = last;
            }
            long parkNanos = TimeUnit.MILLISECONDS.toNanos(1);
            try (Journal.Tail tail = journal.tail(from)) {
                while (!flow.cancelled()) {
                    Journal.Entry e = tail.next();
                    if (e == null) {
                        // The journal has no wake-up signal; poll, slowing down while it stays idle.
                        LockSupport.parkNanos(parkNanos);
                        parkNanos = Math.min(parkNanos * 2, TimeUnit.MILLISECONDS.toNanos(50));
                        continue;
                    }
                    parkNanos = TimeUnit.MILLISECONDS.toNanos(1);
                    WatchEvent event = event(e.index(), e.change(), false);
                    if (event != null) {
                        flow.awaitReady();
                        out.onNext(event);
                    }
                }
            }
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.CANCELLED) {
                out.onError(e);
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "watch of share " + share + " failed", e);
            try {
                out.onError(Status.INTERNAL.withDescription("the watch failed: " + e).asRuntimeException());
            } catch (RuntimeException ignored) {
                // already cancelled
            }
        }
    }

    /** The event for a change of this share, or null for a change elsewhere. */
    private WatchEvent event(long index, Change change, boolean remote) {
        if (!change.share().equals(share)) {
            return null;
        }
        WatchEvent.Builder e = WatchEvent.newBuilder().setCursor(index).setRemote(remote);
        return switch (change) {
            case Change.PutFile p -> e.setKind(WatchEvent.Kind.PUT).setPath(path(p.path())).build();
            case Change.MakeDirectory m -> e.setKind(WatchEvent.Kind.MKDIR).setPath(path(m.path())).build();
            case Change.Delete d -> e.setKind(WatchEvent.Kind.DELETE).setPath(path(d.path())).build();
            case Change.Move m -> e.setKind(WatchEvent.Kind.MOVE).setPath(path(m.from())).setToPath(path(m.to())).build();
            case Change.Copy c -> e.setKind(WatchEvent.Kind.COPY).setPath(path(c.from())).setToPath(path(c.to())).build();
            case Change.PatchProperties p -> e.setKind(WatchEvent.Kind.META).setPath(path(p.path())).build();
            case Change.SetModified s -> e.setKind(WatchEvent.Kind.META).setPath(path(s.path())).build();
            case Change.Remote r -> {
                WatchEvent inner = event(index, r.change(), true);
                yield inner;
            }
        };
    }

    private static String path(List<String> names) {
        return "/" + String.join("/", names);
    }
}
