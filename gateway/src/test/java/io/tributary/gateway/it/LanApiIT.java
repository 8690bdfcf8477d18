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
import io.tributary.gateway.chunk.ChunkSizes;
import io.tributary.gateway.chunk.Chunker;
import io.tributary.gateway.delta.BlockDelta;
import io.tributary.gateway.delta.DeltaWire;
import io.tributary.proto.v1.ChunkData;
import io.tributary.proto.v1.ChunkDigest;
import io.tributary.proto.v1.DeltaOp;
import io.tributary.proto.v1.FileEntry;
import io.tributary.proto.v1.FileServiceGrpc;
import io.tributary.proto.v1.GatewayInfo;
import io.tributary.proto.v1.InfoRequest;
import io.tributary.proto.v1.ListPage;
import io.tributary.proto.v1.ListRequest;
import io.tributary.proto.v1.PathRequest;
import io.tributary.proto.v1.ReadPiece;
import io.tributary.proto.v1.ReadRequest;
import io.tributary.proto.v1.RenameRequest;
import io.tributary.proto.v1.WatchEvent;
import io.tributary.proto.v1.WatchRequest;
import io.tributary.proto.v1.WriteBegin;
import io.tributary.proto.v1.WriteCommit;
import io.tributary.proto.v1.WriteRequest;
import io.tributary.proto.v1.WriteRequests;
import io.tributary.proto.v1.WriteResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.tributary.gateway.audit.AuditTrail;
import io.tributary.proto.v1.AuditEntry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The LAN gRPC API of a real gateway process, over real TLS with the certificate the gateway made,
 * side by side with its WebDAV share: one namespace seen through both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LanApiIT {
    private static final String SHARE = "share";

    @TempDir
    static Path dataDir;

    private GatewayProcess gateway;
    private Dav dav;
    private ManagedChannel channel;
    private FileServiceGrpc.FileServiceBlockingStub files;
    private FileServiceGrpc.FileServiceStub async;
    private ChunkSizes sizes;

    @BeforeAll
    void start() throws Exception {
        gateway = GatewayProcess.start(GatewayProcess.Config.of("lanapi", dataDir).extraArgs("--grpc-port", "0"));
        dav = gateway.dav(Duration.ofMinutes(1));
        assertTrue(gateway.lanPort() > 0, "the gateway announced its LAN port");
        channel = Grpc.newChannelBuilderForAddress("127.0.0.1", gateway.lanPort(),
                TlsChannelCredentials.newBuilder().trustManager(gateway.lanCertificate().toFile()).build()).build();
        files = FileServiceGrpc.newBlockingStub(channel).withInterceptors(credentials(gateway.user(), gateway.password()))
                .withDeadlineAfter(2, TimeUnit.MINUTES);
        async = FileServiceGrpc.newStub(channel).withInterceptors(credentials(gateway.user(), gateway.password()));
        GatewayInfo info = files.info(InfoRequest.getDefaultInstance());
        assertEquals(List.of(SHARE), info.getSharesList());
        sizes = new ChunkSizes(info.getChunkMin(), info.getChunkAvg(), info.getChunkMax());
    }

    @AfterAll
    void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void aWriteThroughOneFrontEndIsSeenThroughTheOtherAtOnce() throws Exception {
        dav.mkdirs("both");
        byte[] viaDav = new PseudoRandomStream(1, 700_000).readAllBytes();
        Fleet.assertWritten(dav.put("both/from-dav.bin", viaDav), "PUT");
        FileEntry stat = files.stat(path("/both/from-dav.bin"));
        assertEquals(viaDav.length, stat.getSize());
        assertFalse(stat.getDirectory());
        assertArrayEquals(viaDav, read("/both/from-dav.bin", 0, 0));
        assertArrayEquals(Arrays.copyOfRange(viaDav, 300_000, 300_100), read("/both/from-dav.bin", 300_000, 100));

        byte[] viaGrpc = new PseudoRandomStream(2, 1_500_000).readAllBytes();
        Written w = write("/both/from-grpc.bin", viaGrpc, null);
        assertEquals(viaGrpc.length, w.entry().getSize());
        assertEquals(viaGrpc.length, w.sent(), "a new file sends all of its bytes");
        Dav.Download got = dav.get("both/from-grpc.bin");
        assertEquals(Sha256.of(new java.io.ByteArrayInputStream(viaGrpc)).hex(), got.sha256());

        files.mkdir(path("/both/sub"));
        assertTrue(dav.stat("both/sub"));
        files.rename(RenameRequest.newBuilder().setShare(SHARE).setFrom("/both/from-grpc.bin").setTo("/both/sub/moved.bin").build());
        assertEquals(200, dav.get("both/sub/moved.bin").status());
        assertEquals(404, dav.get("both/from-grpc.bin").status());
        files.delete(path("/both/sub"));
        assertFalse(dav.stat("both/sub"));

        // Each LAN action is in the gateway's audit trail, under the caller, with how it ended.
        assertThrows(StatusRuntimeException.class, () -> files.delete(path("/both/never-there")));
        List<String> audited = new ArrayList<>();
        try (AuditTrail trail = AuditTrail.open(dataDir.resolve("audit")); AuditTrail.Tail tail = trail.tail(-1)) {
            for (AuditEntry e = tail.next(); e != null; e = tail.next()) {
                if (e.getTarget().startsWith("/share/both/") && e.getActor().equals(gateway.user()) && e.getAddress().equals("127.0.0.1")) {
                    audited.add(e.getAction() + " " + e.getTarget() + " " + e.getDetail());
                }
            }
        }
        for (String expected : List.of("file.write /share/both/from-grpc.bin OK, 1500000 bytes",
                "file.read /share/both/from-dav.bin OK, bytes 0-700000",
                "folder.create /share/both/sub OK",
                "file.move /share/both/from-grpc.bin OK to /share/both/sub/moved.bin",
                "file.delete /share/both/sub OK",
                "file.delete /share/both/never-there NOT_FOUND: nothing at '/both/never-there'")) {
            assertTrue(audited.contains(expected), expected + " in " + audited);
        }
    }

    @Test
    void manyMoreReadsAtOnceThanTheGatewayStreamsAtATimeAllArriveWhole() throws Exception {
        dav.mkdirs("many-reads");
        List<byte[]> contents = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            byte[] c = new PseudoRandomStream(60 + i, i == 0 ? 3 : 50_000 * i + 2_500_000 * (i % 2)).readAllBytes();
            Fleet.assertWritten(dav.put("many-reads/f" + i + ".bin", c), "PUT");
            contents.add(c);
        }
        int calls = 64; // four times the reads the gateway streams at once
        List<java.util.concurrent.Future<byte[]>> got = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < calls; i++) {
                int f = i % contents.size();
                got.add(pool.submit(() -> read("/many-reads/f" + f + ".bin", 0, 0)));
            }
            for (int i = 0; i < calls; i++) {
                assertArrayEquals(contents.get(i % contents.size()), got.get(i).get(2, java.util.concurrent.TimeUnit.MINUTES), "read " + i);
            }
        }
        byte[] small = contents.getFirst();
        assertEquals(0, read("/many-reads/f0.bin", small.length + 10, 0).length, "an offset past the end reads nothing");
        assertArrayEquals(Arrays.copyOfRange(small, 1, 3), read("/many-reads/f0.bin", 1, 100), "a range past the end stops at it");
    }

    @Test
    void everyCallSendsARequestIdBackTheClientsOwnWhenItIsSafe() {
        Metadata.Key<String> key = Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);
        Metadata sent = new Metadata();
        sent.put(key, "sync-run-7");
        java.util.concurrent.atomic.AtomicReference<Metadata> headers = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicReference<Metadata> trailers = new java.util.concurrent.atomic.AtomicReference<>();
        files.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(sent), MetadataUtils.newCaptureMetadataInterceptor(headers, trailers))
                .info(InfoRequest.getDefaultInstance());
        assertEquals("sync-run-7", headers.get().get(key));

        Metadata hostile = new Metadata();
        hostile.put(key, "no spaces allowed");
        FileServiceGrpc.newBlockingStub(channel).withInterceptors(credentials(gateway.user(), gateway.password()),
                MetadataUtils.newAttachHeadersInterceptor(hostile), MetadataUtils.newCaptureMetadataInterceptor(headers, trailers))
                .withDeadlineAfter(30, TimeUnit.SECONDS).info(InfoRequest.getDefaultInstance());
        assertTrue(headers.get().get(key).matches("[0-9a-f]{16}"), "a fresh id instead: " + headers.get().get(key));

        trailers.set(null);
        assertThrows(StatusRuntimeException.class, () -> FileServiceGrpc.newBlockingStub(channel)
                .withInterceptors(credentials(gateway.user(), "wrong"), MetadataUtils.newCaptureMetadataInterceptor(headers, trailers))
                .withDeadlineAfter(30, TimeUnit.SECONDS).info(InfoRequest.getDefaultInstance()));
        assertTrue(trailers.get() != null && trailers.get().get(key) != null, "a refused call carries its id in the trailers");
    }

    @Test
    void listingComesInPagesInNameOrder() {
        dav.mkdirs("many");
        for (int i = 0; i < 25; i++) {
            Fleet.assertWritten(dav.put("many/f" + (char) ('a' + i) + ".txt", ("n" + i).getBytes(StandardCharsets.UTF_8)), "PUT");
        }
        Iterator<ListPage> pages = files.list(ListRequest.newBuilder().setShare(SHARE).setPath("/many").setPageSize(10).build());
        List<String> names = new ArrayList<>();
        int count = 0;
        boolean last = false;
        while (pages.hasNext()) {
            ListPage page = pages.next();
            assertFalse(last, "nothing after the last page");
            page.getEntriesList().forEach(e -> names.add(e.getPath()));
            last = page.getLast();
            count++;
        }
        assertTrue(last);
        assertEquals(3, count);
        assertEquals(25, names.size());
        assertEquals("/many/fa.txt", names.getFirst());
        assertEquals(names.stream().sorted().toList(), names);
    }

    @Test
    void contentTheGatewayHasCrossesTheLanOnlyOnce() throws Exception {
        dav.mkdirs("dedupe");
        byte[] content = new PseudoRandomStream(3, 4 << 20).readAllBytes();
        Fleet.assertWritten(dav.put("dedupe/original.bin", content), "PUT");
        Metrics before = gateway.metrics();
        Written copy = write("/dedupe/copy.bin", content, null);
        Metrics after = gateway.metrics();
        assertEquals(0, copy.sent(), "every chunk was at the gateway already");
        assertEquals(content.length, copy.entry().getSize());
        assertEquals(before.count("tributary_chunk_stored_bytes"), after.count("tributary_chunk_stored_bytes"), "nothing new was stored");
        assertEquals(0, after.count("tributary_client_lan_received_bytes") - before.count("tributary_client_lan_received_bytes"),
                "no content crossed the LAN, by the gateway's own count");
        assertEquals(content.length, after.count("tributary_client_lan_deduplicated_bytes")
                - before.count("tributary_client_lan_deduplicated_bytes"));
        assertArrayEquals(content, read("/dedupe/copy.bin", 0, 0));
    }

    @Test
    void aWriteCutOffHalfwayResumesFromTheChunksAlreadySent() throws Exception {
        byte[] content = new PseudoRandomStream(4, 3 << 20).readAllBytes();
        List<byte[]> pieces = cut(content);
        assertTrue(pieces.size() >= 8, pieces.size() + " chunks");
        // First attempt: send half of the chunks, let the gateway store them, then break the call off.
        long storedBefore = gateway.metrics().count("tributary_chunks_stored");
        CallRecorder first = new CallRecorder();
        StreamObserver<WriteRequest> call = async.write(first);
        call.onNext(WriteRequest.newBuilder().setBegin(begin("/resumed.bin", pieces, null)).build());
        assertEquals(pieces.size(), first.next().getMissing().getSha256Count());
        int half = pieces.size() / 2;
        for (byte[] piece : pieces.subList(0, half)) {
            call.onNext(WriteRequest.newBuilder().setChunk(ChunkData.newBuilder().setSha256(sha256(piece))
                    .setData(ByteString.copyFrom(piece))).build());
        }
        Fleet.await(Duration.ofSeconds(30), "the gateway to store the first half",
                () -> gateway.metrics().count("tributary_chunks_stored") - storedBefore >= half);
        call.onError(Status.CANCELLED.withDescription("client killed").asRuntimeException());
        assertEquals(Status.Code.NOT_FOUND, code(() -> files.stat(path("/resumed.bin"))), "nothing committed");

        Written second = write("/resumed.bin", content, null);
        long rest = 0;
        for (byte[] piece : pieces.subList(half, pieces.size())) {
            rest += piece.length;
        }
        assertEquals(rest, second.sent(), "only the chunks that never arrived are sent again");
        assertArrayEquals(content, read("/resumed.bin", 0, 0));
    }

    @Test
    void oneCallCarriesManyFilesAtOnceAndARefusalFailsOnlyItsOwnFile() throws Exception {
        files.mkdir(path("/batch"));
        int count = 300;
        List<byte[]> contents = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            // Files 10 and 11 are the same: the gateway lacks the chunk for both, it crosses once.
            int seed = i == 11 ? 10 : i;
            contents.add(new PseudoRandomStream(seed, 3000 + seed % 7).readAllBytes());
        }
        long inBefore = gateway.metrics().count("tributary_client_lan_received_bytes");
        CallRecorder answers = new CallRecorder();
        StreamObserver<WriteRequest> call = async.write(answers);
        // Every begin goes out before any answer is read: the call is pipelined.
        for (int i = 0; i < count; i++) {
            call.onNext(WriteRequest.newBuilder().setTag(i).setBegin(begin("/batch/f" + i + ".bin", List.of(contents.get(i)), null)).build());
        }
        call.onNext(WriteRequest.newBuilder().setTag(count).setBegin(begin("/batch/con", List.of(contents.get(0)), null)).build());
        Map<Integer, WriteResponse> first = new HashMap<>();
        for (int i = 0; i <= count; i++) {
            WriteResponse r = answers.next();
            assertNull(first.put(r.getTag(), r), "one first answer per file");
        }
        assertEquals(Status.Code.INVALID_ARGUMENT.value(), first.get(count).getFailed().getCode(), "a Windows-reserved name");
        assertEquals(first.get(10).getMissing().getSha256List(), first.get(11).getMissing().getSha256List(), "asked of both");
        Set<ByteString> sent = new HashSet<>();
        long sentBytes = 0;
        for (int i = 0; i < count; i++) {
            for (ByteString digest : first.get(i).getMissing().getSha256List()) {
                if (sent.add(digest)) {
                    call.onNext(WriteRequest.newBuilder().setChunk(ChunkData.newBuilder().setSha256(digest)
                            .setData(ByteString.copyFrom(contents.get(i)))).build());
                    sentBytes += contents.get(i).length;
                }
            }
            call.onNext(WriteRequest.newBuilder().setTag(i).setCommit(WriteCommit.getDefaultInstance()).build());
        }
        call.onCompleted();
        Set<Integer> written = new HashSet<>();
        for (int i = 0; i < count; i++) {
            WriteResponse r = answers.next();
            assertTrue(r.hasWritten(), r.toString());
            assertEquals("/batch/f" + r.getTag() + ".bin", r.getWritten().getPath());
            written.add(r.getTag());
        }
        assertEquals(count, written.size());
        assertEquals(Status.OK, answers.ended(), "the call ends once every file is answered");
        assertEquals(sentBytes, gateway.metrics().count("tributary_client_lan_received_bytes") - inBefore);
        for (int i : List.of(0, 10, 11, count - 1)) {
            assertArrayEquals(contents.get(i), read("/batch/f" + i + ".bin", 0, 0), "f" + i);
        }
        assertFalse(dav.stat("batch/con"));
    }

    @Test
    void filesThatCommitThemselvesTravelInBatchesBothWays() throws Exception {
        files.mkdir(path("/batched"));
        int count = 200;
        List<byte[]> contents = new ArrayList<>();
        WriteRequests.Builder begins = WriteRequests.newBuilder();
        for (int i = 0; i < count; i++) {
            contents.add(new PseudoRandomStream(500 + i, 2000 + i).readAllBytes());
            begins.addRequests(WriteRequest.newBuilder().setTag(i)
                    .setBegin(begin("/batched/f" + i + ".bin", List.of(contents.get(i)), "").toBuilder().setCommit(true)));
        }
        // One file the gateway has already: with commit set and nothing missing, its first answer is Written.
        write("/batched/known.bin", contents.get(0), "");
        begins.addRequests(WriteRequest.newBuilder().setTag(count)
                .setBegin(begin("/batched/again.bin", List.of(contents.get(0)), "").toBuilder().setCommit(true)));
        CallRecorder answers = new CallRecorder();
        StreamObserver<WriteRequest> call = async.write(answers);
        call.onNext(WriteRequest.newBuilder().setBatch(begins).build());
        Map<Integer, WriteResponse> first = new HashMap<>();
        for (int i = 0; i <= count; i++) {
            WriteResponse r = answers.next();
            assertNull(first.put(r.getTag(), r), "one first answer per file");
        }
        assertTrue(first.get(count).hasWritten(), "nothing to send, so written at once: " + first.get(count));
        WriteRequests.Builder chunks = WriteRequests.newBuilder();
        for (int i = 1; i < count; i++) {
            assertEquals(1, first.get(i).getMissing().getSha256Count(), "f" + i);
            chunks.addRequests(WriteRequest.newBuilder().setChunk(ChunkData.newBuilder()
                    .setSha256(first.get(i).getMissing().getSha256(0)).setData(ByteString.copyFrom(contents.get(i)))));
        }
        // No WriteCommit: each file commits once its chunk is here.
        call.onNext(WriteRequest.newBuilder().setBatch(chunks).build());
        for (int i = 1; i < count; i++) {
            WriteResponse r = answers.next();
            assertTrue(r.hasWritten(), r.toString());
        }
        call.onCompleted();
        assertEquals(Status.OK, answers.ended());
        assertTrue(answers.messages.get() < count / 2, answers.messages.get() + " messages for " + (2 * count) + " answers");
        for (int i : List.of(1, 77, count - 1)) {
            assertArrayEquals(contents.get(i), read("/batched/f" + i + ".bin", 0, 0), "f" + i);
        }
        assertArrayEquals(contents.get(0), read("/batched/again.bin", 0, 0));
    }

    @Test
    void anEditedFileSendsItsChangedChunksAsDeltasAgainstTheChunksTheyReplace() throws Exception {
        byte[] v1 = new PseudoRandomStream(21, 3 << 20).readAllBytes();
        Written first = write("/edited.bin", v1, "");
        byte[] v2 = v1.clone();
        System.arraycopy(new PseudoRandomStream(22, 1000).readAllBytes(), 0, v2, 1_500_000, 1000);
        byte[] inserted = new byte[v2.length + 50];
        System.arraycopy(v2, 0, inserted, 0, 100_000);
        System.arraycopy(new PseudoRandomStream(23, 50).readAllBytes(), 0, inserted, 100_000, 50);
        System.arraycopy(v2, 100_000, inserted, 100_050, v2.length - 100_000);
        long inBefore = gateway.metrics().count("tributary_client_lan_received_bytes");
        long deltasBefore = gateway.metrics().count("tributary_client_lan_delta_chunks");
        Written second = write("/edited.bin", inserted, first.entry().getEtag());
        long received = gateway.metrics().count("tributary_client_lan_received_bytes") - inBefore;
        assertTrue(gateway.metrics().count("tributary_client_lan_delta_chunks") - deltasBefore >= 2, "both changed places went as deltas");
        // 1,050 bytes changed; each place costs at most a block or two of its neighbours besides.
        assertTrue(received < 1050 + 4 * 2048 + 512, received + " bytes received for 1,050 changed");
        assertTrue(second.sent() == received, "the client's count and the gateway's agree");
        assertArrayEquals(inserted, read("/edited.bin", 0, 0));
    }

    @Test
    void aDeltaTheGatewayCannotApplyFailsItsFile() throws Exception {
        byte[] v1 = new PseudoRandomStream(31, 1 << 20).readAllBytes();
        write("/delta-target.bin", v1, "");
        byte[] v2 = v1.clone();
        v2[500_000] ^= 1;
        String etag = files.stat(path("/delta-target.bin")).getEtag();
        List<byte[]> pieces = cut(v2);
        for (DeltaOp bad : List.of(DeltaOp.newBuilder().setCopyBlock(1 << 20).setCopyCount(1).build(),
                DeltaOp.newBuilder().setCopyBlock(0).setCopyCount(0).build())) {
            CallRecorder answers = new CallRecorder();
            StreamObserver<WriteRequest> call = async.write(answers);
            call.onNext(WriteRequest.newBuilder().setBegin(begin("/delta-target.bin", pieces, etag)).build());
            WriteResponse missing = answers.next();
            assertEquals(1, missing.getMissing().getSha256Count(), "one chunk changed");
            assertTrue(missing.getMissing().getBases(0).getBlockSize() > 0, "with the old bytes' signatures");
            call.onNext(WriteRequest.newBuilder().setChunk(ChunkData.newBuilder().setSha256(missing.getMissing().getSha256(0))
                    .addDelta(bad)).build());
            call.onNext(WriteRequest.newBuilder().setCommit(WriteCommit.getDefaultInstance()).build());
            call.onCompleted();
            Status outcome = answers.fileOutcome();
            assertEquals(Status.Code.INVALID_ARGUMENT, outcome.getCode(), outcome.toString());
        }
        assertArrayEquals(v1, read("/delta-target.bin", 0, 0), "nothing changed");
        // A delta for a chunk of a new file, which has no old bytes to copy from.
        Status noBase = rawWrite("/no-base.bin", List.of("fresh".getBytes(StandardCharsets.UTF_8)),
                c -> c.clearData().addDelta(DeltaOp.newBuilder().setLiteral(ByteString.copyFromUtf8("fresh"))));
        assertEquals(Status.Code.INVALID_ARGUMENT, noBase.getCode(), noBase.toString());
        assertFalse(dav.stat("no-base.bin"));
    }

    @Test
    void aCallThatBreaksTheProtocolEndsWithoutWritingItsFiles() throws Exception {
        byte[] data = "protocol".getBytes(StandardCharsets.UTF_8);
        CallRecorder unasked = new CallRecorder();
        StreamObserver<WriteRequest> call = async.write(unasked);
        call.onNext(WriteRequest.newBuilder().setTag(1).setBegin(begin("/unasked.txt", List.of(data), null)).build());
        unasked.next();
        call.onNext(WriteRequest.newBuilder().setChunk(ChunkData.newBuilder().setSha256(sha256("other".getBytes(StandardCharsets.UTF_8)))
                .setData(ByteString.copyFromUtf8("other"))).build());
        call.onNext(WriteRequest.newBuilder().setTag(1).setCommit(WriteCommit.getDefaultInstance()).build());
        assertEquals(Status.Code.INVALID_ARGUMENT, unasked.ended().getCode(), "a chunk the gateway did not ask for");

        CallRecorder twice = new CallRecorder();
        call = async.write(twice);
        call.onNext(WriteRequest.newBuilder().setTag(5).setBegin(begin("/twice-a.txt", List.of(data), null)).build());
        call.onNext(WriteRequest.newBuilder().setTag(5).setBegin(begin("/twice-b.txt", List.of(data), null)).build());
        assertEquals(Status.Code.INVALID_ARGUMENT, twice.ended().getCode(), "a tag still in use");

        CallRecorder nested = new CallRecorder();
        call = async.write(nested);
        WriteRequest inner = WriteRequest.newBuilder().setBatch(WriteRequests.newBuilder().addRequests(
                WriteRequest.newBuilder().setTag(1).setBegin(begin("/nested.txt", List.of(data), null)))).build();
        call.onNext(WriteRequest.newBuilder().setBatch(WriteRequests.newBuilder().addRequests(inner)).build());
        assertEquals(Status.Code.INVALID_ARGUMENT, nested.ended().getCode(), "a batch within a batch");

        CallRecorder oversize = new CallRecorder();
        call = async.write(oversize);
        WriteRequests.Builder many = WriteRequests.newBuilder();
        for (int i = 0; i <= 4096; i++) {
            many.addRequests(WriteRequest.newBuilder().setTag(i).setCommit(WriteCommit.getDefaultInstance()));
        }
        call.onNext(WriteRequest.newBuilder().setBatch(many).build());
        assertEquals(Status.Code.INVALID_ARGUMENT, oversize.ended().getCode(), "more requests in a batch than allowed");
        assertFalse(dav.stat("nested.txt"));

        CallRecorder flood = new CallRecorder();
        call = async.write(flood);
        for (int i = 0; i <= 1024; i++) {
            call.onNext(WriteRequest.newBuilder().setTag(i).setBegin(WriteBegin.newBuilder().setShare(SHARE)
                    .setPath("/flood-" + i)).build());
        }
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, flood.ended().getCode(), "more unanswered files than a call may hold");
        for (String name : List.of("unasked.txt", "twice-a.txt", "twice-b.txt", "flood-0", "flood-1024")) {
            assertFalse(dav.stat(name), name + " was not written");
        }
    }

    @Test
    void pastTheGatewayWideBudgetAFileIsToldToBeginAgainAndTheFilesUnderWayFinish(@TempDir Path budgetDir) throws Exception {
        // A gateway of its own whose Write calls may hold a weight of 4 at once: two files of one chunk.
        try (GatewayProcess small = GatewayProcess.start(GatewayProcess.Config.of("lanbudget", budgetDir)
                .extraArgs("--grpc-port", "0", "--lan-write-budget", "4"))) {
            ManagedChannel ch = Grpc.newChannelBuilderForAddress("127.0.0.1", small.lanPort(),
                    TlsChannelCredentials.newBuilder().trustManager(small.lanCertificate().toFile()).build()).build();
            try {
                FileServiceGrpc.FileServiceStub stub = FileServiceGrpc.newStub(ch).withInterceptors(credentials(small.user(), small.password()));
                List<byte[]> data = List.of("budget zero".getBytes(StandardCharsets.UTF_8), "budget one".getBytes(StandardCharsets.UTF_8),
                        "budget two".getBytes(StandardCharsets.UTF_8));
                CallRecorder answers = new CallRecorder();
                StreamObserver<WriteRequest> call = stub.write(answers);
                for (int i = 0; i < 3; i++) {
                    call.onNext(WriteRequest.newBuilder().setTag(i)
                            .setBegin(begin("/budget-" + i + ".txt", List.of(data.get(i)), null).toBuilder().setCommit(true)).build());
                }
                Map<Integer, WriteResponse> first = new HashMap<>();
                while (first.size() < 3) {
                    WriteResponse r = answers.next();
                    first.put(r.getTag(), r);
                }
                assertTrue(first.get(0).hasMissing() && first.get(1).hasMissing(), "the first two fit: " + first);
                WriteResponse turned = first.get(2);
                assertTrue(turned.hasFailed(), "the third does not fit: " + turned);
                assertEquals(Status.Code.RESOURCE_EXHAUSTED.value(), turned.getFailed().getCode());
                assertTrue(turned.getFailed().getRetryAfterMillis() > 0, "with a time to begin it again: " + turned);
                assertTrue(turned.getFailed().getMessage().contains("again"), turned.getFailed().getMessage());

                // The two under way finish and give their share back...
                for (int i = 0; i < 2; i++) {
                    call.onNext(WriteRequest.newBuilder().setChunk(ChunkData.newBuilder().setSha256(sha256(data.get(i)))
                            .setData(ByteString.copyFrom(data.get(i)))).build());
                }
                Set<Integer> written = new HashSet<>();
                while (written.size() < 2) {
                    WriteResponse r = answers.next();
                    assertTrue(r.hasWritten(), r.toString());
                    written.add(r.getTag());
                }
                assertFalse(small.dav().stat("budget-2.txt"), "nothing of the file turned away was written");
                // ...so the third, begun again, is taken.
                call.onNext(WriteRequest.newBuilder().setTag(3)
                        .setBegin(begin("/budget-2.txt", List.of(data.get(2)), null).toBuilder().setCommit(true)).build());
                assertTrue(answers.next().hasMissing());
                call.onNext(WriteRequest.newBuilder().setChunk(ChunkData.newBuilder().setSha256(sha256(data.get(2)))
                        .setData(ByteString.copyFrom(data.get(2)))).build());
                assertTrue(answers.next().hasWritten());
                call.onCompleted();
                assertEquals(Status.Code.OK, answers.ended().getCode());
                for (int i = 0; i < 3; i++) {
                    assertEquals(Sha256.of(new java.io.ByteArrayInputStream(data.get(i))).hex(), small.dav().get("budget-" + i + ".txt").sha256(),
                            "budget-" + i);
                }
                assertEquals(1, small.metrics().count("tributary_lan_writes_deferred"));
            } finally {
                ch.shutdownNow();
            }
        }
    }

    @Test
    void aConditionalWriteRefusesToOverwriteAnotherVersion() throws Exception {
        Written v1 = write("/guarded.txt", "one".getBytes(StandardCharsets.UTF_8), "");
        StatusRuntimeException exists = assertThrows(StatusRuntimeException.class,
                () -> write("/guarded.txt", "two".getBytes(StandardCharsets.UTF_8), ""));
        assertEquals(Status.Code.FAILED_PRECONDITION, exists.getStatus().getCode(), "\"\" means: only if absent");
        Fleet.assertWritten(dav.put("guarded.txt", "by someone else".getBytes(StandardCharsets.UTF_8)), "PUT");
        StatusRuntimeException stale = assertThrows(StatusRuntimeException.class,
                () -> write("/guarded.txt", "three".getBytes(StandardCharsets.UTF_8), v1.entry().getEtag()));
        assertEquals(Status.Code.FAILED_PRECONDITION, stale.getStatus().getCode());
        assertEquals("by someone else", dav.getString("guarded.txt").body(), "nothing was overwritten");
        String current = files.stat(path("/guarded.txt")).getEtag();
        write("/guarded.txt", "four".getBytes(StandardCharsets.UTF_8), current);
        assertEquals("four", dav.getString("guarded.txt").body());
    }

    @Test
    void whatAWebDavLockCoversCannotBeChangedOverTheLan() throws Exception {
        Fleet.assertWritten(dav.put("locked.txt", "mine".getBytes(StandardCharsets.UTF_8)), "PUT");
        HttpResponse<String> lock = dav.send("LOCK", "locked.txt", java.util.Map.of("Timeout", "Second-60"),
                HttpRequest.BodyPublishers.ofString("<?xml version=\"1.0\"?><D:lockinfo xmlns:D=\"DAV:\"><D:lockscope>"
                        + "<D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockinfo>"));
        assertEquals(200, lock.statusCode(), lock.body());
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                () -> write("/locked.txt", "theirs".getBytes(StandardCharsets.UTF_8), null));
        assertEquals(Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode());
        assertEquals(Status.Code.FAILED_PRECONDITION, code(() -> files.delete(path("/locked.txt"))));
        assertEquals(Status.Code.FAILED_PRECONDITION, code(() -> files.rename(RenameRequest.newBuilder().setShare(SHARE)
                .setFrom("/locked.txt").setTo("/stolen.txt").build())));
        assertEquals("mine", dav.getString("locked.txt").body());
        String token = lock.headers().firstValue("Lock-Token").orElseThrow();
        assertEquals(204, dav.send("UNLOCK", "locked.txt", java.util.Map.of("Lock-Token", token),
                HttpRequest.BodyPublishers.noBody()).statusCode());
        write("/locked.txt", "theirs".getBytes(StandardCharsets.UTF_8), null);
        assertEquals("theirs", dav.getString("locked.txt").body(), "once unlocked, the write goes through");
    }

    @Test
    void watchStreamsEveryChangeOfTheShareWithCursorsToResumeFrom() throws Exception {
        BlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
        io.grpc.Context.CancellableContext watching = io.grpc.Context.current().withCancellation();
        watching.run(() -> async.watch(WatchRequest.newBuilder().setShare(SHARE).build(), collect(events)));
        try {
            // The watch starts "from now"; make sure it is running before the changes.
            Fleet.await(Duration.ofSeconds(20), "the watch to see a probe", () -> {
                dav.mkcol("watch-probe-" + System.nanoTime());
                return !events.isEmpty();
            });
            events.clear();
            Fleet.assertWritten(dav.mkcol("watched"), "MKCOL");
            Fleet.assertWritten(dav.put("watched/a.txt", "a".getBytes(StandardCharsets.UTF_8)), "PUT");
            assertEquals(201, dav.move("watched/a.txt", "watched/b.txt", false).statusCode());
            // Late events of the probes may still come first.
            WatchEvent mkdir = take(events, "/watched");
            WatchEvent put = take(events, "/watched");
            WatchEvent move = take(events, "/watched");
            assertEquals(WatchEvent.Kind.MKDIR, mkdir.getKind());
            assertEquals("/watched", mkdir.getPath());
            assertEquals(WatchEvent.Kind.PUT, put.getKind());
            assertEquals("/watched/a.txt", put.getPath());
            assertEquals(WatchEvent.Kind.MOVE, move.getKind());
            assertEquals("/watched/b.txt", move.getToPath());
            assertTrue(mkdir.getCursor() < put.getCursor() && put.getCursor() < move.getCursor());

            // From a cursor: what came after it, first.
            BlockingQueue<WatchEvent> replay = new LinkedBlockingQueue<>();
            io.grpc.Context.CancellableContext again = io.grpc.Context.current().withCancellation();
            again.run(() -> async.watch(WatchRequest.newBuilder().setShare(SHARE).setAfter(mkdir.getCursor()).build(), collect(replay)));
            try {
                assertEquals(put.getCursor(), take(replay).getCursor());
                assertEquals(move.getCursor(), take(replay).getCursor());
            } finally {
                again.cancel(null);
            }
            BlockingQueue<WatchEvent> foreign = new LinkedBlockingQueue<>();
            io.grpc.Context.CancellableContext reset = io.grpc.Context.current().withCancellation();
            reset.run(() -> async.watch(WatchRequest.newBuilder().setShare(SHARE).setAfter(Long.MAX_VALUE).build(), collect(foreign)));
            try {
                assertEquals(WatchEvent.Kind.RESET, take(foreign).getKind(), "a cursor this gateway never gave out");
            } finally {
                reset.cancel(null);
            }
        } finally {
            watching.cancel(null);
        }
    }

    @Test
    void badInputIsRefusedWithTheRightStatusAndChangesNothing() throws Exception {
        FileServiceGrpc.FileServiceBlockingStub anonymous = FileServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        assertEquals(Status.Code.UNAUTHENTICATED, code(() -> anonymous.stat(path("/"))));
        FileServiceGrpc.FileServiceBlockingStub wrong = anonymous.withInterceptors(credentials(gateway.user(), "not-the-password"));
        long refusedBefore = gateway.metrics().count("tributary_lan_unauthenticated_calls");
        assertEquals(Status.Code.UNAUTHENTICATED, code(() -> wrong.mkdir(path("/by-intruder"))));
        assertFalse(dav.stat("by-intruder"));
        assertEquals(refusedBefore + 1, gateway.metrics().count("tributary_lan_unauthenticated_calls"));

        assertEquals(Status.Code.NOT_FOUND, code(() -> files.stat(PathRequest.newBuilder().setShare("nope").setPath("/").build())));
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> files.mkdir(path("/../escape"))));
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> files.mkdir(path("/a\\b"))));
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> files.mkdir(path("/con"))), "a Windows-reserved name");
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> files.stat(path("/" + "x/".repeat(3000)))));
        assertEquals(Status.Code.NOT_FOUND, code(() -> files.stat(path("/no/such/file"))));
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> files.delete(path("/"))));
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> files.list(ListRequest.newBuilder().setShare(SHARE)
                .setPath("/").setPageSize(5000).build()).hasNext()));

        byte[] data = "hello".getBytes(StandardCharsets.UTF_8);
        // Bytes that do not match the digest they were sent under.
        Status forged = rawWrite("/forged.txt", List.of(data), c -> c.setData(ByteString.copyFromUtf8("HELLO")));
        assertEquals(Status.Code.INVALID_ARGUMENT, forged.getCode(), forged.getDescription());
        // A message over the limit: refused by status on a call, cut off in a stream.
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, code(() -> files.stat(path("/" + "y".repeat(5 << 20)))));
        Status huge = rawWrite("/huge.bin", List.of(data), c -> c.setData(ByteString.copyFrom(new byte[5 << 20])));
        assertTrue(huge.getCode() == Status.Code.RESOURCE_EXHAUSTED || huge.getCode() == Status.Code.CANCELLED, huge.toString());
        // A digest that is not a SHA-256, and a chunk longer than any.
        assertEquals(Status.Code.INVALID_ARGUMENT, rawBegin(WriteBegin.newBuilder().setShare(SHARE).setPath("/bad.bin")
                .addChunks(ChunkDigest.newBuilder().setSha256(ByteString.copyFrom(new byte[20])).setLength(5))).getCode());
        assertEquals(Status.Code.INVALID_ARGUMENT, rawBegin(WriteBegin.newBuilder().setShare(SHARE).setPath("/bad.bin")
                .addChunks(ChunkDigest.newBuilder().setSha256(sha256(data)).setLength((1 << 20) + 1))).getCode());
        assertEquals(Status.Code.INVALID_ARGUMENT, rawBegin(WriteBegin.newBuilder().setShare(SHARE).setPath("/../bad.bin")).getCode());
        for (String name : List.of("forged.txt", "huge.bin", "bad.bin")) {
            assertEquals(Status.Code.NOT_FOUND, code(() -> files.stat(path("/" + name))), name + " was not written");
        }
        assertTrue(gateway.isAlive());
    }

    // --- a minimal client ---

    record Written(FileEntry entry, long sent) {
    }

    /** Writes {@code content} the way a client does: cut, name by SHA-256, send what is missing. */
    private Written write(String path, byte[] content, String ifEtag) throws Exception {
        List<byte[]> pieces = cut(content);
        CallRecorder answers = new CallRecorder();
        StreamObserver<WriteRequest> call = async.write(answers);
        call.onNext(WriteRequest.newBuilder().setBegin(begin(path, pieces, ifEtag)).build());
        WriteResponse missing = refusedOrAnswer(answers.next());
        long sent = 0;
        List<ByteString> wanted = missing.getMissing().getSha256List();
        for (byte[] piece : pieces) {
            ByteString digest = sha256(piece);
            int at = wanted.indexOf(digest);
            if (at >= 0) {
                ChunkData.Builder chunk = ChunkData.newBuilder().setSha256(digest);
                io.tributary.proto.v1.BlockSignatures base = missing.getMissing().getBasesCount() > 0
                        ? missing.getMissing().getBases(missing.getMissing().getSha256List().indexOf(digest)) : null;
                if (base != null && base.getBlockSize() > 0) {
                    chunk.addAllDelta(DeltaWire.toWire(BlockDelta.encode(piece, DeltaWire.fromWire(base))));
                    sent += chunk.build().getSerializedSize() - digest.size();
                } else {
                    chunk.setData(ByteString.copyFrom(piece));
                    sent += piece.length;
                }
                call.onNext(WriteRequest.newBuilder().setChunk(chunk).build());
                wanted = wanted.stream().filter(d -> !d.equals(digest)).toList();
            }
        }
        call.onNext(WriteRequest.newBuilder().setCommit(WriteCommit.getDefaultInstance()).build());
        call.onCompleted();
        return new Written(refusedOrAnswer(answers.next()).getWritten(), sent);
    }

    /** A file's WriteFailed as the exception a unary call would have thrown. */
    private static WriteResponse refusedOrAnswer(WriteResponse r) {
        if (r.hasFailed()) {
            throw Status.fromCodeValue(r.getFailed().getCode()).withDescription(r.getFailed().getMessage()).asRuntimeException();
        }
        return r;
    }

    private WriteBegin begin(String path, List<byte[]> pieces, String ifEtag) throws Exception {
        WriteBegin.Builder b = WriteBegin.newBuilder().setShare(SHARE).setPath(path);
        for (byte[] piece : pieces) {
            b.addChunks(ChunkDigest.newBuilder().setSha256(sha256(piece)).setLength(piece.length));
        }
        if (ifEtag != null) {
            b.setIfEtag(ifEtag);
        }
        return b.build();
    }

    /** A write whose first chunk message is altered by {@code tamper}; returns how the call ended. */
    private Status rawWrite(String path, List<byte[]> pieces, Consumer<ChunkData.Builder> tamper) throws Exception {
        CallRecorder answers = new CallRecorder();
        StreamObserver<WriteRequest> call = async.write(answers);
        call.onNext(WriteRequest.newBuilder().setBegin(begin(path, pieces, null)).build());
        answers.next();
        ChunkData.Builder chunk = ChunkData.newBuilder().setSha256(sha256(pieces.getFirst())).setData(ByteString.copyFrom(pieces.getFirst()));
        tamper.accept(chunk);
        call.onNext(WriteRequest.newBuilder().setChunk(chunk).build());
        call.onNext(WriteRequest.newBuilder().setCommit(WriteCommit.getDefaultInstance()).build());
        call.onCompleted();
        return answers.fileOutcome();
    }

    private Status rawBegin(WriteBegin.Builder begin) throws Exception {
        CallRecorder answers = new CallRecorder();
        StreamObserver<WriteRequest> call = async.write(answers);
        call.onNext(WriteRequest.newBuilder().setBegin(begin).build());
        call.onCompleted();
        return answers.fileOutcome();
    }

    private List<byte[]> cut(byte[] content) {
        Chunker chunker = new Chunker(sizes);
        List<byte[]> out = new ArrayList<>();
        int off = 0;
        while (off < content.length) {
            int n = chunker.cut(content, off, content.length - off);
            out.add(Arrays.copyOfRange(content, off, off + n));
            off += n;
        }
        return out;
    }

    private byte[] read(String path, long offset, long length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        files.read(ReadRequest.newBuilder().setShare(SHARE).setPath(path).setOffset(offset).setLength(length).build())
                .forEachRemaining((ReadPiece p) -> out.writeBytes(p.getData().toByteArray()));
        return out.toByteArray();
    }

    private static byte[] concat(List<byte[]> pieces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        pieces.forEach(out::writeBytes);
        return out.toByteArray();
    }

    private static PathRequest path(String path) {
        return PathRequest.newBuilder().setShare(SHARE).setPath(path).build();
    }

    private static ByteString sha256(byte[] data) throws Exception {
        return ByteString.copyFrom(MessageDigest.getInstance("SHA-256").digest(data));
    }

    private static io.grpc.ClientInterceptor credentials(String user, String password) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    private static Status.Code code(Runnable call) {
        return assertThrows(StatusRuntimeException.class, call::run).getStatus().getCode();
    }

    private static WatchEvent take(BlockingQueue<WatchEvent> events, String under) throws InterruptedException {
        while (true) {
            WatchEvent e = take(events);
            if (e.getPath().startsWith(under)) {
                return e;
            }
        }
    }

    private static WatchEvent take(BlockingQueue<WatchEvent> events) throws InterruptedException {
        WatchEvent e = events.poll(20, TimeUnit.SECONDS);
        assertNotNull(e, "no watch event within 20 s");
        return e;
    }

    private static StreamObserver<WatchEvent> collect(BlockingQueue<WatchEvent> into) {
        return new StreamObserver<>() {
            @Override
            public void onNext(WatchEvent e) {
                into.add(e);
            }

            @Override
            public void onError(Throwable t) {
                // cancelled by the test
            }

            @Override
            public void onCompleted() {
            }
        };
    }

    /** The gateway's side of a Write call, as the test sees it. */
    private static final class CallRecorder implements StreamObserver<WriteResponse> {
        private final BlockingQueue<WriteResponse> answers = new LinkedBlockingQueue<>();
        private final CompletableFuture<Status> ended = new CompletableFuture<>();
        /** Messages received: a batch is one, however many answers it holds. */
        final java.util.concurrent.atomic.AtomicInteger messages = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public void onNext(WriteResponse r) {
            messages.incrementAndGet();
            if (r.hasBatch()) {
                assertTrue(r.getBatch().getResponsesList().stream().noneMatch(WriteResponse::hasBatch), "a batch holds no batch");
                answers.addAll(r.getBatch().getResponsesList());
            } else {
                answers.add(r);
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

        WriteResponse next() throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                WriteResponse r = answers.poll(100, TimeUnit.MILLISECONDS);
                if (r != null) {
                    return r;
                }
                if (ended.isDone()) {
                    throw ended.get().asRuntimeException();
                }
            }
            throw new AssertionError("no answer from the gateway within 60 s");
        }

        Status ended() throws Exception {
            return ended.get(30, TimeUnit.SECONDS);
        }

        /** How the call's one file ended: OK when written, its WriteFailed, or how the whole call ended. */
        Status fileOutcome() throws Exception {
            while (true) {
                WriteResponse r;
                try {
                    r = next();
                } catch (StatusRuntimeException e) {
                    return e.getStatus();
                }
                if (r.hasFailed()) {
                    return Status.fromCodeValue(r.getFailed().getCode()).withDescription(r.getFailed().getMessage());
                }
                if (r.hasWritten()) {
                    return Status.OK;
                }
            }
        }
    }
}
