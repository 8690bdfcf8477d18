package io.tributary.gateway.uplink;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.tributary.gateway.chunk.RemoteChunks;
import io.tributary.proto.ChunkId;
import io.tributary.proto.v1.ChunkPayload;
import io.tributary.proto.v1.FetchChunksRequest;
import io.tributary.proto.v1.IngestGrpc;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/** Fetches chunks that are not cached here from central's FetchChunks stream. */
final class CentralChunks implements RemoteChunks {
    private static final long DEADLINE_SECONDS = 60;

    private final IngestGrpc.IngestBlockingStub stub;

    CentralChunks(Channel channel) {
        this.stub = IngestGrpc.newBlockingStub(channel).withMaxInboundMessageSize(Uplink.MAX_MESSAGE_BYTES);
    }

    @Override
    public Fetched fetch(ChunkId id) throws IOException {
        byte[] want = id.toBytes();
        try {
            Iterator<ChunkPayload> it = stub.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
                    .fetchChunks(FetchChunksRequest.newBuilder().addChunkIds(ByteString.copyFrom(want)).build());
            if (!it.hasNext()) {
                throw new IOException("central sent nothing for chunk " + id);
            }
            ChunkPayload p = it.next();
            if (!Arrays.equals(p.getChunkId().toByteArray(), want)) {
                throw new IOException("central sent another chunk than " + id);
            }
            while (it.hasNext()) {
                it.next(); // drain, so the call ends cleanly
            }
            List<ChunkId> bases = new ArrayList<>(p.getDeltaBasesCount());
            for (ByteString base : p.getDeltaBasesList()) {
                if (base.size() != ChunkId.LENGTH) {
                    throw new IOException("central sent chunk " + id + " with a malformed delta base id");
                }
                bases.add(ChunkId.of(base.toByteArray()));
            }
            return new Fetched(p.getSealed().toByteArray(), bases);
        } catch (StatusRuntimeException e) {
            throw new IOException("cannot fetch chunk " + id + " from central: " + e.getStatus().getCode()
                    + (e.getStatus().getDescription() == null ? "" : " " + e.getStatus().getDescription()), e);
        }
    }
}
