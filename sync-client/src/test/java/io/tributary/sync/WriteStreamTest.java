package io.tributary.sync;

import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.tributary.gateway.chunk.ChunkSizes;
import io.tributary.gateway.chunk.Chunker;
import io.tributary.gateway.it.PseudoRandomStream;
import io.tributary.proto.v1.ChunkDigest;
import io.tributary.proto.v1.FileEntry;
import io.tributary.proto.v1.FileServiceGrpc;
import io.tributary.proto.v1.Missing;
import io.tributary.proto.v1.WriteRequest;
import io.tributary.proto.v1.WriteResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Write call against a scripted gateway: a real gRPC server on 127.0.0.1 whose Write handler
 * answers as each test says, or not at all.
 */
class WriteStreamTest {
    private static final Duration BOUND = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private Server server;
    private ManagedChannel channel;

    /** Starts a gateway whose Write call hands each request, and the answering side, to {@code script}. */
    private FileServiceGrpc.FileServiceStub gateway(Function<StreamObserver<WriteResponse>, StreamObserver<WriteRequest>> script)
            throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), InsecureServerCredentials.create())
                .addService(new FileServiceGrpc.FileServiceImplBase() {
                    @Override
                    public StreamObserver<WriteRequest> write(StreamObserver<WriteResponse> answers) {
                        return script.apply(answers);
                    }
                }).build().start();
        channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.getPort(), InsecureChannelCredentials.create()).build();
        return FileServiceGrpc.newStub(channel);
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** The gateway's side of a call: {@code onRequest} for each request, and the call ended when the client ends it. */
    private static StreamObserver<WriteRequest> each(StreamObserver<WriteResponse> answers, java.util.function.Consumer<WriteRequest> onRequest) {
        return new StreamObserver<>() {
            @Override
            public void onNext(WriteRequest r) {
                if (r.hasBatch()) {
                    r.getBatch().getRequestsList().forEach(onRequest);
                } else {
                    onRequest.accept(r);
                }
            }

            @Override
            public void onError(Throwable t) {
                // the client went away
            }

            @Override
            public void onCompleted() {
                synchronized (answers) {
                    answers.onCompleted();
                }
            }
        };
    }

    private static FileContent cut(byte[] data) throws IOException {
        return FileContent.of(data, new Chunker(new ChunkSizes(1024, 4096, 16384)));
    }

    @Test
    void anAnswerThatNeverComesFailsTheFileOnceThePatienceRunsOut() throws IOException {
        WriteStream writes = new WriteStream(gateway(answers -> each(answers, r -> { })), "s", Duration.ofMillis(300));
        byte[] data = new PseudoRandomStream(1, 4096).readAllBytes();
        IOException e = assertTimeoutPreemptively(BOUND, () -> assertThrows(IOException.class,
                () -> writes.write("/a.bin", FileBytes.of(data), cut(data), "", 0, n -> { })));
        assertEquals("no answer from the gateway within 300 ms", e.getMessage());
        writes.close();
    }

    @Test
    void theGatewayEndingTheCallFailsTheFileWaitingForItsAnswer() throws IOException {
        WriteStream writes = new WriteStream(gateway(answers -> each(answers,
                r -> answers.onError(Status.UNAVAILABLE.withDescription("going away").asRuntimeException()))), "s");
        byte[] data = new PseudoRandomStream(2, 4096).readAllBytes();
        StatusRuntimeException e = assertTimeoutPreemptively(BOUND, () -> assertThrows(StatusRuntimeException.class,
                () -> writes.write("/a.bin", FileBytes.of(data), cut(data), "", 0, n -> { })));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
        assertEquals("going away", e.getStatus().getDescription());
        assertFalse(writes.usable());
        writes.close();
    }

    @Test
    void aFileReadIntoMemorySendsWhatTheGatewayLacksFromThatCopyThoughTheFileChangedSince() throws IOException {
        Map<ByteString, ByteString> received = new ConcurrentHashMap<>();
        WriteStream writes = new WriteStream(gateway(answers -> {
            Map<ByteString, Integer> lacking = new ConcurrentHashMap<>();
            return each(answers, r -> {
                synchronized (answers) {
                    if (r.hasBegin()) {
                        List<ByteString> digests = r.getBegin().getChunksList().stream().map(ChunkDigest::getSha256).toList();
                        digests.forEach(d -> lacking.put(d, r.getTag()));
                        answers.onNext(WriteResponse.newBuilder().setTag(r.getTag())
                                .setMissing(Missing.newBuilder().addAllSha256(digests)).build());
                    } else if (r.hasChunk()) {
                        received.put(r.getChunk().getSha256(), r.getChunk().getData());
                        Integer tag = lacking.remove(r.getChunk().getSha256());
                        if (tag != null && !lacking.containsValue(tag)) {
                            answers.onNext(WriteResponse.newBuilder().setTag(tag)
                                    .setWritten(FileEntry.newBuilder().setPath("/a.bin").setEtag("e1")).build());
                        }
                    }
                }
            });
        }), "s");
        byte[] data = new PseudoRandomStream(3, 40_000).readAllBytes();
        Path file = Files.write(dir.resolve("a.bin"), data);
        FileContent content = cut(data);
        // The file on disk changes after it was read and cut: the copy, which matches the digests, goes up.
        Files.write(file, new PseudoRandomStream(4, 40_000).readAllBytes());
        long[] counted = {0};
        ShareClient.Uploaded up = assertTimeoutPreemptively(BOUND,
                () -> writes.write("/a.bin", FileBytes.of(data), content, "", 0, n -> counted[0] += n));
        assertEquals("e1", up.entry().getEtag());
        assertEquals(data.length, up.bytesSent());
        assertEquals(data.length, counted[0]);
        assertTrue(content.chunks().size() > 3, "cut in several chunks");
        assertEquals(content.chunks().size(), received.size());
        long offset = 0;
        for (ChunkDigest c : content.chunks()) {
            byte[] expected = java.util.Arrays.copyOfRange(data, (int) offset, (int) (offset + c.getLength()));
            assertArrayEquals(expected, received.get(c.getSha256()).toByteArray());
            offset += c.getLength();
        }
        assertTrue(writes.usable());
        writes.close();
    }
}
