package io.tributary.gateway.uplink;

import com.google.protobuf.ByteString;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.tributary.gateway.audit.AuditTrail;
import io.tributary.gateway.journal.Change;
import io.tributary.gateway.journal.ChunkRef;
import io.tributary.gateway.journal.Journal;
import io.tributary.gateway.observe.GatewayMetrics;
import io.tributary.gateway.share.NamespaceStore;
import io.tributary.gateway.share.ShareNamespace;
import io.tributary.proto.ChunkId;
import io.tributary.proto.v1.AuditBatch;
import io.tributary.proto.v1.AuditEntry;
import io.tributary.proto.v1.CentralMessage;
import io.tributary.proto.v1.ChunkPayload;
import io.tributary.proto.v1.CommitAck;
import io.tributary.proto.v1.CommitBatch;
import io.tributary.proto.v1.GatewayMessage;
import io.tributary.proto.v1.Heartbeat;
import io.tributary.proto.v1.Hello;
import io.tributary.proto.v1.NeedAnswer;
import io.tributary.proto.v1.NeedQuery;
import io.tributary.proto.v1.Operation;
import io.tributary.proto.v1.OperationResult;
import io.tributary.proto.v1.ShareCursor;
import io.tributary.proto.v1.Welcome;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * One session with central. The uplink thread sends (hello, chunk questions, chunks, commits,
 * heartbeats) and never waits a round trip per file: questions for a whole window go out
 * together, and several commit batches may await their acknowledgement. gRPC's threads deliver
 * central's answers, acknowledgements and the change feed.
 */
final class UplinkSession implements ClientResponseObserver<GatewayMessage, CentralMessage> {
    private static final System.Logger LOG = System.getLogger(UplinkSession.class.getName());
    static final int MAX_IDS_PER_QUERY = 4096;
    static final int MAX_OPS_PER_BATCH = 1024;
    static final int MAX_BATCH_BYTES = 8 << 20;
    static final int MAX_WINDOW_ENTRIES = 4096;
    static final int MAX_BATCHES_IN_FLIGHT = 4;
    /** Central's limit per audit batch (docs/protocol.md). */
    static final int MAX_AUDIT_ENTRIES = 512;
    static final int MAX_AUDIT_BATCHES_IN_FLIGHT = 2;
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration HEARTBEAT_EVERY = Duration.ofSeconds(5);

    /** A commit batch awaiting its acknowledgement; {@code safeThrough} covers dropped entries after it. */
    private static final class InFlight {
        final long lastPosition;
        final long sentNanos = System.nanoTime();
        long safeThrough;

        InFlight(long lastPosition, long safeThrough) {
            this.lastPosition = lastPosition;
            this.safeThrough = safeThrough;
        }
    }

    private final NamespaceStore store;
    private final AuditTrail audit;
    private final Journal journal;
    private final Downlink downlink;
    private final GatewayMetrics metrics;
    private final UploadBudget budget;
    private final UplinkSettings settings;
    private final String softwareVersion;
    /** Send edited manifests and chunk deltas; off after central refused a batch's preconditions. */
    private final boolean compact;

    private final CompletableFuture<Welcome> welcome = new CompletableFuture<>();
    private final Map<Long, CompletableFuture<NeedAnswer>> questions = new ConcurrentHashMap<>();
    private final Object signal = new Object();
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    /** Last audit index of each audit batch central has not acknowledged yet; guarded by {@code signal}. */
    private final ArrayDeque<Long> auditInFlight = new ArrayDeque<>();
    private ClientCallStreamObserver<GatewayMessage> requests;
    private volatile Throwable ended;
    private volatile boolean stopping;
    private volatile boolean acknowledgedAny;
    private long nextQuestion;
    private long lastHeartbeat;

    UplinkSession(NamespaceStore store, AuditTrail audit, Downlink downlink, GatewayMetrics metrics, UploadBudget budget,
                  UplinkSettings settings, String softwareVersion, boolean compact) {
        this.compact = compact;
        this.store = store;
        this.audit = audit;
        this.journal = store.journal();
        this.downlink = downlink;
        this.metrics = metrics;
        this.budget = budget;
        this.settings = settings;
        this.softwareVersion = softwareVersion;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<GatewayMessage> requests) {
        this.requests = requests;
        requests.setOnReadyHandler(this::wake);
    }

    @Override
    public void onNext(CentralMessage message) {
        metrics.downstreamBytes.inc(message.getSerializedSize());
        switch (message.getKindCase()) {
            case WELCOME -> {
                // Before any change of the feed is applied: it decides which local versions are unsent.
                store.acknowledged(message.getWelcome().getAckedPosition());
                welcome.complete(message.getWelcome());
            }
            case NEED_ANSWER -> {
                CompletableFuture<NeedAnswer> answer = questions.remove(message.getNeedAnswer().getQueryId());
                if (answer != null) {
                    answer.complete(message.getNeedAnswer());
                }
            }
            case COMMIT_ACK -> acknowledged(message.getCommitAck());
            case AUDIT_ACK -> auditAcknowledged(message.getAuditAck().getIndex());
            case CHANGE -> downlink.apply(message.getChange());
            case KIND_NOT_SET -> LOG.log(System.Logger.Level.WARNING, "central sent an empty message");
        }
    }

    @Override
    public void onError(Throwable t) {
        end(t);
    }

    @Override
    public void onCompleted() {
        end(new IOException("central ended the session"));
    }

    private void end(Throwable t) {
        ended = t;
        welcome.completeExceptionally(t);
        questions.values().forEach(q -> q.completeExceptionally(t));
        wake();
    }

    private void wake() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    /** Central answered the hello with its welcome, and the session has not ended since. */
    boolean open() {
        return welcome.isDone() && !welcome.isCompletedExceptionally() && !stopping && ended == null;
    }

    /** True once central acknowledged something in this session: the link works, reset the backoff. */
    boolean progressed() {
        return acknowledgedAny;
    }

    /** Ends the session from our side. */
    void stop() {
        stopping = true;
        if (requests != null) {
            requests.cancel("gateway stopping", null);
        }
        wake();
    }

    /** Runs the session until it fails or is stopped; always throws or returns on stop. */
    void run() throws IOException, InterruptedException {
        Hello.Builder hello = Hello.newBuilder().setGatewayId(store.gatewayId()).setBranch(settings.branch())
                .setSoftwareVersion(softwareVersion).addAllAccessRules(settings.accessRules());
        for (ShareNamespace share : store.shares()) {
            hello.addShares(ShareCursor.newBuilder().setShare(share.name()).setRevision(store.revision(share.name())));
        }
        send(GatewayMessage.newBuilder().setHello(hello).build());
        Welcome welcomed = await(welcome);
        long acked = welcomed.getAckedPosition();
        LOG.log(System.Logger.Level.INFO, "connected to central " + settings.target() + "; resuming after journal position "
                + Long.toHexString(acked));
        try (Journal.Tail tail = journal.tail(acked); AuditTrail.Tail auditTail = audit.tail(welcomed.getAuditIndex())) {
            while (!stopping) {
                checkAlive();
                List<Journal.Entry> window = readWindow(tail);
                heartbeatIfDue();
                sendAudit(auditTail);
                if (window.isEmpty()) {
                    continue;
                }
                long windowEnd = window.getLast().index();
                Coalescer.Result result = Coalescer.coalesce(window);
                metrics.upstreamCoalesced.inc(result.dropped());
                if (result.entries().isEmpty()) {
                    nothingToSend(windowEnd);
                    continue;
                }
                sendChunks(result.entries());
                sendCommits(result.entries(), windowEnd);
            }
        }
    }

    /** Entries gathered for one window: from the first one found, for the window's length. */
    private List<Journal.Entry> readWindow(Journal.Tail tail) throws IOException {
        List<Journal.Entry> window = new ArrayList<>();
        long bytes = 0;
        long idleUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        long deadline = 0;
        long parkNanos = TimeUnit.MICROSECONDS.toNanos(200);
        while (!stopping && ended == null) {
            Journal.Entry e = tail.next();
            long now = System.nanoTime();
            if (e != null) {
                if (window.isEmpty()) {
                    deadline = now + settings.window().toNanos();
                }
                window.add(e);
                // Count file content too: a window's chunks go up before its commit, so a big
                // window would leave a long upload with nothing acknowledged.
                bytes += e.bytes() + (e.change() instanceof Change.PutFile p ? p.size() : 0);
                parkNanos = TimeUnit.MICROSECONDS.toNanos(200);
                if (window.size() >= MAX_WINDOW_ENTRIES || bytes >= MAX_BATCH_BYTES) {
                    break;
                }
                continue;
            }
            if (window.isEmpty() ? now >= idleUntil : now >= deadline) {
                break;
            }
            // The journal has no wake-up signal; poll, slowing down while it stays idle.
            LockSupport.parkNanos(parkNanos);
            parkNanos = Math.min(parkNanos * 2, TimeUnit.MILLISECONDS.toNanos(window.isEmpty() ? 20 : 2));
        }
        return window;
    }

    private void nothingToSend(long windowEnd) {
        boolean idle;
        synchronized (signal) {
            idle = inFlight.isEmpty();
            if (!idle) {
                inFlight.peekLast().safeThrough = windowEnd;
            }
        }
        if (idle) {
            store.acknowledged(windowEnd);
        }
    }

    private void sendChunks(List<Journal.Entry> entries) throws IOException, InterruptedException {
        Set<ChunkId> ids = new LinkedHashSet<>();
        // New chunks of edited files and the chunks they replaced: what each may go up as a delta against.
        Map<ChunkId, List<ChunkId>> deltaBases = new HashMap<>();
        for (Journal.Entry e : entries) {
            if (e.change() instanceof Change.PutFile p) {
                // An edit's kept chunks belong to its base, which central holds.
                (sendsEdit(p) ? p.newChunks() : p.chunks()).forEach(c -> ids.add(c.id()));
                if (compact && p.edit() != null) {
                    List<ChunkRef> fresh = p.newChunks();
                    List<List<ChunkId>> bases = p.edit().basesFor(fresh);
                    for (int i = 0; i < fresh.size(); i++) {
                        deltaBases.putIfAbsent(fresh.get(i).id(), bases.get(i));
                    }
                }
            }
        }
        if (ids.isEmpty()) {
            return;
        }
        Set<ChunkId> bases = new LinkedHashSet<>();
        deltaBases.values().forEach(bases::addAll);
        // A base sent in this window might arrive after the delta that needs it.
        bases.removeAll(ids);
        // Ask about the whole window first, then upload: one round trip per window, not per chunk.
        List<CompletableFuture<NeedAnswer>> answers = new ArrayList<>();
        NeedQuery.Builder query = NeedQuery.newBuilder().setQueryId(nextQuestion++);
        for (ChunkId id : ids) {
            query.addChunkIds(ByteString.copyFrom(id.toBytes()));
            query = askIfFull(query, answers);
        }
        for (ChunkId base : bases) {
            query.addDeltaBases(ByteString.copyFrom(base.toBytes()));
            query = askIfFull(query, answers);
        }
        if (query.getChunkIdsCount() + query.getDeltaBasesCount() > 0) {
            answers.add(ask(query.build()));
        }
        List<NeedAnswer> answered = new ArrayList<>(answers.size());
        Set<ChunkId> usable = new HashSet<>();
        for (CompletableFuture<NeedAnswer> answer : answers) {
            NeedAnswer a = await(answer);
            answered.add(a);
            for (ByteString raw : a.getUsableBasesList()) {
                usable.add(chunkId(raw));
            }
        }
        int asked = ids.size();
        int missing = 0;
        for (NeedAnswer answer : answered) {
            for (ByteString raw : answer.getMissingList()) {
                ChunkId id = chunkId(raw);
                byte[] sealed = store.chunks().readSealedIfStored(id);
                if (sealed == null) {
                    throw new IOException("central lacks chunk " + id + ", which is not stored here either");
                }
                ChunkPayload.Builder payload = ChunkPayload.newBuilder().setChunkId(raw);
                List<ChunkId> against = deltaBases.getOrDefault(id, List.of()).stream().filter(usable::contains).toList();
                byte[] delta = against.isEmpty() ? null : store.chunks().sealedDelta(id, against, sealed.length);
                if (delta != null) {
                    sealed = delta;
                    against.forEach(b -> payload.addDeltaBases(ByteString.copyFrom(b.toBytes())));
                    metrics.upstreamChunkDeltas.inc();
                }
                budget.take(sealed.length);
                send(GatewayMessage.newBuilder().setChunk(payload.setSealed(ByteString.copyFrom(sealed))).build());
                metrics.upstreamChunkBytes.inc(sealed.length);
                missing++;
            }
        }
        metrics.upstreamChunksSkipped.inc(asked - missing);
    }

    /** Sends {@code query} if it holds as many ids as central takes; returns the query to fill next. */
    private NeedQuery.Builder askIfFull(NeedQuery.Builder query, List<CompletableFuture<NeedAnswer>> answers)
            throws IOException, InterruptedException {
        if (query.getChunkIdsCount() + query.getDeltaBasesCount() < MAX_IDS_PER_QUERY) {
            return query;
        }
        answers.add(ask(query.build()));
        return NeedQuery.newBuilder().setQueryId(nextQuestion++);
    }

    private static ChunkId chunkId(ByteString raw) throws IOException {
        if (raw.size() != ChunkId.LENGTH) {
            throw new IOException("central named a malformed chunk id");
        }
        return ChunkId.of(raw.toByteArray());
    }

    /** True if this version's manifest goes up as an edit of its base's. */
    private boolean sendsEdit(Change.PutFile p) {
        return compact && p.edit() != null;
    }

    private CompletableFuture<NeedAnswer> ask(NeedQuery query) throws IOException, InterruptedException {
        CompletableFuture<NeedAnswer> answer = new CompletableFuture<>();
        questions.put(query.getQueryId(), answer);
        send(GatewayMessage.newBuilder().setNeedQuery(query).build());
        return answer;
    }

    private void sendCommits(List<Journal.Entry> entries, long windowEnd) throws IOException, InterruptedException {
        long now = System.currentTimeMillis();
        CommitBatch.Builder batch = CommitBatch.newBuilder();
        long bytes = 0;
        for (int i = 0; i < entries.size(); i++) {
            Journal.Entry e = entries.get(i);
            Operation op = OperationCodec.toWire(e.index(), e.change(), now, compact, e.requestId());
            if (op.hasPutFile() && op.getPutFile().hasEdit()) {
                metrics.upstreamManifestEdits.inc();
            }
            int size = op.getSerializedSize();
            if (size > Uplink.MAX_MESSAGE_BYTES - 1024) {
                throw new IOException("journal entry " + Long.toHexString(e.index()) + " is too large to send ("
                        + size + " bytes); see docs/protocol.md for the limits");
            }
            if (batch.getOperationsCount() > 0 && (batch.getOperationsCount() == MAX_OPS_PER_BATCH
                    || bytes + size > MAX_BATCH_BYTES)) {
                commit(batch.build(), batch.getOperations(batch.getOperationsCount() - 1).getPosition());
                batch = CommitBatch.newBuilder();
                bytes = 0;
            }
            batch.addOperations(op);
            bytes += size;
        }
        commit(batch.build(), windowEnd);
    }

    private void commit(CommitBatch batch, long safeThrough) throws IOException, InterruptedException {
        long last = batch.getOperations(batch.getOperationsCount() - 1).getPosition();
        long deadline = System.nanoTime() + ANSWER_TIMEOUT.toNanos();
        synchronized (signal) {
            while (inFlight.size() >= MAX_BATCHES_IN_FLIGHT) {
                checkAlive();
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IOException("central acknowledged nothing for " + ANSWER_TIMEOUT.toSeconds() + " s");
                }
                signal.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
            inFlight.addLast(new InFlight(last, Math.max(last, safeThrough)));
        }
        send(GatewayMessage.newBuilder().setCommit(batch).build());
    }

    private void acknowledged(CommitAck ack) {
        long safe = -1;
        synchronized (signal) {
            while (!inFlight.isEmpty() && inFlight.peekFirst().lastPosition <= ack.getAckedPosition()) {
                safe = Math.max(safe, inFlight.pollFirst().safeThrough);
            }
            signal.notifyAll();
        }
        acknowledgedAny = true;
        metrics.upstreamOperations.inc(ack.getResultsCount());
        for (OperationResult r : ack.getResultsList()) {
            if (r.getOutcome() == OperationResult.Outcome.CONFLICT) {
                LOG.log(System.Logger.Level.INFO, "central kept our change at " + r.getShare() + " journal position "
                        + Long.toHexString(r.getPosition()) + " as a conflict copy: " + String.join("/", r.getConflictPathList()));
            }
        }
        store.acknowledged(Math.max(safe, ack.getAckedPosition()));
    }

    /** Sends the audit records written since the last call, while central keeps up with them. */
    private void sendAudit(AuditTrail.Tail auditTail) throws IOException, InterruptedException {
        while (true) {
            synchronized (signal) {
                if (auditInFlight.size() >= MAX_AUDIT_BATCHES_IN_FLIGHT) {
                    return;
                }
            }
            AuditBatch.Builder batch = AuditBatch.newBuilder();
            AuditEntry e = auditTail.next();
            while (e != null) {
                batch.addEntries(e);
                if (batch.getEntriesCount() == MAX_AUDIT_ENTRIES) {
                    break;
                }
                e = auditTail.next();
            }
            if (batch.getEntriesCount() == 0) {
                return;
            }
            long last = batch.getEntries(batch.getEntriesCount() - 1).getIndex();
            synchronized (signal) {
                auditInFlight.addLast(last);
            }
            send(GatewayMessage.newBuilder().setAudit(batch).build());
            metrics.auditRecordsSent.inc(batch.getEntriesCount());
        }
    }

    private void auditAcknowledged(long index) {
        synchronized (signal) {
            while (!auditInFlight.isEmpty() && auditInFlight.peekFirst() <= index) {
                auditInFlight.pollFirst();
            }
            signal.notifyAll();
        }
        // Central's chain holds them now; the local copy of whole days before goes.
        audit.trimBefore(index);
    }

    private void heartbeatIfDue() throws IOException, InterruptedException {
        long now = System.nanoTime();
        if (now - lastHeartbeat < HEARTBEAT_EVERY.toNanos()) {
            return;
        }
        lastHeartbeat = now;
        send(GatewayMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder()
                .setSentMillis(System.currentTimeMillis())
                .setJournalBacklogEntries(Uplink.backlog(journal, store))
                .setJournalBacklogBytes(Uplink.backlogBytes(journal, store))
                .setCacheHitRatio(metrics.cacheHitRatio.getValue())
                .setClientBytesIn(metrics.webdavBytesIn.getCount() + metrics.lanBytesIn.getCount())
                .setClientBytesOut(metrics.webdavBytesOut.getCount() + metrics.lanBytesOut.getCount())
                .setUpstreamBytes(metrics.upstreamBytes.getCount())
                .setCacheBytes(store.chunks().cacheBytes())
                .setCacheCapBytes(store.chunks().capBytes())
                .setUpstreamLagSeconds(lagSeconds())
                .setReady(store.ready())).build());
    }

    /** Age of the oldest commit batch central has not acknowledged yet; 0 when none waits. */
    double lagSeconds() {
        synchronized (signal) {
            InFlight oldest = inFlight.peekFirst();
            return oldest == null ? 0 : (System.nanoTime() - oldest.sentNanos) / 1e9;
        }
    }

    private void send(GatewayMessage message) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + ANSWER_TIMEOUT.toNanos();
        synchronized (signal) {
            // Flow control: gRPC buffers without bound if we write while the transport is not ready.
            while (!requests.isReady()) {
                checkAlive();
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IOException("central took nothing for " + ANSWER_TIMEOUT.toSeconds() + " s");
                }
                signal.wait(Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(left))));
            }
        }
        checkAlive();
        requests.onNext(message);
        metrics.upstreamBytes.inc(message.getSerializedSize());
    }

    private <T> T await(CompletableFuture<T> future) throws IOException, InterruptedException {
        try {
            return future.get(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IOException("session with central ended: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("central did not answer within " + ANSWER_TIMEOUT.toSeconds() + " s");
        }
    }

    private void checkAlive() throws IOException {
        Throwable t = ended;
        if (t != null) {
            throw new IOException("session with central ended: " + t.getMessage(), t);
        }
        if (stopping) {
            throw new IOException("gateway stopping");
        }
    }
}
