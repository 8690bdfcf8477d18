package io.tributary.central.observe;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;

import java.util.function.IntSupplier;

/**
 * Central's metrics, registered once and handed to the parts that move them. Counters are
 * exported with a {@code _total} suffix. Names are part of the product: docs/central.md.
 */
public final class CentralMetrics {
    private final MetricRegistry registry = new MetricRegistry();

    /** Sealed chunk bytes that arrived from gateways, before dedupe. */
    public final Counter chunkBytesReceived = registry.counter("central_chunk_bytes_received");
    /** Sealed chunk bytes written to the chunk store (new chunks only). */
    public final Counter chunkBytesStored = registry.counter("central_chunk_bytes_stored");
    public final Counter chunksStored = registry.counter("central_chunks_stored");
    /** Of the chunks stored, those that arrived as a delta against chunks central had. */
    public final Counter chunkDeltasStored = registry.counter("central_chunk_deltas_stored");
    /** Chunks that arrived although central held them already. */
    public final Counter chunksDeduplicated = registry.counter("central_chunks_deduplicated");
    public final Counter operationsCommitted = registry.counter("central_operations_committed");
    public final Counter operationsSkipped = registry.counter("central_operations_skipped");
    public final Counter conflicts = registry.counter("central_conflicts");
    public final Counter feedChangesSent = registry.counter("central_feed_changes_sent");
    public final Counter fetchChunkBytes = registry.counter("central_fetch_chunk_bytes");
    /** Sessions ended by central with an error status (bad input, a refused batch, a newer session). */
    public final Counter sessionsRefused = registry.counter("central_sessions_refused");

    /** TLS client certificates refused at the handshake (another CA, expired, revoked). */
    public final Counter tlsRefused = registry.counter("central_tls_client_certificates_refused");
    /** TLS handshakes refused on the gRPC port, for any reason (each also logged with its reason). */
    public final Counter tlsHandshakesRefused = registry.counter("central_tls_handshakes_refused");
    /** Sessions cut off because their certificate was revoked or expired while they were open. */
    public final Counter sessionsCutOff = registry.counter("central_sessions_cut_off");

    public MetricRegistry registry() {
        return registry;
    }

    /** Registers the open-sessions gauge, read from {@code open} at each scrape. */
    public void sessions(IntSupplier open) {
        registry.register("central_sessions", (Gauge<Integer>) open::getAsInt);
    }
}
