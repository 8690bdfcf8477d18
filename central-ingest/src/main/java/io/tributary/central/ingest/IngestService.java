package io.tributary.central.ingest;

import io.tributary.central.fleet.Throughput;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.tributary.central.audit.AuditLog;
import io.tributary.central.chunks.ChunkStore;
import io.tributary.central.meta.MetaStore;
import io.tributary.central.observe.CentralMetrics;
import io.tributary.proto.v1.CentralMessage;
import io.tributary.proto.v1.ChunkPayload;
import io.tributary.proto.v1.FetchChunksRequest;
import io.tributary.proto.v1.GatewayMessage;
import io.tributary.proto.v1.IngestGrpc;

/** The {@code tributary.v1.Ingest} service: sessions and chunk fetches. */
public final class IngestService extends IngestGrpc.IngestImplBase {
    static final int MAX_FETCH_IDS = 4096;

    private final ChunkStore chunks;
    private final MetaStore meta;
    private final CentralMetrics metrics;
    private final OpenSessions sessions;
    private final String centralId;
    private final AuditLog auditLog;
    private final Throughput throughput;

    public IngestService(ChunkStore chunks, MetaStore meta, CentralMetrics metrics, OpenSessions sessions, String centralId,
                         AuditLog auditLog, Throughput throughput) {
        this.auditLog = auditLog;
        this.throughput = throughput;
        this.chunks = chunks;
        this.meta = meta;
        this.metrics = metrics;
        this.sessions = sessions;
        this.centralId = centralId;
    }

    @Override
    public StreamObserver<GatewayMessage> session(StreamObserver<CentralMessage> responses) {
        return new GatewaySession((ServerCallStreamObserver<CentralMessage>) responses, chunks, meta, metrics, sessions, centralId, auditLog, throughput);
    }

    @Override
    public void fetchChunks(FetchChunksRequest request, StreamObserver<ChunkPayload> responses) {
        if (request.getChunkIdsCount() > MAX_FETCH_IDS) {
            responses.onError(Status.RESOURCE_EXHAUSTED.withDescription("a fetch asks for at most " + MAX_FETCH_IDS + " chunks")
                    .asRuntimeException());
            return;
        }
        for (ByteString id : request.getChunkIdsList()) {
            if (id.size() != ChunkStore.ID_LENGTH) {
                responses.onError(Status.INVALID_ARGUMENT.withDescription("a chunk id is " + ChunkStore.ID_LENGTH + " bytes, got "
                        + id.size()).asRuntimeException());
                return;
            }
        }
        new ChunkFetch(request.getChunkIdsList(), (ServerCallStreamObserver<ChunkPayload>) responses, chunks, metrics).drain();
    }
}
