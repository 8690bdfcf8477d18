package io.tributary.central.ingest;

import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.tributary.central.testing.TestCertificates;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tributary.central.Central;
import io.tributary.central.CentralConfig;
import io.tributary.proto.v1.CentralMessage;
import io.tributary.proto.v1.CentralMessage.KindCase;
import io.tributary.proto.v1.ChunkPayload;
import io.tributary.proto.v1.ChunkRef;
import io.tributary.proto.v1.CommitAck;
import io.tributary.proto.v1.CommitBatch;
import io.tributary.proto.v1.FetchChunksRequest;
import io.tributary.proto.v1.GatewayMessage;
import io.tributary.proto.v1.Heartbeat;
import io.tributary.proto.v1.IngestGrpc;
import io.tributary.proto.v1.MakeDirectory;
import io.tributary.proto.v1.Hunk;
import io.tributary.proto.v1.ManifestEdit;
import io.tributary.proto.v1.Version;
import io.tributary.proto.v1.NeedQuery;
import io.tributary.proto.v1.Operation;
import io.tributary.proto.v1.OperationResult.Outcome;
import io.tributary.proto.v1.PutFile;
import io.tributary.proto.v1.ShareChange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real central server on port 0, driven by real grpc-java clients and an HTTP client. */
class IngestSessionTest {
    @TempDir
    static Path data;
    static Central central;
    static ManagedChannel channel;
    static final java.util.Map<String, ManagedChannel> CHANNELS = new java.util.concurrent.ConcurrentHashMap<>();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    /** A console admin's session: the admin API needs one. */
    static String adminCookie;
    static String adminCsrf;

    @BeforeAll
    static void start() throws Exception {
        io.tributary.proto.auth.LocalUserStore.open(data.resolve("admins")).put("admin", "test-admin-pw".toCharArray());
        central = Central.start(CentralConfig.embedded(data));
        channel = as("Test");
        HttpResponse<String> signedIn = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + central.httpPort() + "/api/v1/session"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"admin\",\"password\":\"test-admin-pw\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        adminCookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        adminCsrf = jakarta.json.Json.createReader(new java.io.StringReader(signedIn.body())).readObject().getString("csrf");
    }

    /** A mutual-TLS channel with a certificate for {@code branch} from the central under test. */
    static ManagedChannel as(String branch) {
        return CHANNELS.computeIfAbsent(branch, b -> TestCertificates.channel(central, b));
    }

    @AfterAll
    static void stop() throws Exception {
        for (ManagedChannel c : CHANNELS.values()) {
            c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        central.close();
    }

    @Test
    void uploadCommitAndFeedToAnotherGateway() throws Exception {
        try (TestGateway a = new TestGateway(as("Berlin"), "gw-a1"); TestGateway b = new TestGateway(as("Lyon"), "gw-b1")) {
            CentralMessage welcome = a.hello("Berlin", "s1");
            assertEquals(-1, welcome.getWelcome().getAckedPosition());
            assertFalse(welcome.getWelcome().getCentralId().isEmpty());
            b.hello("Lyon", "s1");

            double stored = metric("central_chunks_stored_total");
            double deduplicated = metric("central_chunks_deduplicated_total");
            double received = metric("central_chunk_bytes_received_total");
            a.send(need(1, TestGateway.id(1), TestGateway.id(2)));
            assertEquals(List.of(TestGateway.id(1), TestGateway.id(2)), a.next(KindCase.NEED_ANSWER).getNeedAnswer().getMissingList());
            a.send(chunk(1));
            a.send(chunk(2));
            a.send(chunk(2));
            a.send(need(2, TestGateway.id(1), TestGateway.id(2), TestGateway.id(3)));
            CentralMessage answer = a.next(KindCase.NEED_ANSWER);
            assertEquals(2, answer.getNeedAnswer().getQueryId());
            assertEquals(List.of(TestGateway.id(3)), answer.getNeedAnswer().getMissingList());

            a.send(commit(put(1, "s1", "Docs/a.txt", 1, 2)));
            CommitAck ack = a.next(KindCase.COMMIT_ACK).getCommitAck();
            assertEquals(1, ack.getAckedPosition());
            assertEquals(Outcome.APPLIED, ack.getResults(0).getOutcome());
            assertEquals(1, ack.getResults(0).getRevision());
            a.send(GatewayMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder().setSentMillis(1).setReady(true)).build());

            ShareChange change = b.next(KindCase.CHANGE).getChange();
            assertEquals(1, change.getRevision());
            assertEquals("gw-a1", change.getOriginGateway());
            assertEquals("Berlin", change.getOriginBranch());
            assertTrue(change.getAsSent());
            assertEquals(List.of("Docs", "a.txt"), change.getOperation().getPutFile().getPathList());
            assertEquals(1, change.getVersion().getPosition());

            // b's own change reaches a; a's first change never came back to a (the next one it sees is revision 2).
            b.send(commit(Operation.newBuilder().setPosition(10).setShare("s1").setModifiedMillis(5)
                    .setMakeDirectory(MakeDirectory.newBuilder().addPath("Empty")).build()));
            assertEquals(10, b.next(KindCase.COMMIT_ACK).getCommitAck().getAckedPosition());
            assertEquals(2, a.next(KindCase.CHANGE).getChange().getRevision());

            // Other tests share this central: compare before and after.
            assertEquals(stored + 2, metric("central_chunks_stored_total"));
            assertEquals(deduplicated + 1, metric("central_chunks_deduplicated_total"));
            assertEquals(received + 300, metric("central_chunk_bytes_received_total"));
            assertTrue(metric("central_sessions") >= 2);

            // The same gateway opening a new session: the old one is closed, the new one resumes after position 1.
            try (TestGateway again = new TestGateway(as("Berlin"), "gw-a1")) {
                assertEquals(1, again.hello("Berlin", "s1").getWelcome().getAckedPosition());
                assertEquals(Status.Code.ABORTED, a.ended().getCode());
                // From revision 0 it gets b's mkdir but not its own put.
                ShareChange first = again.next(KindCase.CHANGE).getChange();
                assertEquals(2, first.getRevision());
            }
        }
    }

    @Test
    void conflictBetweenTwoGateways() throws Exception {
        try (TestGateway a = new TestGateway(as("Oslo"), "gw-c"); TestGateway b = new TestGateway(as("Rome"), "gw-d")) {
            a.hello("Oslo", "s2");
            b.hello("Rome", "s2");
            a.send(chunk(5));
            b.send(chunk(6));
            a.send(commit(put(1, "s2", "plan.txt", 5)));
            assertEquals(Outcome.APPLIED, a.next(KindCase.COMMIT_ACK).getCommitAck().getResults(0).getOutcome());
            b.send(commit(put(1, "s2", "plan.txt", 6).toBuilder().setModifiedMillis(0).build()));
            // b's commit may meet a's change on the way: collect both.
            List<CentralMessage> got = new ArrayList<>();
            while (got.stream().noneMatch(CentralMessage::hasCommitAck) || got.stream().filter(CentralMessage::hasChange).count() < 3) {
                got.add(b.next());
            }
            CommitAck ack = got.stream().filter(CentralMessage::hasCommitAck).findFirst().orElseThrow().getCommitAck();
            assertEquals(Outcome.CONFLICT, ack.getResults(0).getOutcome());
            assertEquals(List.of("plan (conflict from Rome 1970-01-01 000000).txt"), ack.getResults(0).getConflictPathList());
            List<ShareChange> feed = got.stream().filter(CentralMessage::hasChange).map(CentralMessage::getChange).toList();
            assertEquals(List.of(1L, 2L, 3L), feed.stream().map(ShareChange::getRevision).toList());
            assertFalse(feed.get(1).getAsSent());
            assertEquals("gw-c", feed.get(2).getOriginGateway());
            // a gets the conflict copy and the restatement of its own version.
            assertEquals(2, a.next(KindCase.CHANGE).getChange().getRevision());
            assertEquals(3, a.next(KindCase.CHANGE).getChange().getRevision());
            String conflicts = get("/api/v1/conflicts?share=s2").body();
            assertTrue(conflicts.contains("\"loserBranch\":\"Rome\""), conflicts);
        }
    }

    @Test
    void aLateGatewayGetsTheWholeBacklogInOrder() throws Exception {
        try (TestGateway a = new TestGateway(as("Writer"), "gw-i")) {
            a.hello("Writer", "s6");
            List<Operation> ops = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                ops.add(Operation.newBuilder().setPosition(i + 1).setShare("s6").setModifiedMillis(1)
                        .setMakeDirectory(MakeDirectory.newBuilder().addPath("d" + i)).build());
            }
            a.send(GatewayMessage.newBuilder().setCommit(CommitBatch.newBuilder().addAllOperations(ops)).build());
            assertEquals(300, a.next(KindCase.COMMIT_ACK).getCommitAck().getAckedPosition());
        }
        try (TestGateway late = new TestGateway(as("Late"), "gw-j")) {
            late.send(GatewayMessage.newBuilder().setHello(io.tributary.proto.v1.Hello.newBuilder().setGatewayId("gw-j")
                    .setBranch("Late").addShares(io.tributary.proto.v1.ShareCursor.newBuilder().setShare("s6").setRevision(100)))
                    .build());
            late.next(KindCase.WELCOME);
            for (long revision = 101; revision <= 300; revision++) {
                assertEquals(revision, late.next(KindCase.CHANGE).getChange().getRevision());
            }
        }
    }

    @Test
    void theFirstMessageMustBeHello() throws Exception {
        try (TestGateway g = new TestGateway(channel, "gw-e")) {
            g.send(need(1, TestGateway.id(1)));
            Status status = g.ended();
            assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode());
            assertTrue(status.getDescription().contains("Hello"), status.getDescription());
        }
        assertRefused(Status.Code.INVALID_ARGUMENT, g -> g.send(GatewayMessage.newBuilder()
                .setHello(io.tributary.proto.v1.Hello.newBuilder().setGatewayId(g.id)).build()));
        try (TestGateway g = new TestGateway(channel, "central")) {
            g.send(GatewayMessage.newBuilder().setHello(io.tributary.proto.v1.Hello.newBuilder().setGatewayId("central")).build());
            assertEquals(Status.Code.INVALID_ARGUMENT, g.ended().getCode());
        }
    }

    @Test
    void badBatchesAreRefusedAndChangeNothing() throws Exception {
        assertRefused(Status.Code.INVALID_ARGUMENT, g -> g.send(commit(put(1, "s3", "a/../b", 7))));
        assertRefused(Status.Code.INVALID_ARGUMENT, g -> g.send(commit(put(1, "s3", "ok.txt", 7), put(2, "s3", "bad\u0001name", 7))));
        assertRefused(Status.Code.FAILED_PRECONDITION, g -> g.send(commit(put(1, "s3", "missing-chunk.txt", 99))));
        assertRefused(Status.Code.RESOURCE_EXHAUSTED, g -> {
            List<Operation> ops = new ArrayList<>();
            for (int i = 0; i < 1025; i++) {
                ops.add(Operation.newBuilder().setPosition(i + 1).setShare("s3")
                        .setMakeDirectory(MakeDirectory.newBuilder().addPath("d" + i)).build());
            }
            g.send(GatewayMessage.newBuilder().setCommit(CommitBatch.newBuilder().addAllOperations(ops)).build());
        });
        assertRefused(Status.Code.RESOURCE_EXHAUSTED, g -> {
            ByteString[] ids = new ByteString[4097];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = TestGateway.id(i);
            }
            g.send(need(1, ids));
        });
        assertRefused(Status.Code.RESOURCE_EXHAUSTED, g -> g.send(GatewayMessage.newBuilder().setChunk(ChunkPayload.newBuilder()
                .setChunkId(TestGateway.id(8)).setSealed(ByteString.copyFrom(new byte[(1 << 20) + 65]))).build()));
        assertRefused(Status.Code.INVALID_ARGUMENT, g -> g.send(GatewayMessage.newBuilder().setChunk(ChunkPayload.newBuilder()
                .setChunkId(ByteString.copyFrom(new byte[31])).setSealed(ByteString.copyFrom(new byte[10]))).build()));
        // Nothing was applied: the share does not exist at central.
        assertEquals(404, get("/api/v1/shares/s3/files").statusCode());
    }

    @Test
    void deltasAreKeptWithTheirBasesUpToTheDepthLimit() throws Exception {
        try (TestGateway g = new TestGateway(as("Delta"), "gw-delta")) {
            g.hello("Delta", "s-delta");
            g.send(chunk(60));
            // A chain 60 <- 61 <- 62 <- 63 <- 64: 64 is as deep as central allows, so nothing builds on it.
            for (int seed = 61; seed <= 64; seed++) {
                g.send(delta(seed, seed - 1));
            }
            g.send(GatewayMessage.newBuilder().setNeedQuery(NeedQuery.newBuilder().setQueryId(1)
                    .addChunkIds(TestGateway.id(64)).addChunkIds(TestGateway.id(65))
                    .addDeltaBases(TestGateway.id(60)).addDeltaBases(TestGateway.id(63))
                    .addDeltaBases(TestGateway.id(64)).addDeltaBases(TestGateway.id(66))).build());
            var answer = g.next(KindCase.NEED_ANSWER).getNeedAnswer();
            assertEquals(List.of(TestGateway.id(65)), answer.getMissingList());
            assertEquals(List.of(TestGateway.id(60), TestGateway.id(63)), answer.getUsableBasesList(),
                    "a base too deep or absent is not usable");
            g.send(commit(put(1, "s-delta", "f.bin", 60, 64)));
            assertEquals(1, g.next(KindCase.COMMIT_ACK).getCommitAck().getAckedPosition());
        }
        Iterator<ChunkPayload> fetched = IngestGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .fetchChunks(FetchChunksRequest.newBuilder().addChunkIds(TestGateway.id(62)).addChunkIds(TestGateway.id(60)).build());
        ChunkPayload d = fetched.next();
        assertEquals(List.of(TestGateway.id(61)), d.getDeltaBasesList(), "a delta comes back with its bases");
        assertArrayEquals(sealed(62), d.getSealed().toByteArray());
        assertEquals(0, fetched.next().getDeltaBasesCount(), "a whole chunk has none");

        assertRefused(Status.Code.FAILED_PRECONDITION, g -> g.send(delta(70, 64)));
        assertRefused(Status.Code.FAILED_PRECONDITION, g -> g.send(delta(71, 99)));
    }

    @Test
    void anEditOfAVersionCentralLacksEndsTheSessionAndChangesNothing() throws Exception {
        assertRefused(Status.Code.FAILED_PRECONDITION, g -> {
            g.send(chunk(80));
            Operation edit = put(1, "s3", "edited.bin", 80).toBuilder().setPutFile(put(1, "s3", "edited.bin", 80).getPutFile()
                    .toBuilder().setBase(Version.newBuilder().setGatewayId("gw-nobody").setPosition(5))
                    .setEdit(ManifestEdit.newBuilder().setBaseChunks(1).addHunks(Hunk.newBuilder().setBaseStart(0).setBaseCount(1).setNewCount(1)))).build();
            g.send(commit(edit));
        });
        assertEquals(404, get("/api/v1/shares/s3/files").statusCode());
    }

    private static GatewayMessage delta(int seed, int base) {
        return GatewayMessage.newBuilder().setChunk(ChunkPayload.newBuilder().setChunkId(TestGateway.id(seed))
                .setSealed(ByteString.copyFrom(sealed(seed))).addDeltaBases(TestGateway.id(base))).build();
    }

    @Test
    void chunksASessionSentBeforeItEndedAreKeptForTheNextOne() throws Exception {
        try (TestGateway g = new TestGateway(as("Unused"), "gw-u")) {
            g.hello("Unused", "s-unused");
            g.send(chunk(41));
            g.send(need(1, TestGateway.id(41)));
            assertEquals(0, g.next(KindCase.NEED_ANSWER).getNeedAnswer().getMissingCount(), "staged counts as here");
        }
        try (TestGateway g = new TestGateway(as("Unused"), "gw-u")) {
            g.hello("Unused", "s-unused");
            g.send(need(2, TestGateway.id(41)));
            assertEquals(0, g.next(KindCase.NEED_ANSWER).getNeedAnswer().getMissingCount(),
                    "an interrupted upload resumes from the chunks already sent");
        }
    }

    @Test
    void fetchChunksInOrderAndNotFound() throws Exception {
        try (TestGateway g = new TestGateway(as("Fetch"), "gw-f")) {
            g.hello("Fetch", "s4");
            g.send(chunk(21));
            g.send(chunk(22));
            g.send(need(1, TestGateway.id(21), TestGateway.id(22)));
            assertEquals(0, g.next(KindCase.NEED_ANSWER).getNeedAnswer().getMissingCount());
            // Uploaded chunks become durable and fetchable with the commit that follows them.
            g.send(commit(put(1, "s4", "f.bin", 21, 22)));
            g.next(KindCase.COMMIT_ACK);
        }
        IngestGrpc.IngestBlockingStub stub = IngestGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        Iterator<ChunkPayload> ok = stub.fetchChunks(FetchChunksRequest.newBuilder()
                .addChunkIds(TestGateway.id(22)).addChunkIds(TestGateway.id(21)).build());
        assertEquals(TestGateway.id(22), ok.next().getChunkId());
        ChunkPayload second = ok.next();
        assertEquals(TestGateway.id(21), second.getChunkId());
        assertArrayEquals(sealed(21), second.getSealed().toByteArray());
        assertFalse(ok.hasNext());

        Iterator<ChunkPayload> missing = IngestGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .fetchChunks(FetchChunksRequest.newBuilder().addChunkIds(TestGateway.id(21)).addChunkIds(TestGateway.id(23)).build());
        assertEquals(TestGateway.id(21), missing.next().getChunkId());
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, missing::hasNext);
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    }

    @Test
    void adminApiListsVersionsAndRestoresThroughTheFeed() throws Exception {
        try (TestGateway a = new TestGateway(as("Kyiv"), "gw-g"); TestGateway b = new TestGateway(as("Riga"), "gw-h")) {
            a.hello("Kyiv", "s5");
            b.hello("Riga", "s5");
            a.send(chunk(31));
            a.send(chunk(32));
            a.send(commit(put(1, "s5", "dir/r.txt", 31)));
            a.next(KindCase.COMMIT_ACK);
            a.send(commit(put(2, "s5", "dir/r.txt", 32).toBuilder().setPutFile(put(2, "s5", "dir/r.txt", 32).getPutFile().toBuilder()
                    .setBase(io.tributary.proto.v1.Version.newBuilder().setGatewayId("gw-g").setPosition(1))).build()));
            assertEquals(Outcome.APPLIED, a.next(KindCase.COMMIT_ACK).getCommitAck().getResults(0).getOutcome());
            assertEquals(1, b.next(KindCase.CHANGE).getChange().getRevision());
            assertEquals(2, b.next(KindCase.CHANGE).getChange().getRevision());

            HttpResponse<String> files = get("/api/v1/shares/s5/files?path=dir");
            assertEquals(200, files.statusCode());
            assertTrue(files.body().contains("\"name\":\"r.txt\""), files.body());
            HttpResponse<String> versions = get("/api/v1/shares/s5/versions?path=dir/r.txt");
            assertEquals(200, versions.statusCode());
            assertTrue(versions.body().contains("\"revision\":1") && versions.body().contains("\"revision\":2"), versions.body());

            HttpResponse<String> restored = post("/api/v1/shares/s5/restore", "{\"path\":\"dir/r.txt\",\"revision\":1}");
            assertEquals(200, restored.statusCode(), restored.body());
            assertTrue(restored.body().contains("\"revision\":3"), restored.body());
            // Both gateways get the restore: it comes from central.
            ShareChange toA = a.next(KindCase.CHANGE).getChange();
            assertEquals("central", toA.getOriginGateway());
            assertEquals(TestGateway.id(31), toA.getOperation().getPutFile().getChunks(0).getId());
            assertEquals(3, b.next(KindCase.CHANGE).getChange().getRevision());

            HttpResponse<String> folder = post("/api/v1/shares/s5/restore-folder", "{\"path\":\"dir\",\"atMillis\":0}");
            assertEquals(200, folder.statusCode(), folder.body());
            assertEquals(404, get("/api/v1/shares/s5/files?path=dir/r.txt").statusCode());
            assertEquals(KindCase.CHANGE, b.next().getKindCase());

            assertEquals(400, post("/api/v1/shares/s5/restore", "{\"path\":\"dir/r.txt\"").statusCode());
            assertEquals(400, post("/api/v1/shares/s5/restore", "{\"path\":\"dir/r.txt\",\"revision\":\"one\"}").statusCode());
            assertEquals(400, post("/api/v1/shares/s5/restore", "{\"path\":\"../x\",\"revision\":1}").statusCode());
            assertEquals(404, post("/api/v1/shares/s5/restore", "{\"path\":\"dir/r.txt\",\"revision\":77}").statusCode());
            assertEquals(404, get("/api/v1/shares/nope/files").statusCode());
            assertEquals(404, get("/api/v1/shares/s5/versions?path=never.txt").statusCode());
            HttpResponse<String> bad = get("/api/v1/shares/s5/files?path=a%00b");
            assertEquals(400, bad.statusCode());
            assertTrue(bad.body().startsWith("{\"error\":"), bad.body());
            assertEquals(200, get("/health/ready").statusCode());
        }
    }

    // --- helpers ---

    private interface Refusal {
        void provoke(TestGateway g) throws Exception;
    }

    private static int refusals;

    private static void assertRefused(Status.Code code, Refusal refusal) throws Exception {
        try (TestGateway g = new TestGateway(as("Bad"), "gw-bad-" + (++refusals))) {
            g.hello("Bad", "s3");
            refusal.provoke(g);
            Status status = g.ended();
            assertEquals(code, status.getCode(), String.valueOf(status.getDescription()));
        }
    }

    static byte[] sealed(int seed) {
        byte[] b = new byte[100];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (seed + i);
        }
        return b;
    }

    private static GatewayMessage chunk(int seed) {
        return GatewayMessage.newBuilder().setChunk(ChunkPayload.newBuilder().setChunkId(TestGateway.id(seed))
                .setSealed(ByteString.copyFrom(sealed(seed)))).build();
    }

    private static GatewayMessage need(long query, ByteString... ids) {
        return GatewayMessage.newBuilder().setNeedQuery(NeedQuery.newBuilder().setQueryId(query).addAllChunkIds(List.of(ids))).build();
    }

    private static Operation put(long position, String share, String path, int... chunkSeeds) {
        PutFile.Builder put = PutFile.newBuilder().addAllPath(List.of(path.split("/"))).setSize(100L * chunkSeeds.length);
        for (int seed : chunkSeeds) {
            put.addChunks(ChunkRef.newBuilder().setId(TestGateway.id(seed)).setLength(100));
        }
        return Operation.newBuilder().setPosition(position).setShare(share).setModifiedMillis(1_700_000_000_000L).setPutFile(put).build();
    }

    private static GatewayMessage commit(Operation... ops) {
        return GatewayMessage.newBuilder().setCommit(CommitBatch.newBuilder().addAllOperations(List.of(ops))).build();
    }

    private static double metric(String name) throws Exception {
        for (String line : get("/metrics").body().split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).strip());
            }
        }
        throw new AssertionError("no metric " + name);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + central.httpPort() + path))
                .header("Cookie", adminCookie).timeout(java.time.Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + central.httpPort() + path))
                .timeout(java.time.Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .header("Cookie", adminCookie).header("X-CSRF-Token", adminCsrf)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
