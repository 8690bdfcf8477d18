package io.tributary.gateway.lanapi;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.tributary.gateway.auth.Principal;
import io.tributary.gateway.auth.ShareAccess;
import io.tributary.gateway.chunk.CacheFullException;
import io.tributary.gateway.chunk.ChunkHasher;
import io.tributary.gateway.chunk.ChunkStore;
import io.tributary.gateway.delta.BlockDelta;
import io.tributary.gateway.delta.BlockSignatures;
import io.tributary.gateway.delta.DeltaWire;
import io.tributary.gateway.journal.ManifestEdit;
import io.tributary.gateway.journal.ChunkRef;
import io.tributary.gateway.observe.GatewayMetrics;
import io.tributary.gateway.share.ShareNamespace;
import io.tributary.gateway.share.SharePath;
import io.tributary.proto.ChunkId;
import io.tributary.proto.v1.ChunkData;
import io.tributary.proto.v1.ChunkDigest;
import io.tributary.proto.v1.FileEntry;
import io.tributary.proto.v1.Missing;
import io.tributary.proto.v1.WriteBegin;
import io.tributary.proto.v1.WriteFailed;
import io.tributary.proto.v1.WriteRequest;
import io.tributary.proto.v1.WriteResponse;
import io.tributary.proto.v1.WriteResponses;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One Write call, carrying one file or many. Per file the client names its chunks by SHA-256,
 * the gateway answers with those it lacks, stores each as it arrives (checked against its
 * digest), and once the file is committed and complete hands it to the committer. The committer
 * writes every file that is ready with one wait for the disk and answers them, while this call
 * goes on taking the next files' chunks. gRPC delivers one request at a time; what the committer
 * shares with the request side is guarded by this object's monitor, and {@link #out} by its own.
 */
final class WriteCall implements StreamObserver<WriteRequest> {
    static final int MAX_CHUNKS = 1 << 20;
    static final int MAX_CHUNK_BYTES = 1 << 20;
    /** Files begun and not yet answered, per call: bounds what a client can make the gateway hold. */
    static final int MAX_OPEN_FILES = 1024;
    /** Blocks of old bytes a changed chunk may copy; rsync's order of size for files this big. */
    static final int DELTA_BLOCK = 2048;
    /** Old bytes one call holds at most as delta bases while their chunks are under way. */
    static final long MAX_BASE_BYTES = 64L << 20;
    /** Requests one WriteRequests batch may hold. */
    static final int MAX_BATCH = 4096;
    /** How long a client turned away for want of budget waits before it begins the file again. */
    static final int RETRY_AFTER_MILLIS = 250;
    /** Answers are sent as soon as this many bytes of them wait, else when a round ends. */
    private static final int OUTBOX_FLUSH_BYTES = 1 << 20;

    private final FileServiceEndpoint files;
    private final ChunkStore chunks;
    private final ParkedChunks parked;
    private final OpenFileBudget budget;
    private final GatewayMetrics metrics;
    private final StreamObserver<WriteResponse> out;
    private final ChunkHasher hasher;
    private final MessageDigest sha256;
    private final long maxFileBytes;
    /** The caller, for lock checks made by the committer, which runs outside the call's context. */
    private final String user = CallerCredentials.USER.get();
    private final Principal caller = CallerCredentials.PRINCIPAL.get();
    private final String address = CallerCredentials.ADDRESS.get();

    /** Files begun and not yet handed to the committer, by tag. */
    private final Map<Integer, OpenFile> open = new HashMap<>();
    /** Digests asked for and not yet here, to the files waiting for them. */
    private final Map<ByteString, Awaited> awaited = new HashMap<>();
    /** Every digest this call asked for: a late or second copy of one is dropped, not an error. */
    private final AskedDigests asked = new AskedDigests();
    /** Old bytes this call has read to offer as delta bases; past {@link #MAX_BASE_BYTES} it offers none. */
    private long baseBytes;

    // Guarded by this: the committer's queue and the call's end.
    private final List<OpenFile> ready = new ArrayList<>();
    private boolean committing;
    private int unanswered;
    private boolean halfClosed;
    private boolean ended;

    // Guarded by out: answers made and not yet sent, sent together at the end of each round.
    private final List<WriteResponse> outbox = new ArrayList<>();
    private int outboxBytes;

    WriteCall(FileServiceEndpoint files, ChunkStore chunks, ParkedChunks parked, OpenFileBudget budget, GatewayMetrics metrics,
              long maxFileBytes, StreamObserver<WriteResponse> out) {
        this.maxFileBytes = maxFileBytes;
        this.budget = budget;
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

    /** A file of this call from its WriteBegin until it is answered. */
    private static final class OpenFile {
        final int tag;
        final ShareNamespace share;
        final SharePath path;
        final WriteBegin begin;
        final List<ChunkRef> manifest;
        /** One pin per distinct chunk held so far: those present at begin, then those that arrived. */
        final List<ChunkRef> pins = new ArrayList<>();
        /** The pins of chunks this file stored itself: kept a while if the file never commits. */
        final List<ChunkRef> stored = new ArrayList<>();
        final Set<ByteString> outstanding = new LinkedHashSet<>();
        boolean commitAsked;
        /** What this file holds of the gateway-wide budget; 0 once given back. */
        long weight;

        OpenFile(int tag, ShareNamespace share, SharePath path, WriteBegin begin, List<ChunkRef> manifest) {
            this.tag = tag;
            this.share = share;
            this.path = path;
            this.begin = begin;
            this.manifest = manifest;
        }
    }

    /** Gives back the file's share of the budget, once; by whichever side holds the file. */
    private void unbudget(OpenFile f) {
        if (f.weight > 0) {
            budget.give(f.weight);
            f.weight = 0;
        }
    }

    /**
     * A chunk asked for: the id and length it must have, the files that lack it, and the old bytes
     * it may come as a delta against (null: none) with their signatures as sent.
     */
    private record Awaited(ChunkRef ref, List<OpenFile> files, byte[] base, io.tributary.proto.v1.BlockSignatures.Builder signatures) {
    }

    @Override
    public void onNext(WriteRequest request) {
        if (isEnded()) {
            return;
        }
        try {
            if (request.hasBatch()) {
                List<WriteRequest> batch = request.getBatch().getRequestsList();
                if (batch.size() > MAX_BATCH) {
                    throw invalid("a batch holds at most " + MAX_BATCH + " requests, this one " + batch.size());
                }
                for (WriteRequest r : batch) {
                    take(r);
                }
            } else {
                take(request);
            }
            flushOut();
        } catch (StatusRuntimeException e) {
            failCall(e);
        } catch (CacheFullException e) {
            failCall(Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
        } catch (IOException e) {
            failCall(Status.UNAVAILABLE.withDescription("cannot store a chunk: " + e.getMessage()).asRuntimeException());
        } catch (RuntimeException e) {
            failCall(FileServiceEndpoint.status(e));
        }
    }

    private void take(WriteRequest request) throws IOException {
        switch (request.getKindCase()) {
            case BEGIN -> begin(request.getTag(), request.getBegin());
            case CHUNK -> chunk(request.getChunk());
            case COMMIT -> commit(request.getTag());
            case BATCH -> throw invalid("a batch within a batch");
            case KIND_NOT_SET -> throw invalid("a WriteRequest without a kind");
        }
    }

    private void begin(int tag, WriteBegin b) throws IOException {
        if (open.containsKey(tag)) {
            throw invalid("tag " + tag + " names a file of this call that is not answered yet");
        }
        synchronized (this) {
            if (unanswered >= MAX_OPEN_FILES) {
                throw Status.RESOURCE_EXHAUSTED.withDescription("at most " + MAX_OPEN_FILES
                        + " files of one call may wait for an answer; wait for some").asRuntimeException();
            }
            unanswered++;
        }
        OpenFile file;
        try {
            file = opened(tag, b);
        } catch (RuntimeException e) {
            StatusRuntimeException refused = FileServiceEndpoint.status(e);
            files.audit(user, address, "file.write", FileServiceEndpoint.target(b.getShare(), b.getPath()), FileServiceEndpoint.outcome(refused));
            answer(tag, failure(refused));
            return;
        }
        long weight = OpenFileBudget.weightOf(b.getChunksCount());
        if (!budget.tryTake(weight)) {
            // Not a refusal of the file: no audit record, and the client begins it again shortly.
            metrics.lanWritesDeferred.inc();
            answer(tag, WriteResponse.newBuilder().setFailed(WriteFailed.newBuilder().setCode(Status.Code.RESOURCE_EXHAUSTED.value())
                    .setMessage("the gateway holds as many files under way as it may; begin this one again shortly")
                    .setRetryAfterMillis(RETRY_AFTER_MILLIS)));
            return;
        }
        file.weight = weight;
        open.put(tag, file);
        Map<ChunkId, List<ChunkId>> replaces = replacedBy(file);
        Map<ChunkId, Boolean> seen = new HashMap<>();
        Missing.Builder lacking = Missing.newBuilder();
        boolean anyBase = false;
        for (int i = 0; i < file.manifest.size(); i++) {
            ChunkRef ref = file.manifest.get(i);
            if (seen.putIfAbsent(ref.id(), Boolean.TRUE) != null) {
                continue;
            }
            ByteString digest = b.getChunks(i).getSha256();
            Awaited wait = awaited.get(digest);
            if (wait == null && chunks.pinIfKnown(ref.id())) {
                file.pins.add(ref);
                metrics.lanBytesDeduplicated.inc(ref.length());
                continue;
            }
            if (wait != null) {
                // Asked of another file of this call already: when it comes, it serves both.
                wait.files().add(file);
            } else {
                byte[] base = baseOf(replaces.getOrDefault(ref.id(), List.of()));
                wait = new Awaited(ref, new ArrayList<>(List.of(file)), base, base == null ? null
                        : DeltaWire.toWire(BlockSignatures.of(base, DELTA_BLOCK)));
                awaited.put(digest, wait);
                asked.add(digest);
            }
            file.outstanding.add(digest);
            lacking.addSha256(digest);
            lacking.addBases(wait.signatures() == null ? io.tributary.proto.v1.BlockSignatures.newBuilder() : wait.signatures());
            anyBase |= wait.signatures() != null;
        }
        if (!anyBase) {
            lacking.clearBases();
        }
        if (b.getCommit()) {
            file.commitAsked = true;
            if (file.outstanding.isEmpty()) {
                toCommitter(file);   // nothing to send: the answer is Written
                return;
            }
        }
        send(WriteResponse.newBuilder().setTag(tag).setMissing(lacking).build());
    }

    /** The file a WriteBegin describes, checked; throws if it cannot be written. */
    private OpenFile opened(int tag, WriteBegin b) {
        ShareNamespace share = files.share(b.getShare(), ShareAccess.Level.WRITE, caller);
        SharePath path = FileServiceEndpoint.path(b.getPath());
        if (path.isRoot()) {
            throw invalid("a file needs a name");
        }
        // Refused before any chunk crosses.
        ShareNamespace.checkNewName(path);
        FileServiceEndpoint.unlocked(share, path, false, user);
        if (b.getChunksCount() > MAX_CHUNKS) {
            throw Status.RESOURCE_EXHAUSTED.withDescription("a file has at most " + MAX_CHUNKS + " chunks").asRuntimeException();
        }
        long total = 0;
        List<ChunkRef> manifest = new ArrayList<>(b.getChunksCount());
        for (ChunkDigest c : b.getChunksList()) {
            if (c.getSha256().size() != ChunkHasher.DIGEST_LENGTH) {
                throw invalid("a chunk digest is a " + ChunkHasher.DIGEST_LENGTH + "-byte SHA-256, got " + c.getSha256().size() + " bytes");
            }
            if (c.getLength() < 1 || c.getLength() > MAX_CHUNK_BYTES) {
                throw invalid("a chunk is 1 to " + MAX_CHUNK_BYTES + " bytes, got " + c.getLength());
            }
            total += c.getLength();
            manifest.add(new ChunkRef(hasher.idOf(c.getSha256().toByteArray()), c.getLength()));
        }
        if (total > maxFileBytes) {
            throw Status.RESOURCE_EXHAUSTED.withDescription("a file is at most " + maxFileBytes + " bytes here, this one "
                    + total).asRuntimeException();
        }
        return new OpenFile(tag, share, path, b, manifest);
    }

    /**
     * For a file that replaces one at its path, each new chunk of the edit to the old chunks it
     * overlaps (see {@link ManifestEdit#basesFor}); empty for a new file.
     */
    private static Map<ChunkId, List<ChunkId>> replacedBy(OpenFile file) {
        if (file.begin.hasIfEtag() && file.begin.getIfEtag().isEmpty()) {
            return Map.of();   // only if nothing is there: no namespace lookup for every new small file
        }
        List<ChunkRef> old = file.share.chunksOf(file.path);
        ManifestEdit edit = old.isEmpty() ? null : ManifestEdit.between(old, file.manifest);
        if (edit == null) {
            return Map.of();
        }
        List<ChunkRef> fresh = edit.newChunks(file.manifest);
        List<List<ChunkId>> bases = edit.basesFor(fresh);
        Map<ChunkId, List<ChunkId>> out = new HashMap<>();
        for (int i = 0; i < fresh.size(); i++) {
            out.putIfAbsent(fresh.get(i).id(), bases.get(i));
        }
        return out;
    }

    /** Stops waiting for a chunk, and frees the old bytes held for it. */
    private void forget(ByteString digest) {
        Awaited wait = awaited.remove(digest);
        if (wait != null && wait.base() != null) {
            baseBytes -= wait.base().length;
        }
    }

    /** The old chunks' bytes, one after the other; null if there are none or some is not here. */
    private byte[] baseOf(List<ChunkId> ids) throws IOException {
        if (ids.isEmpty() || baseBytes >= MAX_BASE_BYTES) {
            return null;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (ChunkId id : ids) {
            byte[] plain = chunks.readIfStored(id);
            if (plain == null) {
                return null;
            }
            out.writeBytes(plain);
        }
        byte[] base = out.toByteArray();
        if ((long) base.length > (long) BlockSignatures.MAX_BLOCKS * DELTA_BLOCK) {
            return null;
        }
        baseBytes += base.length;
        return base;
    }


    /** A chunk's bytes as sent: whole, or rebuilt from its delta; null (with the reason) if neither fits. */
    private static byte[] bytesOf(ChunkData c, Awaited wait, String[] wrong) {
        if (c.getDeltaCount() == 0) {
            return c.getData().toByteArray();
        }
        if (wait.base() == null || !c.getData().isEmpty()) {
            wrong[0] = wait.base() == null ? "a delta for a chunk the gateway offered no old bytes for"
                    : "a chunk with both bytes and a delta";
            return null;
        }
        try {
            return BlockDelta.apply(wait.base(), DELTA_BLOCK, DeltaWire.fromWire(c.getDeltaList()), wait.ref().length());
        } catch (IllegalArgumentException e) {
            wrong[0] = e.getMessage();
            return null;
        }
    }

    private void chunk(ChunkData c) throws IOException {
        ByteString digest = c.getSha256();
        Awaited wait = awaited.get(digest);
        if (wait == null) {
            if (asked.mightContain(digest)) {
                return;   // sent for two files at once, or for one that failed meanwhile
            }
            throw invalid("a chunk the gateway did not ask for");
        }
        forget(digest);
        ChunkRef ref = wait.ref();
        String[] why = {null};
        byte[] data = bytesOf(c, wait, why);
        String wrong = data == null ? why[0]
                : data.length != ref.length() ? "a chunk of " + data.length + " bytes where WriteBegin said " + ref.length()
                : !MessageDigest.isEqual(sha256.digest(data), digest.toByteArray()) ? "a chunk's bytes do not match its SHA-256"
                : null;
        if (wrong != null) {
            // Most likely the file changed while the client read it: those files fail, the call goes on.
            for (OpenFile f : wait.files()) {
                failFile(f, Status.INVALID_ARGUMENT.withDescription(wrong).asRuntimeException());
            }
            return;
        }
        if (c.getDeltaCount() > 0) {
            metrics.lanDeltaChunks.inc();
            metrics.lanBytesIn.inc(c.getSerializedSize() - c.getSha256().size());
        } else {
            metrics.lanBytesIn.inc(data.length);
        }
        boolean first = true;
        for (OpenFile f : wait.files()) {
            if (first) {
                ChunkRef kept = chunks.storeCut(ref.id(), data);
                f.pins.add(kept);
                f.stored.add(kept);
                first = false;
            } else if (chunks.pinIfKnown(ref.id())) {
                f.pins.add(ref);
            } else {
                failFile(f, Status.UNAVAILABLE.withDescription("a chunk was lost while the file was written").asRuntimeException());
                continue;
            }
            f.outstanding.remove(digest);
            if (f.commitAsked && f.outstanding.isEmpty()) {
                toCommitter(f);
            }
        }
    }

    private void commit(int tag) {
        OpenFile f = open.get(tag);
        if (f == null || f.commitAsked) {
            return;   // answered already (it failed), or asked twice: nothing to do
        }
        f.commitAsked = true;
        if (f.outstanding.isEmpty()) {
            toCommitter(f);
        }
        // Otherwise its last chunk is still under way, sent for another file of this call.
    }

    private void toCommitter(OpenFile f) {
        open.remove(f.tag);
        boolean start;
        synchronized (this) {
            ready.add(f);
            start = !committing;
            committing = true;
        }
        if (start) {
            Thread.ofVirtual().name("lan-commit").start(this::commitReady);
        }
    }

    /** The committer: writes whatever is ready, one disk wait per round, until nothing is. */
    private void commitReady() {
        while (true) {
            List<OpenFile> batch;
            synchronized (this) {
                if (ready.isEmpty()) {
                    committing = false;
                    break;
                }
                batch = new ArrayList<>(ready);
                ready.clear();
            }
            commitBatch(batch);
            flushOut();
        }
        endIfDone();
    }

    private void commitBatch(List<OpenFile> batch) {
        try {
            commitAll(batch);
        } finally {
            for (OpenFile f : batch) {
                unbudget(f);
            }
        }
    }

    private void commitAll(List<OpenFile> batch) {
        try {
            // Payloads before the journal entry that names them, so a crash cannot keep the entry alone.
            chunks.syncPayloads();
        } catch (RuntimeException e) {
            for (OpenFile f : batch) {
                drop(f, FileServiceEndpoint.status(e));
            }
            return;
        }
        List<OpenFile> writable = new ArrayList<>(batch.size());
        for (OpenFile f : batch) {
            try {
                // A WebDAV lock may have come since the file began.
                FileServiceEndpoint.unlocked(f.share, f.path, false, user);
                writable.add(f);
            } catch (RuntimeException e) {
                drop(f, FileServiceEndpoint.status(e));
            }
        }
        Map<ShareNamespace, List<OpenFile>> byShare = new LinkedHashMap<>();
        for (OpenFile f : writable) {
            byShare.computeIfAbsent(f.share, s -> new ArrayList<>()).add(f);
        }
        for (Map.Entry<ShareNamespace, List<OpenFile>> group : byShare.entrySet()) {
            List<ShareNamespace.ChunkWrite> writes = new ArrayList<>();
            for (OpenFile f : group.getValue()) {
                long millis = f.begin.getModifiedMillis();
                writes.add(new ShareNamespace.ChunkWrite(f.path, f.manifest, List.copyOf(f.pins),
                        millis > 0 ? Instant.ofEpochMilli(millis) : null, f.begin.hasIfEtag() ? f.begin.getIfEtag() : null));
                // From here the namespace owns the pins, whether the write succeeds or not.
                f.pins.clear();
                f.stored.clear();
            }
            List<ShareNamespace.ChunkWritten> outcomes;
            try {
                outcomes = group.getKey().writeChunks(writes);
            } catch (RuntimeException e) {
                for (OpenFile f : group.getValue()) {
                    answer(f, failure(FileServiceEndpoint.status(e)));
                }
                continue;
            }
            for (int i = 0; i < outcomes.size(); i++) {
                OpenFile f = group.getValue().get(i);
                ShareNamespace.ChunkWritten o = outcomes.get(i);
                if (o.refusal() == null) {
                    FileEntry entry = FileServiceEndpoint.entry(f.share, f.path, o.result().entry());
                    files.audit(user, address, "file.write", FileServiceEndpoint.target(f.share.name(), f.path.toString()), "OK, " + entry.getSize() + " bytes");
                    answer(f.tag, WriteResponse.newBuilder().setWritten(entry));
                } else {
                    answer(f, failure(FileServiceEndpoint.status(o.refusal())));
                }
            }
        }
    }

    /** Answers a file of the request side that will not be written. */
    private void failFile(OpenFile f, StatusRuntimeException why) {
        detach(f);
        open.remove(f.tag);
        drop(f, why);
    }

    /** Answers a file that will not be written; what it stored alone is kept a while for a retry. */
    private void drop(OpenFile f, StatusRuntimeException why) {
        release(f);
        answer(f, failure(why));
    }

    /** Answers a file that was not written, and records the refusal. */
    private void answer(OpenFile f, WriteResponse.Builder failure) {
        WriteFailed failed = failure.getFailed();
        files.audit(user, address, "file.write", FileServiceEndpoint.target(f.share.name(), f.path.toString()),
                Status.fromCodeValue(failed.getCode()).getCode() + ": " + failed.getMessage());
        answer(f.tag, failure);
    }

    /** Takes a file off the chunks it waits for; request side only. */
    private void detach(OpenFile f) {
        for (ByteString digest : f.outstanding) {
            Awaited wait = awaited.get(digest);
            if (wait != null) {
                wait.files().remove(f);
                if (wait.files().isEmpty()) {
                    forget(digest);
                }
            }
        }
        f.outstanding.clear();
    }

    private void release(OpenFile f) {
        unbudget(f);
        parked.park(f.stored);
        List<ChunkRef> others = new ArrayList<>(f.pins);
        others.removeAll(f.stored);
        files.release(others);
        f.pins.clear();
        f.stored.clear();
    }

    private static WriteResponse.Builder failure(StatusRuntimeException e) {
        Status s = e.getStatus();
        return WriteResponse.newBuilder().setFailed(WriteFailed.newBuilder().setCode(s.getCode().value())
                .setMessage(s.getDescription() == null ? s.getCode().name() : s.getDescription()));
    }

    private void answer(int tag, WriteResponse.Builder response) {
        send(response.setTag(tag).build());
        synchronized (this) {
            unanswered--;
        }
    }

    /** Queues an answer; it leaves with the round's others (see {@link #flushOut}). */
    private void send(WriteResponse response) {
        boolean full;
        synchronized (out) {
            outbox.add(response);
            outboxBytes += response.getSerializedSize();
            full = outboxBytes >= OUTBOX_FLUSH_BYTES;
        }
        if (full) {
            flushOut();
        }
    }

    /** Sends the queued answers, as one message if there are several. */
    private void flushOut() {
        synchronized (out) {
            if (outbox.isEmpty()) {
                return;
            }
            WriteResponse message = outbox.size() == 1 ? outbox.getFirst()
                    : WriteResponse.newBuilder().setBatch(WriteResponses.newBuilder().addAllResponses(outbox)).build();
            outbox.clear();
            outboxBytes = 0;
            if (isEnded()) {
                return;
            }
            try {
                out.onNext(message);
            } catch (RuntimeException e) {
                // The call is gone (cancelled by the client): nobody is left to tell.
                synchronized (this) {
                    ended = true;
                }
            }
        }
    }

    @Override
    public void onError(Throwable t) {
        // The client broke off: keep what it sent for a resumed write, drop the rest.
        synchronized (this) {
            ended = true;
        }
        abandonOpen();
    }

    @Override
    public void onCompleted() {
        // Files never committed, or committed without their chunks, cannot be written now.
        for (OpenFile f : List.copyOf(open.values())) {
            failFile(f, Status.FAILED_PRECONDITION.withDescription(f.commitAsked
                    ? f.outstanding.size() + " chunk(s) the gateway asked for never came"
                    : "the call ended before this file's WriteCommit").asRuntimeException());
        }
        synchronized (this) {
            halfClosed = true;
        }
        endIfDone();
    }

    /** Ends the call once the client is done sending and every file is answered. */
    private void endIfDone() {
        synchronized (out) {
            synchronized (this) {
                if (ended || !halfClosed || committing || unanswered > 0) {
                    return;
                }
            }
            flushOut();
            synchronized (this) {
                ended = true;
            }
            out.onCompleted();
        }
    }

    private void failCall(StatusRuntimeException status) {
        synchronized (out) {
            synchronized (this) {
                if (ended) {
                    return;
                }
                ended = true;
            }
            abandonOpen();
            out.onError(status);
        }
    }

    private void abandonOpen() {
        for (OpenFile f : List.copyOf(open.values())) {
            detach(f);
            release(f);
        }
        open.clear();
        awaited.clear();
    }

    private synchronized boolean isEnded() {
        return ended;
    }

    private static StatusRuntimeException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }
}
