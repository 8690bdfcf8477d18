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
import io.grpc.Status;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
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

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/** One share of a gateway, through its LAN gRPC API. */
final class ShareClient implements AutoCloseable {
    private static final long CALL_SECONDS = 120;
    /** Folders listed at once while reading the share's tree. */
    private static final int PARALLEL_LISTINGS = 16;

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

    /** Every entry of the share, by path: a level of folders at a time, listed in parallel (each is a round trip). */
    TreeMap<String, FileEntry> tree() {
        Map<String, FileEntry> out = new ConcurrentHashMap<>();
        List<String> level = List.of("/");
        while (!level.isEmpty()) {
            Queue<String> next = new ConcurrentLinkedQueue<>();
            Semaphore slots = new Semaphore(PARALLEL_LISTINGS);
            List<Future<?>> listings = new ArrayList<>(level.size());
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (String dir : level) {
                    listings.add(pool.submit(() -> {
                        slots.acquire();
                        try {
                            list(dir, out, next);
                        } finally {
                            slots.release();
                        }
                        return null;
                    }));
                }
                for (Future<?> listing : listings) {
                    awaitListing(listing);
                }
            }
            level = List.copyOf(next);
        }
        return new TreeMap<>(out);
    }

    private void list(String dir, Map<String, FileEntry> out, Queue<String> subfolders) {
        Iterator<ListPage> pages = call().list(ListRequest.newBuilder().setShare(share).setPath(dir).setPageSize(1000).build());
        while (pages.hasNext()) {
            for (FileEntry e : pages.next().getEntriesList()) {
                out.put(e.getPath(), e);
                if (e.getDirectory()) {
                    subfolders.add(e.getPath());
                }
            }
        }
    }

    private static void awaitListing(Future<?> listing) {
        try {
            listing.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
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

    /** A new Write call for files to go up together; close it when done. */
    WriteStream writes() {
        return new WriteStream(async, share);
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
}
