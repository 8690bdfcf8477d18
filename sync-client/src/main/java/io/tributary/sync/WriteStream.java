package io.tributary.sync;

import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.tributary.proto.v1.ChunkData;
import io.tributary.gateway.delta.BlockDelta;
import io.tributary.gateway.delta.DeltaWire;
import io.tributary.proto.v1.BlockSignatures;
import io.tributary.proto.v1.ChunkDigest;
import io.tributary.proto.v1.Missing;
import io.tributary.proto.v1.FileServiceGrpc;
import io.tributary.proto.v1.WriteBegin;
import io.tributary.proto.v1.WriteRequest;
import io.tributary.proto.v1.WriteRequests;
import io.tributary.proto.v1.WriteResponse;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/**
 * One Write call carrying many files at once: each thread that writes a file sends its begin
 * (asking the gateway to commit once the file is complete), waits for the gateway's answer,
 * sends what is missing, and waits again, while other threads' files travel the same call. What
 * the threads send meanwhile goes out together as one message, and the gateway answers in
 * batches too and commits the files that are ready together, so a small file costs a fraction of
 * a message and of a disk wait. A chunk that several files of the call lack is sent once.
 */
final class WriteStream implements AutoCloseable {
    /** Files in flight at once: well under what the gateway lets one call hold (1,024). */
    static final int IN_FLIGHT = 512;
    private static final long ANSWER_MINUTES = 10;
    /** One message carries at most this many requests (the gateway takes 4,096)... */
    private static final int BATCH_REQUESTS = 1024;
    /** ...and at most this many bytes of requests, well under the gateway's 4 MiB per message with the framing. */
    private static final int BATCH_BYTES = 2 << 20;
    /** Senders wait while this many bytes are queued and not yet handed to the call. */
    private static final int QUEUED_BYTES = 16 << 20;

    private final ClientCallStreamObserver<WriteRequest> requests;
    private final Map<Integer, Pending> pending = new ConcurrentHashMap<>();
    /** Digests some file of this call is sending now (true once sent, false if that file gave up). */
    private final Map<ByteString, CompletableFuture<Boolean>> sending = new ConcurrentHashMap<>();
    private final AtomicInteger tags = new AtomicInteger();
    private final Semaphore slots = new Semaphore(IN_FLIGHT);
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    /** Guards the queue, and is notified when the call can take more or the queue shrinks. */
    private final Object ready = new Object();
    /** Held to use {@link #requests}, which is not thread-safe: by the one drainer, or by close(). */
    private final Object call = new Object();
    private final ArrayDeque<WriteRequest> queue = new ArrayDeque<>();
    private long queuedBytes;
    private boolean draining;
    private final String share;

    /** A file's begin, answered first with what is missing or the outcome, then (if anything was missing) with the outcome. */
    private static final class Pending {
        final CompletableFuture<WriteResponse> first = new CompletableFuture<>();
        final CompletableFuture<WriteResponse> last = new CompletableFuture<>();
        /** When its sender began to wait for an answer (System.nanoTime()), or 0 while it is not waiting. */
        volatile long waitingSince;

        void fail(Throwable t) {
            first.completeExceptionally(t);
            last.completeExceptionally(t);
        }
    }

    /**
     * Fails the answers awaited longer than {@link #ANSWER_MINUTES}. Senders wait without a timeout
     * of their own: a timed wait costs a virtual thread a wake-up of the JDK's timer thread, twice
     * per file, where this looks once every few seconds.
     */
    private static final ScheduledExecutorService PATIENCE = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("write-patience").factory());
    private final Duration patience;

    WriteStream(FileServiceGrpc.FileServiceStub async, String share) {
        this(async, share, Duration.ofMinutes(ANSWER_MINUTES));
    }

    /** As the other constructor, failing an answer awaited longer than {@code patience} (tests shorten it). */
    WriteStream(FileServiceGrpc.FileServiceStub async, String share, Duration patience) {
        this.share = share;
        this.patience = patience;
        Responses responses = new Responses();
        // The answers only complete futures and wake senders: they are handled on the transport's
        // thread as they arrive, not handed to another thread first (one wake-up less per message).
        async.withExecutor(MoreExecutors.directExecutor()).write(responses);
        this.requests = responses.requests;
        long every = Math.max(1, Math.min(5000, patience.toMillis() / 2));
        ScheduledFuture<?> checks = PATIENCE.scheduleWithFixedDelay(this::failOverdue, every, every, TimeUnit.MILLISECONDS);
        ended.whenComplete((ok, failed) -> checks.cancel(false));
    }

    private void failOverdue() {
        long now = System.nanoTime();
        for (Pending p : pending.values()) {
            long since = p.waitingSince;
            if (since != 0 && now - since > patience.toNanos()) {
                p.fail(new IOException("no answer from the gateway within " + (patience.toMillis() % 60_000 == 0
                        ? patience.toMinutes() + " minutes" : patience.toMillis() + " ms")));
            }
        }
    }

    /** False once the call has ended, by failure or close: open another. */
    boolean usable() {
        return !ended.isDone();
    }

    /**
     * Writes the bytes of {@code file}, cut as {@code content} says, to {@code path}; returns once the gateway
     * has it on disk. {@code sent} hears of each chunk sent.
     *
     * @param ifEtag null: unconditional; "": only if absent; else only over that version
     * @throws StatusRuntimeException the gateway's refusal of this file, or the call's failure
     */
    ShareClient.Uploaded write(String path, FileBytes file, FileContent content, String ifEtag, long mtimeMillis, LongConsumer sent)
            throws IOException {
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        try {
            WriteBegin.Builder begin = WriteBegin.newBuilder().setShare(share).setPath(path).addAllChunks(content.chunks())
                    .setModifiedMillis(mtimeMillis).setCommit(true);
            if (ifEtag != null) {
                begin.setIfEtag(ifEtag);
            }
            long retryUntil = System.nanoTime() + TimeUnit.MINUTES.toNanos(ANSWER_MINUTES);
            for (int attempt = 0; ; attempt++) {
                int tag = tags.getAndIncrement();
                Pending p = new Pending();
                pending.put(tag, p);
                try {
                    send(WriteRequest.newBuilder().setTag(tag).setBegin(begin).build());
                    WriteResponse first = await(p, p.first);
                    int retryAfter = first.hasFailed() ? first.getFailed().getRetryAfterMillis() : 0;
                    if (retryAfter > 0 && System.nanoTime() < retryUntil) {
                        // The gateway is full of other files under way: this one is fine, begin it again.
                        pause(retryAfter, attempt);
                        continue;
                    }
                    if (!first.hasMissing()) {
                        return new ShareClient.Uploaded(written(first), 0);
                    }
                    long bytes = sendMissing(file, content, first.getMissing(), sent);
                    return new ShareClient.Uploaded(written(await(p, p.last)), bytes);
                } finally {
                    pending.remove(tag);
                }
            }
        } finally {
            slots.release();
        }
    }

    /** Waits the gateway's time, longer for each refusal in a row (up to 4 s), spread so clients do not come back together. */
    private static void pause(int retryAfterMillis, int attempt) throws IOException {
        long base = Math.min(4000L, (long) retryAfterMillis << Math.min(attempt, 4));
        try {
            Thread.sleep(base / 2 + java.util.concurrent.ThreadLocalRandom.current().nextLong(base + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    /** Sends the chunks asked for that no other file of this call is sending; waits for those that are. */
    private long sendMissing(FileBytes file, FileContent content, Missing missing, LongConsumer sent) throws IOException {
        Map<ByteString, BlockSignatures> wanted = new HashMap<>();
        for (int i = 0; i < missing.getSha256Count(); i++) {
            wanted.put(missing.getSha256(i), i < missing.getBasesCount() ? missing.getBases(i) : null);
        }
        long bytes = 0;
        try (FileBytes.Reader in = file.open()) {
            long offset = 0;
            for (ChunkDigest c : content.chunks()) {
                ByteString digest = c.getSha256();
                if (wanted.containsKey(digest)) {
                    bytes += sendOnce(in, offset, c, wanted.remove(digest), sent);
                }
                offset += c.getLength();
            }
        }
        return bytes;
    }

    /**
     * The chunk as the gateway should get it: a delta against the old bytes it signed, where that
     * is well smaller than the chunk, else whole.
     */
    private static ChunkData.Builder chunkMessage(ChunkDigest c, byte[] data, BlockSignatures base) {
        ChunkData.Builder m = ChunkData.newBuilder().setSha256(c.getSha256());
        if (base != null && base.getBlockSize() > 0) {
            try {
                List<BlockDelta.Op> ops = BlockDelta.encode(data, DeltaWire.fromWire(base));
                if (BlockDelta.cost(ops) < data.length * 3L / 4) {
                    return m.addAllDelta(DeltaWire.toWire(ops));
                }
            } catch (IllegalArgumentException e) {
                // signatures that do not add up: send the chunk whole
            }
        }
        // The array was read for this message alone and is not touched again: no copy.
        return m.setData(UnsafeByteOperations.unsafeWrap(data));
    }

    private long sendOnce(FileBytes.Reader in, long offset, ChunkDigest c, BlockSignatures base, LongConsumer sent) throws IOException {
        while (true) {
            CompletableFuture<Boolean> mine = new CompletableFuture<>();
            CompletableFuture<Boolean> other = sending.putIfAbsent(c.getSha256(), mine);
            if (other == null) {
                boolean done = false;
                try {
                    ChunkData.Builder chunk = chunkMessage(c, in.read(offset, c.getLength()), base);
                    send(WriteRequest.newBuilder().setChunk(chunk).build());
                    long crossed = chunk.getDeltaCount() > 0 ? chunk.build().getSerializedSize() - c.getSha256().size() : c.getLength();
                    sent.accept(c.getLength());
                    done = true;
                    return crossed;
                } finally {
                    // Only sends in flight are shared: once this one is in the call, a file asked for
                    // the same chunk later sends it again, and the gateway drops the second copy.
                    sending.remove(c.getSha256(), mine);
                    mine.complete(done);
                }
            }
            if (awaitSending(other)) {
                return 0;
            }
            // The file that was sending it gave up: take over, unless another file already did.
            sending.remove(c.getSha256(), other);
        }
    }

    private boolean awaitSending(CompletableFuture<Boolean> other) throws IOException {
        try {
            return other.get(ANSWER_MINUTES, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    private static io.tributary.proto.v1.FileEntry written(WriteResponse r) {
        if (r.hasFailed()) {
            throw Status.fromCodeValue(r.getFailed().getCode()).withDescription(r.getFailed().getMessage()).asRuntimeException();
        }
        return r.getWritten();
    }

    private static WriteResponse await(Pending p, CompletableFuture<WriteResponse> answer) throws IOException {
        p.waitingSince = Math.max(1, System.nanoTime());
        try {
            // The call's end fails every pending answer, and failOverdue those awaited too long.
            return answer.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StatusRuntimeException s) {
                throw s;
            }
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        } finally {
            p.waitingSince = 0;
        }
    }

    /**
     * Queues a request for the call. The sender that finds nobody draining the queue drains it,
     * whatever others queued meanwhile included, a batch per message; the rest go back to work.
     */
    private void send(WriteRequest r) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        synchronized (ready) {
            if (ended.isDone()) {
                throw failure();
            }
            queue.add(r);
            queuedBytes += r.getSerializedSize();
            if (draining) {
                while (queuedBytes > QUEUED_BYTES && !ended.isDone()) {
                    waitReady(deadline);
                }
                return;
            }
            draining = true;
        }
        try {
            drain(deadline);
        } finally {
            synchronized (ready) {
                draining = false;
                ready.notifyAll();
            }
        }
    }

    private void drain(long deadline) throws IOException {
        while (true) {
            WriteRequest message;
            synchronized (ready) {
                while (!requests.isReady() && !queue.isEmpty()) {
                    if (ended.isDone()) {
                        throw failure();
                    }
                    waitReady(deadline);
                }
                if (queue.isEmpty()) {
                    return;
                }
                if (ended.isDone()) {
                    throw failure();
                }
                message = takeBatch();
                ready.notifyAll();
            }
            // Outside the queue's lock, so that senders go on queueing while this one is serialized.
            synchronized (call) {
                requests.onNext(message);
            }
            deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        }
    }

    /** Up to a message's worth of the queue, as one request or a batch. Holds {@link #ready}. */
    private WriteRequest takeBatch() {
        WriteRequest head = queue.poll();
        long bytes = head.getSerializedSize();
        if (queue.isEmpty()) {
            queuedBytes -= bytes;
            return head;
        }
        WriteRequests.Builder batch = WriteRequests.newBuilder().addRequests(head);
        while (!queue.isEmpty() && batch.getRequestsCount() < BATCH_REQUESTS
                && bytes + queue.peek().getSerializedSize() <= BATCH_BYTES) {
            WriteRequest next = queue.poll();
            bytes += next.getSerializedSize();
            batch.addRequests(next);
        }
        queuedBytes -= bytes;
        return batch.getRequestsCount() == 1 ? head : WriteRequest.newBuilder().setBatch(batch).build();
    }

    private void waitReady(long deadline) throws IOException {
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

    private RuntimeException failure() {
        try {
            ended.getNow(null);
            return Status.UNAVAILABLE.withDescription("the write call has ended").asRuntimeException();
        } catch (java.util.concurrent.CompletionException e) {
            return e.getCause() instanceof StatusRuntimeException s ? s : Status.fromThrowable(e.getCause()).asRuntimeException();
        }
    }

    /** Half-closes the call and waits (bounded) for the gateway to end it. */
    @Override
    public void close() {
        synchronized (call) {
            if (!ended.isDone()) {
                requests.onCompleted();
            }
        }
        try {
            ended.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            synchronized (call) {
                requests.cancel("closing", null);
            }
        }
    }

    private final class Responses implements ClientResponseObserver<WriteRequest, WriteResponse> {
        ClientCallStreamObserver<WriteRequest> requests;

        @Override
        public void beforeStart(ClientCallStreamObserver<WriteRequest> requests) {
            this.requests = requests;
            requests.setOnReadyHandler(() -> {
                synchronized (ready) {
                    ready.notifyAll();
                }
            });
        }

        @Override
        public void onNext(WriteResponse r) {
            if (r.hasBatch()) {
                r.getBatch().getResponsesList().forEach(this::answered);
            } else {
                answered(r);
            }
        }

        private void answered(WriteResponse r) {
            Pending p = pending.get(r.getTag());
            if (p == null) {
                return;
            }
            p.first.complete(r);
            if (!r.hasMissing()) {
                p.last.complete(r);
            }
        }

        @Override
        public void onError(Throwable t) {
            StatusRuntimeException s = t instanceof StatusRuntimeException e ? e : Status.fromThrowable(t).asRuntimeException();
            ended.completeExceptionally(s);
            pending.values().forEach(p -> p.fail(s));
        }

        @Override
        public void onCompleted() {
            ended.complete(null);
            StatusRuntimeException s = Status.UNAVAILABLE.withDescription("the gateway ended the write call").asRuntimeException();
            pending.values().forEach(p -> p.fail(s));
        }
    }
}
