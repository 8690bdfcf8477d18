package io.tributary.gateway.it;

import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.tributary.proto.v1.BlockSignatures;
import io.tributary.proto.v1.ChunkData;
import io.tributary.proto.v1.ChunkDigest;
import io.tributary.proto.v1.DeltaOp;
import io.tributary.proto.v1.FileServiceGrpc;
import io.tributary.proto.v1.ListRequest;
import io.tributary.proto.v1.PathRequest;
import io.tributary.proto.v1.ReadRequest;
import io.tributary.proto.v1.RenameRequest;
import io.tributary.proto.v1.WriteBegin;
import io.tributary.proto.v1.WriteCommit;
import io.tributary.proto.v1.WriteRequest;
import io.tributary.proto.v1.WriteRequests;
import io.tributary.proto.v1.WriteResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Random, mostly broken messages thrown at a real gateway's LAN API: Write calls of begins,
 * chunks, commits and batches in any order with hostile names and lengths, and path calls with
 * hostile paths. Every call must end with a status that names the problem (never UNKNOWN or
 * INTERNAL) within a bound, the gateway must stay up, and since no chunk ever matches its digest,
 * nothing may be written. The inputs come from a seed, new each run and named in any failure
 * ({@code -Dtributary.fuzz.seed=N} replays one).
 */
class LanApiFuzzIT {
    private static final long SEED = Long.getLong("tributary.fuzz.seed", System.nanoTime());
    private static final int WRITE_CALLS = 150;
    private static final int PATH_CALLS = 400;
    private static final Set<Status.Code> NAMED = Set.of(Status.Code.OK, Status.Code.INVALID_ARGUMENT, Status.Code.NOT_FOUND,
            Status.Code.ALREADY_EXISTS, Status.Code.FAILED_PRECONDITION, Status.Code.RESOURCE_EXHAUSTED, Status.Code.OUT_OF_RANGE,
            Status.Code.PERMISSION_DENIED);
    private static final List<String> NAMES = List.of("/a", "/a/b", "/", "", "..", "/../etc/passwd", "/a/../../b", "/con", "/aux.txt",
            "/trailing.", "/trailing ", "/nul\u0000byte", "/ctl\u0001", "/back\\slash", "//double", "/a/./b", "/\u00e9t\u00e9", "/A",
            "/x".repeat(3000), "/" + "n".repeat(300), "/a:b", "/%2e%2e", "/\uD800", "/new/file.txt");

    @TempDir
    Path temp;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void randomMessagesAreRefusedByNameAndChangeNothing() throws Exception {
        SplittableRandom r = new SplittableRandom(SEED);
        try (GatewayProcess gateway = GatewayProcess.start(GatewayProcess.Config.of("lan-fuzz", temp.resolve("data"))
                .extraArgs("--grpc-port", "0"))) {
            ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", gateway.lanPort(),
                    TlsChannelCredentials.newBuilder().trustManager(gateway.lanCertificate().toFile()).build()).build();
            try {
                Metadata headers = new Metadata();
                headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Basic " + Base64.getEncoder()
                        .encodeToString((gateway.user() + ":" + gateway.password()).getBytes(StandardCharsets.UTF_8)));
                FileServiceGrpc.FileServiceStub async = FileServiceGrpc.newStub(channel)
                        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
                FileServiceGrpc.FileServiceBlockingStub blocking = FileServiceGrpc.newBlockingStub(channel)
                        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
                for (int i = 0; i < WRITE_CALLS; i++) {
                    writeCall(async, r, i);
                }
                for (int i = 0; i < PATH_CALLS; i++) {
                    pathCall(blocking.withDeadlineAfter(30, TimeUnit.SECONDS), r, i);
                }
                assertTrue(gateway.isAlive(), "seed " + SEED + ": the gateway is still up");
                int[] entries = {0};
                blocking.withDeadlineAfter(30, TimeUnit.SECONDS).list(ListRequest.newBuilder().setShare("share").setPath("/").build())
                        .forEachRemaining(page -> entries[0] += page.getEntriesCount());
                assertEquals(0, entries[0], "seed " + SEED + ": nothing was written");
            } finally {
                channel.shutdownNow();
            }
        }
    }

    private void writeCall(FileServiceGrpc.FileServiceStub async, SplittableRandom r, int n) throws Exception {
        CompletableFuture<Status> ended = new CompletableFuture<>();
        StreamObserver<WriteRequest> call = async.withDeadlineAfter(60, TimeUnit.SECONDS).write(new StreamObserver<>() {
            @Override
            public void onNext(WriteResponse w) {
                List<WriteResponse> answers = w.hasBatch() ? w.getBatch().getResponsesList() : List.of(w);
                for (WriteResponse a : answers) {
                    if (a.hasFailed() && !NAMED.contains(Status.fromCodeValue(a.getFailed().getCode()).getCode())) {
                        ended.complete(Status.INTERNAL.withDescription("a file failed with " + a.getFailed()));
                    }
                    if (a.hasWritten()) {
                        ended.complete(Status.INTERNAL.withDescription("written: " + a.getWritten().getPath()));
                    }
                }
            }

            @Override
            public void onError(Throwable t) {
                ended.complete(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
                ended.complete(Status.OK);
            }
        });
        StringBuilder sent = new StringBuilder();
        try {
            for (int k = 1 + r.nextInt(30); k > 0 && !ended.isDone(); k--) {
                WriteRequest q = r.nextInt(6) == 0 ? batch(r) : request(r);
                sent.append(q.getKindCase()).append(' ');
                call.onNext(q);
            }
            call.onCompleted();
        } catch (IllegalStateException | StatusRuntimeException e) {
            // the gateway already ended the call; its status is what counts
        }
        Status status = ended.get(90, TimeUnit.SECONDS);
        assertTrue(NAMED.contains(status.getCode()) && !(status.getCode() != Status.Code.OK && status.getDescription() == null),
                "seed " + SEED + ", write call " + n + " (" + sent + "): " + status);
    }

    private static WriteRequest batch(SplittableRandom r) {
        WriteRequests.Builder b = WriteRequests.newBuilder();
        for (int k = r.nextInt(20); k > 0; k--) {
            b.addRequests(r.nextInt(15) == 0 ? WriteRequest.newBuilder().setBatch(WriteRequests.getDefaultInstance()).build() : request(r));
        }
        return WriteRequest.newBuilder().setBatch(b).build();
    }

    private static WriteRequest request(SplittableRandom r) {
        int tag = r.nextInt(8);
        return switch (r.nextInt(5)) {
            case 0, 1 -> WriteRequest.newBuilder().setTag(tag).setBegin(begin(r)).build();
            case 2 -> WriteRequest.newBuilder().setTag(tag).setChunk(chunk(r)).build();
            case 3 -> WriteRequest.newBuilder().setTag(tag).setCommit(WriteCommit.getDefaultInstance()).build();
            default -> WriteRequest.newBuilder().setTag(tag).build();   // no kind
        };
    }

    private static WriteBegin begin(SplittableRandom r) {
        WriteBegin.Builder b = WriteBegin.newBuilder().setShare(r.nextInt(10) == 0 ? "nope" : "share")
                .setPath(NAMES.get(r.nextInt(NAMES.size()))).setModifiedMillis(r.nextLong()).setCommit(r.nextBoolean());
        for (int k = 1 + r.nextInt(4); k > 0; k--) {
            b.addChunks(ChunkDigest.newBuilder().setSha256(digest(r)).setLength(switch (r.nextInt(4)) {
                case 0 -> 0;
                case 1 -> -r.nextInt(1000);
                case 2 -> Integer.MAX_VALUE;
                default -> 1 + r.nextInt(64);
            }));
        }
        if (r.nextInt(3) == 0) {
            b.setIfEtag(r.nextBoolean() ? "" : "\"bogus\"");
        }
        return b.build();
    }

    private static ChunkData chunk(SplittableRandom r) {
        ChunkData.Builder c = ChunkData.newBuilder().setSha256(digest(r)).setData(ByteString.copyFrom(bytes(r, 64)));
        if (r.nextInt(4) == 0) {
            c.addDelta(DeltaOp.newBuilder().setCopyBlock(r.nextInt()).setCopyCount(r.nextInt()))
                    .addDelta(DeltaOp.newBuilder().setLiteral(ByteString.copyFrom(bytes(r, 16))));
        }
        return c.build();
    }

    private static ByteString digest(SplittableRandom r) {
        return ByteString.copyFrom(bytes(r, r.nextInt(8) == 0 ? 40 : 32, r.nextInt(8) != 0));
    }

    private static byte[] bytes(SplittableRandom r, int max) {
        return bytes(r, max, false);
    }

    private static byte[] bytes(SplittableRandom r, int n, boolean exact) {
        byte[] b = new byte[exact ? n : r.nextInt(n + 1)];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        return b;
    }

    private static void pathCall(FileServiceGrpc.FileServiceBlockingStub files, SplittableRandom r, int n) {
        String share = r.nextInt(10) == 0 ? "../share" : "share";
        String path = NAMES.get(r.nextInt(NAMES.size()));
        String other = NAMES.get(r.nextInt(NAMES.size()));
        PathRequest p = PathRequest.newBuilder().setShare(share).setPath(path).build();
        Runnable call = switch (r.nextInt(5)) {
            case 0 -> () -> files.stat(p);
            case 1 -> () -> files.list(ListRequest.newBuilder().setShare(share).setPath(path).setPageSize(r.nextInt(3000) - 500).build())
                    .forEachRemaining(page -> { });
            case 2 -> () -> files.read(ReadRequest.newBuilder().setShare(share).setPath(path).setOffset(r.nextLong())
                    .setLength(r.nextLong()).build()).forEachRemaining(piece -> { });
            case 3 -> () -> files.delete(p);
            default -> () -> files.rename(RenameRequest.newBuilder().setShare(share).setFrom(path).setTo(other)
                    .setOverwrite(r.nextBoolean()).build());
        };
        Status status;
        try {
            call.run();
            status = Status.OK;
        } catch (StatusRuntimeException e) {
            status = e.getStatus();
        }
        assertTrue(NAMED.contains(status.getCode()), "seed " + SEED + ", path call " + n + " on '" + path + "': " + status);
        // "/" exists and may be listed or stat'ed; nothing else may be there to be found.
        if (status.isOk() && !path.equals("/") && !path.isEmpty()) {
            fail("seed " + SEED + ", path call " + n + ": '" + path + "' answered OK in an empty share");
        }
    }
}
