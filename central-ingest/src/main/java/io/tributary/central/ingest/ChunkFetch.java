package io.tributary.central.ingest;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.tributary.central.chunks.ChunkStore;
import io.tributary.central.observe.CentralMetrics;
import io.tributary.proto.v1.ChunkPayload;

import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** One FetchChunks call: sends the requested chunks in order, as fast as the client reads them. */
final class ChunkFetch {
    private final List<ByteString> ids;
    private final ServerCallStreamObserver<ChunkPayload> out;
    private final ChunkStore chunks;
    private final CentralMetrics metrics;
    private int next;
    private boolean done;

    ChunkFetch(List<ByteString> ids, ServerCallStreamObserver<ChunkPayload> out, ChunkStore chunks, CentralMetrics metrics) {
        this.ids = ids;
        this.out = out;
        this.chunks = chunks;
        this.metrics = metrics;
        out.setOnReadyHandler(this::drain);
        out.setOnCancelHandler(this::cancelled);
    }

    private synchronized void cancelled() {
        done = true;
    }

    /** Sends while the transport is ready; onReady calls back for the rest. */
    synchronized void drain() {
        try {
            while (!done && next < ids.size() && out.isReady()) {
                byte[] id = ids.get(next).toByteArray();
                Optional<ChunkStore.Stored> stored = chunks.read(id);
                if (stored.isEmpty()) {
                    done = true;
                    out.onError(Status.NOT_FOUND.withDescription("chunk " + HexFormat.of().formatHex(id) + " is not at central")
                            .asRuntimeException());
                    return;
                }
                ChunkPayload.Builder payload = ChunkPayload.newBuilder().setChunkId(ids.get(next))
                        .setSealed(ByteString.copyFrom(stored.get().sealed()));
                stored.get().bases().forEach(b -> payload.addDeltaBases(ByteString.copyFrom(b)));
                out.onNext(payload.build());
                metrics.fetchChunkBytes.inc(stored.get().sealed().length);
                next++;
            }
            if (!done && next == ids.size()) {
                done = true;
                out.onCompleted();
            }
        } catch (IOException e) {
            done = true;
            out.onError(Status.UNAVAILABLE.withDescription("central could not read a chunk: " + e.getMessage()).asRuntimeException());
        } catch (RuntimeException e) {
            // cancelled meanwhile
            done = true;
        }
    }
}
