package io.tributary.gateway.lanapi;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.tributary.gateway.audit.AuditTrail;
import io.tributary.gateway.auth.Principal;
import io.tributary.gateway.auth.ShareAccess;
import io.tributary.gateway.observe.GatewayMetrics;
import io.tributary.gateway.share.Entry;
import io.tributary.gateway.share.NamespaceStore;
import io.tributary.gateway.share.ShareException;
import io.tributary.gateway.share.ShareNamespace;
import io.tributary.gateway.share.SharePath;
import io.tributary.gateway.share.Shares;
import io.tributary.proto.v1.ChunkDigest;
import io.tributary.proto.v1.DeleteReply;
import io.tributary.proto.v1.FileEntry;
import io.tributary.proto.v1.FileServiceGrpc;
import io.tributary.proto.v1.GatewayInfo;
import io.tributary.proto.v1.InfoRequest;
import io.tributary.proto.v1.ListPage;
import io.tributary.proto.v1.ListRequest;
import io.tributary.proto.v1.MatchReply;
import io.tributary.proto.v1.MatchRequest;
import io.tributary.proto.v1.PathRequest;
import io.tributary.proto.v1.ReadPiece;
import io.tributary.proto.v1.ReadRequest;
import io.tributary.proto.v1.RenameRequest;
import io.tributary.proto.v1.WatchEvent;
import io.tributary.proto.v1.WatchRequest;
import io.tributary.proto.v1.WriteRequest;
import io.tributary.proto.v1.WriteResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The FileService calls: input checked, then handed to the share namespace. */
final class FileServiceEndpoint extends FileServiceGrpc.FileServiceImplBase {
    static final int MAX_PATH_CHARS = 4096;
    static final int DEFAULT_PAGE = 500;
    static final int MAX_PAGE = 1000;
    static final int READ_PIECE = 1 << 20;
    /** Reads streaming at once, gateway-wide; each holds a piece, its message and a chunk on the heap. */
    static final int MAX_READS = 16;

    private final NamespaceStore store;
    private final Shares shares;
    private final ShareAccess access;
    private final ParkedChunks parked;
    private final GatewayMetrics metrics;
    private final AuditTrail audit;

    private final long maxFileBytes;
    private final Semaphore reads = new Semaphore(MAX_READS, true);
    private final OpenFileBudget openFiles;

    FileServiceEndpoint(NamespaceStore store, ShareAccess access, ParkedChunks parked, GatewayMetrics metrics, AuditTrail audit,
                        long maxFileBytes, OpenFileBudget openFiles) {
        this.openFiles = openFiles;
        this.audit = audit;
        this.maxFileBytes = maxFileBytes;
        this.access = access;
        this.store = store;
        this.shares = new Shares(store.shares());
        this.parked = parked;
        this.metrics = metrics;
    }

    @Override
    public void info(InfoRequest request, StreamObserver<GatewayInfo> out) {
        answer(out, () -> GatewayInfo.newBuilder().setGatewayId(store.gatewayId())
                .addAllShares(shares.all().stream().map(ShareNamespace::name).toList())
                .setChunkMin(store.chunks().sizes().min()).setChunkAvg(store.chunks().sizes().avg())
                .setChunkMax(store.chunks().sizes().max())
                .setCursor(Math.max(0, store.journal().lastIndex())).build());
    }

    @Override
    public void stat(PathRequest request, StreamObserver<FileEntry> out) {
        answer(out, () -> {
            ShareNamespace share = share(request.getShare(), ShareAccess.Level.READ);
            SharePath path = path(request.getPath());
            Entry e = share.stat(path).orElseThrow(() -> new ShareException(ShareException.Kind.NOT_FOUND,
                    "nothing at '" + path + "'"));
            return entry(share, path, e);
        });
    }

    @Override
    public void list(ListRequest request, StreamObserver<ListPage> out) {
        try {
            ShareNamespace share = share(request.getShare(), ShareAccess.Level.READ);
            SharePath dir = path(request.getPath());
            int size = request.getPageSize() == 0 ? DEFAULT_PAGE : request.getPageSize();
            if (size < 1 || size > MAX_PAGE) {
                throw Status.INVALID_ARGUMENT.withDescription("page_size is 1 to " + MAX_PAGE + ", got " + size).asRuntimeException();
            }
            List<Entry> entries = share.list(dir);
            for (int from = 0; from == 0 || from < entries.size(); from += size) {
                ListPage.Builder page = ListPage.newBuilder();
                for (Entry e : entries.subList(from, Math.min(entries.size(), from + size))) {
                    page.addEntries(entry(share, dir.child(e.name()), e));
                }
                out.onNext(page.setLast(from + size >= entries.size()).build());
            }
            out.onCompleted();
        } catch (RuntimeException e) {
            out.onError(status(e));
        }
    }

    @Override
    public void read(ReadRequest request, StreamObserver<ReadPiece> responses) {
        ServerCallStreamObserver<ReadPiece> out = (ServerCallStreamObserver<ReadPiece>) responses;
        FlowControl flow = new FlowControl(out);
        try {
            // In turn: without a bound, a dozen clients fetching sixteen files each kept the heap
            // full and the gateway in back-to-back full collections.
            while (!reads.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                if (flow.cancelled()) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.onError(Status.CANCELLED.withDescription("the gateway is stopping").asRuntimeException());
            return;
        }
        try {
            readAdmitted(request, out, flow);
        } finally {
            reads.release();
        }
    }

    private void readAdmitted(ReadRequest request, ServerCallStreamObserver<ReadPiece> out, FlowControl flow) {
        String target = target(request.getShare(), request.getPath());
        try {
            ShareNamespace share = share(request.getShare(), ShareAccess.Level.READ);
            SharePath path = path(request.getPath());
            if (request.getOffset() < 0) {
                throw Status.INVALID_ARGUMENT.withDescription("a negative offset").asRuntimeException();
            }
            long length = request.getLength() <= 0 ? -1 : request.getLength();
            long offset = request.getOffset();
            try (ShareNamespace.OpenedFile file = share.open(path);
                 InputStream in = file.stream(offset, length)) {
                long left = Math.max(0, file.entry().size() - offset);
                // No larger than what there is to send: zeroing a whole piece for each small file
                // cost the gateway more than reading the files when many clients fetched at once.
                byte[] buf = new byte[Math.clamp(length < 0 ? left : Math.min(left, length), 1, READ_PIECE)];
                while (true) {
                    int n = in.readNBytes(buf, 0, buf.length);
                    if (n <= 0) {
                        break;
                    }
                    flow.awaitReady();
                    out.onNext(ReadPiece.newBuilder().setOffset(offset).setData(ByteString.copyFrom(buf, 0, n)).build());
                    metrics.lanBytesOut.inc(n);
                    offset += n;
                }
            }
            audit("file.read", target, "OK, bytes " + request.getOffset() + "-" + offset);
            out.onCompleted();
        } catch (IOException e) {
            StatusRuntimeException failed = Status.UNAVAILABLE.withDescription("cannot read: " + e.getMessage()).asRuntimeException();
            audit("file.read", target, outcome(failed));
            out.onError(failed);
        } catch (RuntimeException e) {
            StatusRuntimeException failed = status(e);
            audit("file.read", target, outcome(failed));
            out.onError(failed);
        }
    }

    @Override
    public StreamObserver<WriteRequest> write(StreamObserver<WriteResponse> out) {
        return new WriteCall(this, store.chunks(), parked, openFiles, metrics, maxFileBytes, out);
    }

    @Override
    public void matches(MatchRequest request, StreamObserver<MatchReply> out) {
        answer(out, () -> {
            ShareNamespace share = share(request.getShare(), ShareAccess.Level.READ);
            SharePath path = path(request.getPath());
            if (request.getChunksCount() > WriteCall.MAX_CHUNKS) {
                throw Status.RESOURCE_EXHAUSTED.withDescription("a file has at most " + WriteCall.MAX_CHUNKS + " chunks")
                        .asRuntimeException();
            }
            Entry e = share.stat(path).orElseThrow(() -> new ShareException(ShareException.Kind.NOT_FOUND, "nothing at '" + path + "'"));
            List<io.tributary.gateway.journal.ChunkRef> stored = e.directory() ? List.of() : share.chunksOf(path);
            boolean same = !e.directory() && stored.size() == request.getChunksCount();
            io.tributary.gateway.chunk.ChunkHasher hasher = store.chunks().newHasher();
            for (int i = 0; same && i < stored.size(); i++) {
                ChunkDigest c = request.getChunks(i);
                if (c.getSha256().size() != io.tributary.gateway.chunk.ChunkHasher.DIGEST_LENGTH) {
                    throw Status.INVALID_ARGUMENT.withDescription("a chunk digest is a 32-byte SHA-256").asRuntimeException();
                }
                same = stored.get(i).length() == c.getLength() && stored.get(i).id().equals(hasher.idOf(c.getSha256().toByteArray()));
            }
            return MatchReply.newBuilder().setSame(same).setEntry(entry(share, path, e)).build();
        });
    }

    @Override
    public void delete(PathRequest request, StreamObserver<DeleteReply> out) {
        audited(out, "file.delete", target(request.getShare(), request.getPath()), "", () -> {
            ShareNamespace share = share(request.getShare(), ShareAccess.Level.WRITE);
            SharePath path = path(request.getPath());
            if (path.isRoot()) {
                throw Status.INVALID_ARGUMENT.withDescription("the share itself cannot be deleted").asRuntimeException();
            }
            share.stat(path).orElseThrow(() -> new ShareException(ShareException.Kind.NOT_FOUND, "nothing at '" + path + "'"));
            unlocked(share, path, true);
            share.delete(path);
            return DeleteReply.getDefaultInstance();
        });
    }

    @Override
    public void rename(RenameRequest request, StreamObserver<FileEntry> out) {
        audited(out, "file.move", target(request.getShare(), request.getFrom()), " to " + target(request.getShare(), request.getTo()), () -> {
            ShareNamespace share = share(request.getShare(), ShareAccess.Level.WRITE);
            SharePath from = path(request.getFrom());
            SharePath to = path(request.getTo());
            if (from.isRoot() || to.isRoot()) {
                throw Status.INVALID_ARGUMENT.withDescription("the share itself cannot be renamed").asRuntimeException();
            }
            unlocked(share, from, true);
            unlocked(share, to, true);
            share.move(from, to, request.getOverwrite());
            return entry(share, to, share.stat(to).orElseThrow(() -> new ShareException(ShareException.Kind.NOT_FOUND,
                    "'" + to + "' vanished right after the rename")));
        });
    }

    @Override
    public void mkdir(PathRequest request, StreamObserver<FileEntry> out) {
        audited(out, "folder.create", target(request.getShare(), request.getPath()), "", () -> {
            ShareNamespace share = share(request.getShare(), ShareAccess.Level.WRITE);
            SharePath path = path(request.getPath());
            unlocked(share, path, false);
            return entry(share, path, share.mkdir(path));
        });
    }

    @Override
    public void watch(WatchRequest request, StreamObserver<WatchEvent> out) {
        try {
            ShareNamespace share = share(request.getShare(), ShareAccess.Level.READ);
            if (request.getAfter() < 0) {
                throw Status.INVALID_ARGUMENT.withDescription("a negative cursor").asRuntimeException();
            }
            WatchStream.start(store.journal(), share.name(), request.getAfter(), (ServerCallStreamObserver<WatchEvent>) out);
        } catch (RuntimeException e) {
            out.onError(status(e));
        }
    }

    /** Releases chunk pins a write took and will not commit. */
    void release(List<io.tributary.gateway.journal.ChunkRef> pins) {
        store.release(pins);
    }

    /**
     * Refuses a change under a WebDAV lock: a LAN client holds no lock tokens, so it may change
     * nothing a lock covers, as the lock's owner expects.
     */
    static void unlocked(ShareNamespace share, SharePath path, boolean recursive) {
        unlocked(share, path, recursive, CallerCredentials.USER.get());
    }

    /** As {@link #unlocked(ShareNamespace, SharePath, boolean)}, for work done outside the call's context. */
    static void unlocked(ShareNamespace share, SharePath path, boolean recursive, String user) {
        share.locks().checkWritable(path, java.util.Set.of(), user, recursive);
    }

    /** The share, if it exists and the caller (of this call's context) may use it at {@code needed}. */
    ShareNamespace share(String name, ShareAccess.Level needed) {
        return share(name, needed, CallerCredentials.PRINCIPAL.get());
    }

    ShareNamespace share(String name, ShareAccess.Level needed, Principal caller) {
        ShareNamespace share = shares.get(name).orElseThrow(() -> Status.NOT_FOUND.withDescription("no share '" + name
                + "' on this gateway").asRuntimeException());
        ShareAccess.Level granted = access.of(name, caller);
        if (!granted.allows(needed)) {
            metrics.accessDenied.inc();
            throw Status.PERMISSION_DENIED.withDescription("'" + caller.name() + "' may " + (granted == ShareAccess.Level.NONE
                    ? "not use" : "only read") + " the share '" + name + "'").asRuntimeException();
        }
        return share;
    }

    static SharePath path(String path) {
        if (path.length() > MAX_PATH_CHARS) {
            throw Status.INVALID_ARGUMENT.withDescription("a path is at most " + MAX_PATH_CHARS + " characters").asRuntimeException();
        }
        return SharePath.parse(path);
    }

    static FileEntry entry(ShareNamespace share, SharePath path, Entry e) {
        return FileEntry.newBuilder().setPath(path.toString()).setDirectory(e.directory()).setSize(e.directory() ? 0 : e.size())
                .setModifiedMillis(e.modified().toEpochMilli()).setEtag(e.etag())
                .setSafeAtCentral(!e.directory() && share.safeAtCentral(path).orElse(false)).build();
    }

    /** As {@link #answer}, recording the call's outcome, followed by {@code note}, in the audit trail. */
    private <T> void audited(StreamObserver<T> out, String action, String target, String note, Supplier<T> work) {
        T result;
        try {
            result = work.get();
        } catch (RuntimeException e) {
            StatusRuntimeException failed = status(e);
            audit(action, target, outcome(failed) + note);
            out.onError(failed);
            return;
        }
        audit(action, target, "OK" + note);
        out.onNext(result);
        out.onCompleted();
    }

    /** Records an action of this call's caller. */
    void audit(String action, String target, String detail) {
        audit(CallerCredentials.USER.get(), CallerCredentials.ADDRESS.get(), action, target, detail);
    }

    /** Records an action of {@code user}, for work done outside the call's context. */
    void audit(String user, String address, String action, String target, String detail) {
        audit.record(user, action, target, address, detail);
    }

    /** An audit target as the WebDAV front-end names it: {@code /SHARE/PATH}. */
    static String target(String share, String path) {
        return "/" + share + (path.startsWith("/") ? path : "/" + path);
    }

    static String outcome(StatusRuntimeException failed) {
        Status s = failed.getStatus();
        return s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription());
    }

    private static <T> void answer(StreamObserver<T> out, Supplier<T> work) {
        T result;
        try {
            result = work.get();
        } catch (RuntimeException e) {
            out.onError(status(e));
            return;
        }
        out.onNext(result);
        out.onCompleted();
    }

    static StatusRuntimeException status(RuntimeException e) {
        if (e instanceof ShareException se) {
            return ShareStatus.of(se);
        }
        if (e instanceof StatusRuntimeException s) {
            return s;
        }
        if (e instanceof UncheckedIOException io) {
            return Status.UNAVAILABLE.withDescription(io.getCause().getMessage()).asRuntimeException();
        }
        return Status.INTERNAL.withDescription(e.toString()).asRuntimeException();
    }
}
