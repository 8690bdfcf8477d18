package io.tributary.sync;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Grpc;
import io.grpc.MethodDescriptor;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.tributary.gateway.chunk.Chunker;
import io.tributary.proto.v1.ChunkData;
import io.tributary.proto.v1.FileEntry;
import io.tributary.proto.v1.FileServiceGrpc;
import io.tributary.proto.v1.GatewayInfo;
import io.tributary.proto.v1.InfoRequest;
import io.tributary.proto.v1.ListPage;
import io.tributary.proto.v1.ListRequest;
import io.tributary.proto.v1.MatchRequest;
import io.tributary.proto.v1.PathRequest;
import io.tributary.proto.v1.ReadPiece;
import io.tributary.proto.v1.ReadRequest;
import io.tributary.proto.v1.WatchEvent;
import io.tributary.proto.v1.WatchRequest;
import io.tributary.proto.v1.WriteBegin;
import io.tributary.proto.v1.WriteCommit;
import io.tributary.proto.v1.WriteRequest;
import io.tributary.proto.v1.WriteResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/** One share of a gateway, through its LAN gRPC API. */
final class ShareClient implements AutoCloseable {
    private static final long CALL_SECONDS = 120;

    private final ManagedChannel channel;
    private final FileServiceGrpc.FileServiceBlockingStub blocking;
    private final FileServiceGrpc.FileServiceStub async;
    private final String share;

    private final AtomicLong messageBytesSent = new AtomicLong();

    private ShareClient(ManagedChannel channel, String user, char[] password, String share) {
        this.channel = channel;
        this.share = share;
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + new String(password)).getBytes(StandardCharsets.UTF_8)));
        ClientInterceptor[] interceptors = {MetadataUtils.newAttachHeadersInterceptor(headers), new SentBytes()};
        this.blocking = FileServiceGrpc.newBlockingStub(channel).withInterceptors(interceptors);
        this.async = FileServiceGrpc.newStub(channel).withInterceptors(interceptors);
    }

    /** Bytes of every message this client sent (before gRPC framing and TLS): what it cost the LAN. */
    long messageBytesSent() {
        return messageBytesSent.get();
    }

    /** Counts outgoing messages, as the gateway counts its upstream. */
    private final class SentBytes implements ClientInterceptor {
        @Override
        public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
            return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                @Override
                public void sendMessage(Q message) {
                    if (message instanceof MessageLite m) {
                        messageBytesSent.addAndGet(m.getSerializedSize());
                    }
                    super.sendMessage(message);
                }
            };
        }
    }

    /** Connects over TLS, trusting the gateway certificate in {@code ca} (PEM). */
    static ShareClient connect(GatewayAddress address, Path ca, String user, char[] password) throws IOException {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress(address.host(), address.port(),
                TlsChannelCredentials.newBuilder().trustManager(ca.toFile()).build())
                .maxInboundMessageSize(8 << 20).build();
        return new ShareClient(channel, user, password, address.share());
    }

    private FileServiceGrpc.FileServiceBlockingStub call() {
        return blocking.withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS);
    }

    GatewayInfo info() {
        return call().info(InfoRequest.getDefaultInstance());
    }

    /** Every entry of the share, by path. */
    TreeMap<String, FileEntry> tree() {
        TreeMap<String, FileEntry> out = new TreeMap<>();
        ArrayDeque<String> dirs = new ArrayDeque<>();
        dirs.add("/");
        while (!dirs.isEmpty()) {
            String dir = dirs.poll();
            Iterator<ListPage> pages = call().list(ListRequest.newBuilder().setShare(share).setPath(dir).setPageSize(1000).build());
            while (pages.hasNext()) {
                for (FileEntry e : pages.next().getEntriesList()) {
                    out.put(e.getPath(), e);
                    if (e.getDirectory()) {
                        dirs.add(e.getPath());
                    }
                }
            }
        }
        return out;
    }

    FileEntry stat(String path) {
        return call().stat(path(path));
    }

    boolean matches(String path, FileContent content) {
        return call().matches(MatchRequest.newBuilder().setShare(share).setPath(path).addAllChunks(content.chunks()).build()).getSame();
    }

    /** True if {@code path} is a directory with nothing in it. */
    boolean isEmptyDirectory(String path) {
        Iterator<ListPage> pages = call().list(ListRequest.newBuilder().setShare(share).setPath(path).setPageSize(1).build());
        boolean empty = true;
        while (pages.hasNext()) {
            empty &= pages.next().getEntriesCount() == 0;
        }
        return empty;
    }

    FileEntry mkdir(String path) {
        return call().mkdir(path(path));
    }

    void delete(String path) {
        call().delete(path(path));
    }

    /** Reads the file at {@code path} into {@code target}, calling {@code progress} with each piece's size. */
    void download(String path, Path target, LongConsumer progress) throws IOException {
        try (OutputStream out = Files.newOutputStream(target)) {
            Iterator<ReadPiece> pieces = blocking.withDeadlineAfter(1, TimeUnit.HOURS)
                    .read(ReadRequest.newBuilder().setShare(share).setPath(path).build());
            while (pieces.hasNext()) {
                ByteString data = pieces.next().getData();
                data.writeTo(out);
                progress.accept(data.size());
            }
        }
    }

    /**
     * Writes {@code file} (cut as {@code content} says) to {@code path}, sending only the chunks
     * the gateway lacks; {@code sent} hears of each chunk sent. Returns the new entry.
     *
     * @param ifEtag null: unconditional; "": only if absent; else only over that version
     */
    Uploaded upload(String path, Path file, FileContent content, Chunker chunker, String ifEtag, long mtimeMillis,
                    LongConsumer sent) throws IOException {
        WriteCall call = new WriteCall();
        StreamObserver<WriteRequest> requests = async.withDeadlineAfter(1, TimeUnit.HOURS).write(call);
        WriteBegin.Builder begin = WriteBegin.newBuilder().setShare(share).setPath(path).addAllChunks(content.chunks())
                .setModifiedMillis(mtimeMillis);
        if (ifEtag != null) {
            begin.setIfEtag(ifEtag);
        }
        call.send(WriteRequest.newBuilder().setBegin(begin).build());
        Set<ByteString> missing = new HashSet<>(call.next().getMissing().getSha256List());
        long[] bytes = {0};
        if (!missing.isEmpty()) {
            // Cutting is deterministic, so chunk i of this pass is chunk i of the first; the gateway
            // checks every chunk against its digest, so a file changed meanwhile is refused, not stored.
            int[] index = {0};
            try (InputStream in = Files.newInputStream(file)) {
                chunker.split(in, (buf, off, len) -> {
                    if (index[0] >= content.chunks().size() || content.chunks().get(index[0]).getLength() != len) {
                        throw new IOException(file + " changed while it was being sent; it is sent again on the next run");
                    }
                    ByteString digest = content.chunks().get(index[0]++).getSha256();
                    if (missing.remove(digest)) {
                        call.send(WriteRequest.newBuilder().setChunk(ChunkData.newBuilder().setSha256(digest)
                                .setData(ByteString.copyFrom(buf, off, len))).build());
                        bytes[0] += len;
                        sent.accept(len);
                    }
                });
            }
            if (!missing.isEmpty()) {
                requests.onError(Status.CANCELLED.withDescription("file changed while sending").asRuntimeException());
                throw new IOException(file + " changed while it was being sent; it is sent again on the next run");
            }
        }
        call.send(WriteRequest.newBuilder().setCommit(WriteCommit.getDefaultInstance()).build());
        requests.onCompleted();
        return new Uploaded(call.next().getWritten(), bytes[0]);
    }

    record Uploaded(FileEntry entry, long bytesSent) {
    }

    /** Follows the share's changes after {@code after}; cancel the returned handle to stop. */
    AutoCloseable watch(long after, Consumer<WatchEvent> events, Consumer<Throwable> ended) {
        io.grpc.Context.CancellableContext context = io.grpc.Context.current().withCancellation();
        context.run(() -> async.watch(WatchRequest.newBuilder().setShare(share).setAfter(after).build(), new StreamObserver<>() {
            @Override
            public void onNext(WatchEvent e) {
                events.accept(e);
            }

            @Override
            public void onError(Throwable t) {
                ended.accept(t);
            }

            @Override
            public void onCompleted() {
                ended.accept(new IOException("the gateway ended the watch"));
            }
        }));
        return () -> context.cancel(null);
    }

    private PathRequest path(String path) {
        return PathRequest.newBuilder().setShare(share).setPath(path).build();
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The client side of one Write: sends with flow control, hands over the gateway's answers. */
    private static final class WriteCall implements ClientResponseObserver<WriteRequest, WriteResponse> {
        private final LinkedBlockingQueue<WriteResponse> answers = new LinkedBlockingQueue<>();
        private final CompletableFuture<Void> ended = new CompletableFuture<>();
        private final Object ready = new Object();
        private ClientCallStreamObserver<WriteRequest> requests;

        @Override
        public void beforeStart(ClientCallStreamObserver<WriteRequest> requests) {
            this.requests = requests;
            requests.setOnReadyHandler(() -> {
                synchronized (ready) {
                    ready.notifyAll();
                }
            });
        }

        void send(WriteRequest r) throws IOException {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            synchronized (ready) {
                while (!requests.isReady()) {
                    if (ended.isDone()) {
                        failure();
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IOException("the gateway took nothing for two minutes");
                    }
                    try {
                        ready.wait(100);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted");
                    }
                }
            }
            requests.onNext(r);
        }

        WriteResponse next() throws IOException {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (System.nanoTime() < deadline) {
                try {
                    WriteResponse r = answers.poll(100, TimeUnit.MILLISECONDS);
                    if (r != null) {
                        return r;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
                if (ended.isDone()) {
                    failure();
                    throw new IOException("the gateway ended the write without an answer");
                }
            }
            throw new IOException("no answer from the gateway within 10 minutes");
        }

        private void failure() throws IOException {
            try {
                ended.get(0, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof StatusRuntimeException s) {
                    throw s;
                }
                throw new IOException(e.getCause());
            } catch (InterruptedException | TimeoutException e) {
                throw new IOException(e);
            }
        }

        @Override
        public void onNext(WriteResponse r) {
            answers.add(r);
        }

        @Override
        public void onError(Throwable t) {
            ended.completeExceptionally(t instanceof StatusRuntimeException ? t : Status.fromThrowable(t).asRuntimeException());
        }

        @Override
        public void onCompleted() {
            ended.complete(null);
        }
    }
}
