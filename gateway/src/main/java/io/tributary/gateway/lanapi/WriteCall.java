package io.tributary.gateway.lanapi;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.tributary.gateway.chunk.CacheFullException;
import io.tributary.gateway.chunk.ChunkHasher;
import io.tributary.gateway.chunk.ChunkStore;
import io.tributary.gateway.journal.ChunkRef;
import io.tributary.gateway.observe.GatewayMetrics;
import io.tributary.gateway.share.ShareException;
import io.tributary.gateway.share.ShareNamespace;
import io.tributary.gateway.share.SharePath;
import io.tributary.gateway.share.WriteResult;
import io.tributary.proto.ChunkId;
import io.tributary.proto.v1.ChunkData;
import io.tributary.proto.v1.ChunkDigest;
import io.tributary.proto.v1.Missing;
import io.tributary.proto.v1.WriteBegin;
import io.tributary.proto.v1.WriteRequest;
import io.tributary.proto.v1.WriteResponse;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One Write call: the client names its chunks by SHA-256, the gateway answers with those it
 * lacks, stores each as it arrives (after checking it against its digest), and commits the file
 * once all are here. gRPC delivers one message at a time, so nothing here is concurrent.
 */
final class WriteCall implements StreamObserver<WriteRequest> {
    static final int MAX_CHUNKS = 1 << 20;
    static final int MAX_CHUNK_BYTES = 1 << 20;

    private final FileServiceEndpoint files;
    private final ChunkStore chunks;
    private final ParkedChunks parked;
    private final GatewayMetrics metrics;
    private final StreamObserver<WriteResponse> out;
    private final ChunkHasher hasher;
    private final MessageDigest sha256;

    private WriteBegin begin;
    private ShareNamespace share;
    private SharePath path;
    private List<ChunkRef> manifest;
    /** Missing digests (as ByteString) to the id and length they must have. */
    private final Map<ByteString, ChunkRef> missing = new LinkedHashMap<>();
    /** Chunks this call holds a pin on: present ones, then the ones it stored. */
    private final List<ChunkRef> pinned = new ArrayList<>();
    private final List<ChunkRef> stored = new ArrayList<>();
    private boolean done;

    private final long maxFileBytes;

    WriteCall(FileServiceEndpoint files, ChunkStore chunks, ParkedChunks parked, GatewayMetrics metrics, long maxFileBytes,
              StreamObserver<WriteResponse> out) {
        this.maxFileBytes = maxFileBytes;
        this.files = files;
        this.chunks = chunks;
        this.parked = parked;
        this.metrics = metrics;
        this.out = out;
        this.hasher = chunks.newHasher();
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    @Override
    public void onNext(WriteRequest request) {
        if (done) {
            return;
        }
        try {
            switch (request.getKindCase()) {
                case BEGIN -> begin(request.getBegin());
                case CHUNK -> chunk(request.getChunk());
                case COMMIT -> commit();
                case KIND_NOT_SET -> throw invalid("a WriteRequest without a kind");
            }
        } catch (ShareException e) {
            fail(ShareStatus.of(e));
        } catch (CacheFullException e) {
            fail(Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
        } catch (IOException e) {
            fail(Status.UNAVAILABLE.withDescription("cannot store a chunk: " + e.getMessage()).asRuntimeException());
        } catch (RuntimeException e) {
            fail(FileServiceEndpoint.status(e));
        }
    }

    private void begin(WriteBegin b) throws IOException {
        if (begin != null) {
            throw invalid("WriteBegin comes once, first");
        }
        share = files.share(b.getShare());
        path = FileServiceEndpoint.path(b.getPath());
        if (path.isRoot()) {
            throw invalid("a file needs a name");
        }
        FileServiceEndpoint.unlocked(share, path, false);
        if (b.getChunksCount() > MAX_CHUNKS) {
            throw Status.RESOURCE_EXHAUSTED.withDescription("a file has at most " + MAX_CHUNKS + " chunks").asRuntimeException();
        }
        long total = 0;
        for (ChunkDigest c : b.getChunksList()) {
            total += Math.max(0, c.getLength());
        }
        if (total > maxFileBytes) {
            throw Status.RESOURCE_EXHAUSTED.withDescription("a file is at most " + maxFileBytes + " bytes here, this one "
                    + total).asRuntimeException();
        }
        manifest = new ArrayList<>(b.getChunksCount());
        Map<ChunkId, Boolean> seen = new HashMap<>();
        Missing.Builder lacking = Missing.newBuilder();
        for (ChunkDigest c : b.getChunksList()) {
            if (c.getSha256().size() != ChunkHasher.DIGEST_LENGTH) {
                throw invalid("a chunk digest is a " + ChunkHasher.DIGEST_LENGTH + "-byte SHA-256, got " + c.getSha256().size() + " bytes");
            }
            if (c.getLength() < 1 || c.getLength() > MAX_CHUNK_BYTES) {
                throw invalid("a chunk is 1 to " + MAX_CHUNK_BYTES + " bytes, got " + c.getLength());
            }
            ChunkRef ref = new ChunkRef(hasher.idOf(c.getSha256().toByteArray()), c.getLength());
            manifest.add(ref);
            if (seen.putIfAbsent(ref.id(), Boolean.TRUE) == null) {
                if (chunks.pinIfKnown(ref.id())) {
                    pinned.add(ref);
                    metrics.lanBytesDeduplicated.inc(ref.length());
                } else {
                    missing.put(c.getSha256(), ref);
                    lacking.addSha256(c.getSha256());
                }
            }
        }
        begin = b;
        out.onNext(WriteResponse.newBuilder().setMissing(lacking).build());
    }

    private void chunk(ChunkData c) throws IOException {
        if (begin == null) {
            throw invalid("WriteBegin comes first");
        }
        ChunkRef ref = missing.get(c.getSha256());
        if (ref == null) {
            throw invalid("a chunk the gateway did not ask for (or sent twice)");
        }
        byte[] data = c.getData().toByteArray();
        if (data.length != ref.length()) {
            throw invalid("chunk of " + data.length + " bytes where WriteBegin said " + ref.length());
        }
        if (!MessageDigest.isEqual(sha256.digest(data), c.getSha256().toByteArray())) {
            throw invalid("a chunk's bytes do not match its SHA-256");
        }
        metrics.lanBytesIn.inc(data.length);
        ChunkRef kept = chunks.storeCut(ref.id(), data);
        stored.add(kept);
        missing.remove(c.getSha256());
    }

    private void commit() {
        if (begin == null) {
            throw invalid("WriteBegin comes first");
        }
        if (!missing.isEmpty()) {
            throw Status.FAILED_PRECONDITION.withDescription(missing.size() + " chunk(s) the gateway asked for never came")
                    .asRuntimeException();
        }
        FileServiceEndpoint.unlocked(share, path, false);
        chunks.syncPayloads();
        List<ChunkRef> pins = new ArrayList<>(pinned);
        pins.addAll(stored);
        pinned.clear();
        stored.clear();
        Instant modified = begin.getModifiedMillis() > 0 ? Instant.ofEpochMilli(begin.getModifiedMillis()) : null;
        // From here the namespace owns the pins, whether the commit succeeds or not.
        WriteResult result = share.writeChunks(path, manifest, pins, modified, begin.hasIfEtag() ? begin.getIfEtag() : null);
        done = true;
        out.onNext(WriteResponse.newBuilder().setWritten(FileServiceEndpoint.entry(share, path, result.entry())).build());
        out.onCompleted();
    }

    @Override
    public void onError(Throwable t) {
        // The client broke off: keep what it sent for a resumed write, drop the rest.
        abandon();
    }

    @Override
    public void onCompleted() {
        if (!done) {
            fail(Status.FAILED_PRECONDITION.withDescription("the client ended the call before WriteCommit").asRuntimeException());
        }
    }

    private void fail(RuntimeException status) {
        if (done) {
            return;
        }
        abandon();
        out.onError(status);
    }

    private void abandon() {
        done = true;
        parked.park(stored);
        files.release(pinned);
        stored.clear();
        pinned.clear();
    }

    private static RuntimeException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }
}
