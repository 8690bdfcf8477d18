package io.tributary.central.ingest;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.tributary.central.chunks.ChunkStore;
import io.tributary.central.chunks.ChunkTooLargeException;
import io.tributary.central.meta.CommitResult;
import io.tributary.central.audit.AuditEvent;
import io.tributary.central.audit.AuditLog;
import io.tributary.central.enroll.GatewayPeer;
import io.tributary.central.fleet.Throughput;
import io.tributary.proto.log.LogContext;
import io.tributary.proto.v1.OperationResult;
import io.tributary.proto.v1.AuditAck;
import io.tributary.proto.v1.AuditBatch;
import io.tributary.proto.v1.AuditEntry;
import io.tributary.central.enroll.PeerCertificates;
import io.tributary.central.meta.InvalidOperationException;
import io.tributary.central.meta.MetaStore;
import io.tributary.central.meta.Origin;
import io.tributary.central.meta.UnknownBaseException;
import io.tributary.central.meta.SharePath;
import io.tributary.central.observe.CentralMetrics;
import io.tributary.proto.v1.CentralMessage;
import io.tributary.proto.v1.ChunkPayload;
import io.tributary.proto.v1.ChunkRef;
import io.tributary.proto.v1.CommitBatch;
import io.tributary.proto.v1.GatewayMessage;
import io.tributary.proto.v1.Hello;
import io.tributary.proto.v1.NeedAnswer;
import io.tributary.proto.v1.NeedQuery;
import io.tributary.proto.v1.Operation;
import io.tributary.proto.v1.ShareChange;
import io.tributary.proto.v1.ShareCursor;
import io.tributary.proto.v1.Welcome;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One gateway's session. Inbound messages are taken one at a time (the next is requested only
 * after the last was processed and the outbound side is ready), so a gateway cannot make central
 * buffer without bound; the feed is pushed by a feed thread only while the transport is ready.
 */
final class GatewaySession implements StreamObserver<GatewayMessage> {
    static final int MAX_NEED_IDS = 4096;
    static final int MAX_BATCH_OPERATIONS = 1024;
    static final int MAX_AUDIT_ENTRIES = 512;
    static final int MAX_AUDIT_ENTRY_BYTES = 4096;
    private static final int FEED_BATCH = 64;
    private static final Logger LOG = Logger.getLogger(GatewaySession.class.getName());

    private final ServerCallStreamObserver<CentralMessage> out;
    private final ChunkStore chunks;
    private final MetaStore meta;
    private final CentralMetrics metrics;
    private final OpenSessions sessions;
    private final String centralId;
    private final AuditLog auditLog;
    /** Highest audit index of this gateway recorded; only the message thread touches it. */
    private long auditIndex = -1;
    /** The gateway as its certificate names it; null only in sessions without TLS (none in production). */
    private final GatewayPeer peer;
    private final Object sendLock = new Object();
    private final Map<String, Long> cursors = new ConcurrentHashMap<>();
    private final AtomicBoolean pumping = new AtomicBoolean();
    /** Chunks received since the last commit, written but not yet durable (only the message thread touches these). */
    private final java.util.Queue<ChunkStore.Staged> staged = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Ids staged in this session and their delta depth (0: whole). */
    private final Map<ByteString, Integer> stagedIds = new ConcurrentHashMap<>();
    private volatile boolean feedAgain;
    private volatile boolean closed;
    private volatile Origin origin;
    private final Throughput throughput;
    /** Set when the next inbound message waits for the outbound side to drain; touched only by gRPC callbacks. */
    private boolean requestWhenReady;

    GatewaySession(ServerCallStreamObserver<CentralMessage> out, ChunkStore chunks, MetaStore meta, CentralMetrics metrics,
                   OpenSessions sessions, String centralId, AuditLog auditLog, Throughput throughput) {
        this.auditLog = auditLog;
        this.throughput = throughput;
        this.out = out;
        this.chunks = chunks;
        this.meta = meta;
        this.metrics = metrics;
        this.sessions = sessions;
        this.centralId = centralId;
        this.peer = PeerCertificates.PEER.get();
        out.disableAutoRequest();
        out.setOnReadyHandler(this::onReady);
        out.setOnCancelHandler(() -> close(null));
        out.request(1);
    }

    @Override
    public void onNext(GatewayMessage message) {
        if (closed) {
            return;
        }
        try {
            if (origin == null) {
                if (message.getKindCase() != GatewayMessage.KindCase.HELLO) {
                    throw Status.INVALID_ARGUMENT.withDescription("the first message of a session must be Hello").asRuntimeException();
                }
                hello(message.getHello());
            } else {
                switch (message.getKindCase()) {
                    case NEED_QUERY -> need(message.getNeedQuery());
                    case CHUNK -> chunk(message.getChunk());
                    case COMMIT -> commit(message.getCommit());
                    case HEARTBEAT -> {
                        meta.heartbeat(origin.gatewayId(), message.getHeartbeat().toByteArray());
                        throughput.record(origin.gatewayId(), meta.now(), message.getHeartbeat());
                    }
                    case AUDIT -> audit(message.getAudit());
                    case HELLO -> throw Status.INVALID_ARGUMENT.withDescription("Hello comes once, first").asRuntimeException();
                    case KIND_NOT_SET -> throw Status.INVALID_ARGUMENT.withDescription("a message without a kind").asRuntimeException();
                }
            }
        } catch (io.grpc.StatusRuntimeException e) {
            close(e.getStatus());
        } catch (UnknownBaseException e) {
            close(Status.FAILED_PRECONDITION.withDescription(e.getMessage()));
        } catch (ChunkTooLargeException e) {
            close(Status.RESOURCE_EXHAUSTED.withDescription(e.getMessage()));
        } catch (IllegalArgumentException e) {
            // InvalidOperationException and bad chunk ids: the gateway sent something no gateway may send.
            close(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
        } catch (SQLException | IOException e) {
            LOG.log(Level.WARNING, "session of " + gatewayName() + " failed on storage", e);
            close(Status.UNAVAILABLE.withDescription("central storage failed: " + e.getMessage()));
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "session of " + gatewayName() + " failed", e);
            close(Status.INTERNAL.withDescription("central failed: " + e));
        }
        if (!closed) {
            requestNext();
        }
    }

    /** What a gateway says of itself is shown in the console: bounded, printable text only. */
    private static void checkDescription(Hello hello) {
        if (!printable(hello.getSoftwareVersion(), 64)) {
            throw new InvalidOperationException("a software version is at most 64 printable characters");
        }
        if (hello.getAccessRulesCount() > 256) {
            throw new InvalidOperationException("at most 256 access rules, got " + hello.getAccessRulesCount());
        }
        for (String rule : hello.getAccessRulesList()) {
            if (rule.isEmpty() || !printable(rule, 256)) {
                throw new InvalidOperationException("an access rule is 1 to 256 printable characters");
            }
        }
    }

    private static boolean printable(String text, int max) {
        return text.length() <= max && text.codePoints().noneMatch(Character::isISOControl);
    }

    private void hello(Hello hello) throws SQLException {
        String gatewayId = hello.getGatewayId();
        SharePath.checkName(gatewayId);
        if (gatewayId.equals(Origin.CENTRAL_ID)) {
            // Reserved for central's own changes: a gateway using it would have its writes taken for restores.
            throw new InvalidOperationException("the gateway id '" + Origin.CENTRAL_ID + "' is reserved");
        }
        if (hello.getBranch().getBytes(StandardCharsets.UTF_8).length > SharePath.MAX_NAME_BYTES) {
            throw new InvalidOperationException("a branch name is at most " + SharePath.MAX_NAME_BYTES + " UTF-8 bytes");
        }
        for (ShareCursor cursor : hello.getSharesList()) {
            SharePath.checkName(cursor.getShare());
            if (cursor.getRevision() < 0) {
                throw new InvalidOperationException("a share cursor is negative");
            }
        }
        checkDescription(hello);
        String branch = hello.getBranch().isBlank() ? gatewayId : hello.getBranch();
        if (peer != null) {
            // The certificate says which branch this is; a gateway id, once seen, stays with its branch.
            if (!hello.getBranch().isBlank() && !hello.getBranch().equals(peer.branch())) {
                throw Status.PERMISSION_DENIED.withDescription("this gateway's certificate is for branch '" + peer.branch()
                        + "', not '" + hello.getBranch() + "'").asRuntimeException();
            }
            branch = peer.branch();
            java.util.Optional<String> known = meta.branchOf(gatewayId);
            if (known.isPresent() && !known.get().equals(branch)) {
                throw Status.PERMISSION_DENIED.withDescription("gateway id " + gatewayId + " belongs to branch '" + known.get()
                        + "', not to '" + branch + "'").asRuntimeException();
            }
        }
        long acked = meta.welcome(gatewayId, branch, hello.getSoftwareVersion(), hello.getAccessRulesList());
        for (ShareCursor cursor : hello.getSharesList()) {
            cursors.put(cursor.getShare(), cursor.getRevision());
        }
        origin = new Origin(gatewayId, branch);
        auditIndex = auditLog.lastOriginIndex(gatewayId);
        sessions.register(gatewayId, this);
        send(CentralMessage.newBuilder().setWelcome(Welcome.newBuilder().setAckedPosition(acked).setCentralId(centralId)
                .setAuditIndex(auditIndex)).build());
        wakeFeed();
    }

    /** Records the gateway's audit entries after the last one recorded, as its branch's, and acknowledges them. */
    private void audit(AuditBatch batch) throws SQLException {
        if (batch.getEntriesCount() > MAX_AUDIT_ENTRIES) {
            throw Status.RESOURCE_EXHAUSTED.withDescription("an AuditBatch has at most " + MAX_AUDIT_ENTRIES + " entries").asRuntimeException();
        }
        List<AuditEvent> events = new ArrayList<>(batch.getEntriesCount());
        long previous = Long.MIN_VALUE;
        for (AuditEntry e : batch.getEntriesList()) {
            if (e.getIndex() <= previous) {
                throw new InvalidOperationException("audit indexes must increase within a batch");
            }
            if (e.getSerializedSize() > MAX_AUDIT_ENTRY_BYTES) {
                throw new InvalidOperationException("an audit entry is at most " + MAX_AUDIT_ENTRY_BYTES + " bytes");
            }
            previous = e.getIndex();
            if (e.getIndex() > auditIndex) {
                events.add(new AuditEvent(e.getAtMillis(), e.getActor(), e.getAction(), e.getTarget(), origin.branch(),
                        e.getAddress(), e.getDetail(), origin.gatewayId(), e.getIndex()));
            }
        }
        auditLog.append(events);
        if (previous != Long.MIN_VALUE) {
            auditIndex = Math.max(auditIndex, previous);
        }
        send(CentralMessage.newBuilder().setAuditAck(AuditAck.newBuilder().setIndex(auditIndex)).build());
    }

    private void need(NeedQuery query) throws IOException {
        if (query.getChunkIdsCount() + query.getDeltaBasesCount() > MAX_NEED_IDS) {
            throw Status.RESOURCE_EXHAUSTED.withDescription("a NeedQuery has at most " + MAX_NEED_IDS + " ids").asRuntimeException();
        }
        NeedAnswer.Builder answer = NeedAnswer.newBuilder().setQueryId(query.getQueryId());
        for (ByteString id : query.getChunkIdsList()) {
            if (!have(id)) {
                answer.addMissing(id);
            }
        }
        for (ByteString base : query.getDeltaBasesList()) {
            int depth = depth(base);
            if (depth >= 0 && depth < ChunkStore.MAX_DELTA_DEPTH) {
                answer.addUsableBases(base);
            }
        }
        send(CentralMessage.newBuilder().setNeedAnswer(answer).build());
    }

    private void chunk(ChunkPayload chunk) throws IOException {
        byte[] sealed = chunk.getSealed().toByteArray();
        byte[] id = chunk.getChunkId().toByteArray();
        metrics.chunkBytesReceived.inc(sealed.length);
        ByteString key = ByteString.copyFrom(id);
        if (stagedIds.containsKey(key)) {
            metrics.chunksDeduplicated.inc();
            return;
        }
        int depth = 0;
        List<byte[]> bases = new java.util.ArrayList<>(chunk.getDeltaBasesCount());
        for (ByteString base : chunk.getDeltaBasesList()) {
            int d = depth(base);
            if (d < 0 || d >= ChunkStore.MAX_DELTA_DEPTH) {
                throw Status.FAILED_PRECONDITION.withDescription("delta base " + HexFormat.of().formatHex(base.toByteArray())
                        + (d < 0 ? " is not at central" : " is a delta too deep to build on")).asRuntimeException();
            }
            depth = Math.max(depth, d + 1);
            bases.add(base.toByteArray());
        }
        // Written now, made durable and visible together with the rest before the next commit.
        ChunkStore.Staged fresh = bases.isEmpty() ? chunks.stage(id, sealed) : chunks.stageDelta(id, sealed, bases, depth);
        stagedIds.put(key, depth);
        if (fresh != null) {
            staged.add(fresh);
            metrics.chunksStored.inc();
            metrics.chunkBytesStored.inc(sealed.length);
            if (!bases.isEmpty()) {
                metrics.chunkDeltasStored.inc();
            }
        } else {
            metrics.chunksDeduplicated.inc();
        }
    }

    /** Chunks central answers "have" for: stored, or staged in this session and published before any commit. */
    private boolean have(ByteString id) {
        return stagedIds.containsKey(id) || chunks.exists(id.toByteArray());
    }

    /** As {@link ChunkStore#depth}, counting what this session staged. */
    private int depth(ByteString id) throws IOException {
        Integer staged = stagedIds.get(id);
        return staged != null ? staged : chunks.depth(id.toByteArray());
    }

    private void keepStaged() {
        try {
            publishStaged();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "chunks of an ended session of " + gatewayName() + " not kept; the gateway sends them again", e);
        }
    }

    private void publishStaged() throws IOException {
        try {
            chunks.publish(List.copyOf(staged));
        } finally {
            staged.clear();
            stagedIds.clear();
        }
    }

    private void commit(CommitBatch batch) throws SQLException, IOException {
        publishStaged();
        List<Operation> ops = batch.getOperationsList();
        if (ops.size() > MAX_BATCH_OPERATIONS) {
            throw Status.RESOURCE_EXHAUSTED.withDescription("a CommitBatch has at most " + MAX_BATCH_OPERATIONS + " operations")
                    .asRuntimeException();
        }
        MetaStore.validate(ops);
        // An edited manifest names only its new middle; the rest is the base's, which is here.
        Set<ByteString> referenced = new LinkedHashSet<>();
        for (Operation op : ops) {
            if (op.hasPutFile()) {
                for (ChunkRef ref : op.getPutFile().getChunksList()) {
                    referenced.add(ref.getId());
                }
            }
        }
        for (ByteString id : referenced) {
            if (!chunks.exists(id.toByteArray())) {
                throw Status.FAILED_PRECONDITION.withDescription("chunk " + HexFormat.of().formatHex(id.toByteArray())
                        + " is not at central; send it before the commit that uses it").asRuntimeException();
            }
        }
        CommitResult result = meta.commit(origin, ops);
        logOutcomes(ops, result.ack().getResultsList());
        metrics.operationsCommitted.inc(result.applied() + result.conflicts());
        metrics.operationsSkipped.inc(result.skipped());
        metrics.conflicts.inc(result.conflicts());
        send(CentralMessage.newBuilder().setCommitAck(result.ack()).build());
        sessions.changed(result.changedShares());
    }

    /**
     * One line per conflict (INFO) and, at FINE, per applied operation, each with the id of the
     * client request that made the change at its branch, so that a request can be followed from
     * the branch's log to central's.
     */
    private void logOutcomes(List<Operation> ops, List<OperationResult> results) {
        boolean fine = LOG.isLoggable(Level.FINE);
        for (int i = 0; i < ops.size() && i < results.size(); i++) {
            OperationResult r = results.get(i);
            boolean conflict = r.getOutcome() == OperationResult.Outcome.CONFLICT;
            if (!conflict && !(fine && r.getOutcome() == OperationResult.Outcome.APPLIED)) {
                continue;
            }
            Operation op = ops.get(i);
            String request = op.getRequestId().isEmpty() ? "-" : op.getRequestId();
            try (LogContext.Scope scope = LogContext.request(request)) {
                LogContext.put("share", op.getShare());
                LogContext.put("branch", origin.branch());
                if (conflict) {
                    LOG.info("conflict: " + op.getKindCase().name().toLowerCase(java.util.Locale.ROOT) + " of " + op.getShare() + "/"
                            + String.join("/", pathOf(op)) + " from " + origin.branch() + " (request " + request + ") kept as "
                            + String.join("/", r.getConflictPathList()) + ", revision " + r.getRevision());
                } else {
                    LOG.fine("applied " + op.getKindCase().name().toLowerCase(java.util.Locale.ROOT) + " of " + op.getShare() + "/"
                            + String.join("/", pathOf(op)) + " from " + origin.branch() + " (request " + request + ") as revision "
                            + r.getRevision());
                }
            }
        }
    }

    private static List<String> pathOf(Operation op) {
        return switch (op.getKindCase()) {
            case PUT_FILE -> op.getPutFile().getPathList();
            case MAKE_DIRECTORY -> op.getMakeDirectory().getPathList();
            case DELETE -> op.getDelete().getPathList();
            case MOVE -> op.getMove().getFromList();
            case COPY -> op.getCopy().getFromList();
            case PATCH_PROPERTIES -> op.getPatchProperties().getPathList();
            case SET_MODIFIED -> op.getSetModified().getPathList();
            case KIND_NOT_SET -> List.of();
        };
    }

    private void requestNext() {
        if (out.isReady()) {
            out.request(1);
        } else {
            requestWhenReady = true;
        }
    }

    private void onReady() {
        if (closed) {
            return;
        }
        if (requestWhenReady) {
            requestWhenReady = false;
            out.request(1);
        }
        wakeFeed();
    }

    boolean follows(Set<String> shares) {
        for (String s : shares) {
            if (cursors.containsKey(s)) {
                return true;
            }
        }
        return false;
    }

    /** Schedules a feed pass; passes never overlap, and a wake during one causes another. */
    void wakeFeed() {
        if (closed || origin == null) {
            return;
        }
        feedAgain = true;
        if (pumping.compareAndSet(false, true)) {
            sessions.feedThreads().execute(this::pumpLoop);
        }
    }

    private void pumpLoop() {
        try {
            while (feedAgain && !closed) {
                feedAgain = false;
                pump();
            }
        } catch (SQLException e) {
            // The next poll tries again; the gateway keeps its cursor meanwhile.
            LOG.log(Level.WARNING, "feed of " + gatewayName() + " could not read changes", e);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "feed of " + gatewayName() + " failed", e);
            close(Status.INTERNAL.withDescription("central's feed failed: " + e));
        } finally {
            pumping.set(false);
            if (feedAgain && !closed && pumping.compareAndSet(false, true)) {
                sessions.feedThreads().execute(this::pumpLoop);
            }
        }
    }

    private void pump() throws SQLException {
        for (Map.Entry<String, Long> cursor : cursors.entrySet()) {
            while (!closed) {
                if (!out.isReady()) {
                    return; // onReady wakes the feed again
                }
                List<ShareChange> changes = meta.changesAfter(cursor.getKey(), cursor.getValue(), origin.gatewayId(), FEED_BATCH);
                for (ShareChange change : changes) {
                    if (!out.isReady() || closed) {
                        return;
                    }
                    send(CentralMessage.newBuilder().setChange(change).build());
                    cursor.setValue(change.getRevision());
                    metrics.feedChangesSent.inc();
                }
                if (changes.size() < FEED_BATCH) {
                    break;
                }
            }
        }
    }

    private void send(CentralMessage message) {
        synchronized (sendLock) {
            if (closed) {
                return;
            }
            try {
                out.onNext(message);
            } catch (RuntimeException e) {
                // The call was cancelled under us; the cancel handler closes the session.
                closed = true;
            }
        }
    }

    @Override
    public void onError(Throwable t) {
        close(null);
    }

    @Override
    public void onCompleted() {
        if (closed) {
            return;
        }
        close(null);
        synchronized (sendLock) {
            try {
                out.onCompleted();
            } catch (RuntimeException ignored) {
                // already cancelled
            }
        }
    }

    /** Ends the session; with a status, tells the gateway why. */
    /** The certificate the session was opened with, or null. */
    GatewayPeer peer() {
        return peer;
    }

    void close(Status status) {
        synchronized (sendLock) {
            if (closed) {
                return;
            }
            closed = true;
            // Keep what arrived, so an interrupted upload resumes from the chunks already sent.
            keepStaged();
            if (status != null) {
                metrics.sessionsRefused.inc();
                try {
                    out.onError(status.asRuntimeException());
                } catch (RuntimeException ignored) {
                    // already cancelled
                }
            }
        }
        Origin o = origin;
        if (o != null) {
            sessions.unregister(o.gatewayId(), this);
        }
    }

    private String gatewayName() {
        Origin o = origin;
        return o == null ? "an unnamed gateway" : o.gatewayId();
    }
}
