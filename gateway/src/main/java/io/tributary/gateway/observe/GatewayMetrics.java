package io.tributary.gateway.observe;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.SlidingTimeWindowArrayReservoir;

import java.util.concurrent.TimeUnit;

/**
 * The gateway's metrics, registered once and handed to the parts that move them.
 * Names are part of the product: docs/metrics.md documents each one.
 */
public final class GatewayMetrics {
    private final MetricRegistry registry = new MetricRegistry();

    /** Bytes of file content received from clients, per protocol. */
    public final Counter webdavBytesIn = registry.counter("tributary_client_webdav_received_bytes");
    /** Bytes of file content sent to clients, per protocol. */
    public final Counter webdavBytesOut = registry.counter("tributary_client_webdav_sent_bytes");
    /** Chunk bytes LAN API clients sent (only chunks the gateway lacked), and file bytes they read. */
    public final Counter lanBytesIn = registry.counter("tributary_client_lan_received_bytes");
    public final Counter lanBytesOut = registry.counter("tributary_client_lan_sent_bytes");
    /** Bytes of files LAN clients wrote whose chunks the gateway had already, so they were not sent. */
    public final Counter lanBytesDeduplicated = registry.counter("tributary_client_lan_deduplicated_bytes");
    /** Chunks LAN clients sent as block deltas against the old chunks they replace. */
    public final Counter lanDeltaChunks = registry.counter("tributary_client_lan_delta_chunks");
    /** Files LAN clients were told to begin again shortly, the gateway holding as many under way as it may. */
    public final Counter lanWritesDeferred = registry.counter("tributary_lan_writes_deferred");
    /** LAN API calls, and those refused for missing or wrong credentials. */
    public final Counter lanCalls = registry.counter("tributary_lan_calls");
    public final Counter lanUnauthenticated = registry.counter("tributary_lan_unauthenticated_calls");
    /** WebDAV requests answered, and those answered with 4xx/5xx. */
    public final Counter webdavRequests = registry.counter("tributary_webdav_requests");
    public final Counter webdavClientErrors = registry.counter("tributary_webdav_client_errors");
    public final Counter webdavServerErrors = registry.counter("tributary_webdav_server_errors");
    /** Plaintext bytes of all chunks written by clients, before dedupe. */
    public final Counter chunkLogicalBytes = registry.counter("tributary_chunk_logical_bytes");
    /** Plaintext bytes of chunks that were new and so were stored (after dedupe). */
    public final Counter chunkStoredBytes = registry.counter("tributary_chunk_stored_bytes");
    /** Bytes of sealed (compressed, encrypted) chunks written to the SSD tier. */
    public final Counter chunkSealedBytes = registry.counter("tributary_chunk_sealed_bytes");
    public final Counter chunksStored = registry.counter("tributary_chunks_stored");
    public final Counter chunksDeduplicated = registry.counter("tributary_chunks_deduplicated");
    public final Counter chunksReclaimed = registry.counter("tributary_chunks_reclaimed");
    public final Counter journalEntries = registry.counter("tributary_journal_appended_entries");
    public final Counter journalSyncs = registry.counter("tributary_journal_syncs");
    /** Journal roll files deleted because central has, and the namespace applied, all they hold. */
    public final Counter journalFilesTrimmed = registry.counter("tributary_journal_files_trimmed");
    public final Counter authFailures = registry.counter("tributary_auth_failures");
    /** TLS handshakes refused on the LAN API port, for any reason (each also logged with its reason). */
    public final Counter tlsHandshakesRefused = registry.counter("tributary_tls_handshakes_refused");
    /** Audit records sent to central (a record may be sent again after a reconnect). */
    public final Counter auditRecordsSent = registry.counter("tributary_audit_records_sent");
    /** Signed-in requests refused because the share's rules do not let that user do that. */
    public final Counter accessDenied = registry.counter("tributary_access_denied");
    /** Chunks fetched from central on a read that missed the local cache, and their sealed bytes. */
    public final Counter cacheFills = registry.counter("tributary_cache_fills");
    public final Counter cacheFillBytes = registry.counter("tributary_cache_fill_bytes");
    /** Every byte of protocol messages sent to central (chunks, commits, questions, heartbeats), and received. */
    public final Counter upstreamBytes = registry.counter("tributary_upstream_bytes");
    public final Counter downstreamBytes = registry.counter("tributary_downstream_bytes");
    /** Sealed chunk bytes sent to central (only those it lacked), and chunks it already had. */
    public final Counter upstreamChunkBytes = registry.counter("tributary_upstream_chunk_bytes");
    public final Counter upstreamChunksSkipped = registry.counter("tributary_upstream_chunks_present");
    /** Of the chunks sent, those sent as a delta against chunks they replaced. */
    public final Counter upstreamChunkDeltas = registry.counter("tributary_upstream_chunk_deltas");
    /** File versions whose manifest went up as an edit of the version they replaced. */
    public final Counter upstreamManifestEdits = registry.counter("tributary_upstream_manifest_edits");
    /** Deltas fetched from central and rebuilt here against their bases. */
    public final Counter deltasApplied = registry.counter("tributary_chunk_deltas_applied");
    /** Operations sent to central and acknowledged; journal entries coalesced away before sending. */
    public final Counter upstreamOperations = registry.counter("tributary_upstream_operations");
    public final Counter upstreamCoalesced = registry.counter("tributary_upstream_coalesced_entries");
    /** Changes from other branches applied here, and those skipped (already here, or local work wins). */
    public final Counter downstreamApplied = registry.counter("tributary_downstream_changes_applied");
    public final Counter downstreamSkipped = registry.counter("tributary_downstream_changes_skipped");
    /** Milliseconds from central's commit of another branch's change to its arrival here. */
    public final Histogram propagation = registry.register("tributary_propagation_millis",
            new Histogram(new SlidingTimeWindowArrayReservoir(5, TimeUnit.MINUTES)));
    /** Sessions to central opened (the first and every reconnect). */
    public final Counter upstreamSessions = registry.counter("tributary_upstream_sessions");
    /** Commits that shared one durable flush: the size of each group commit. */
    public final Histogram groupCommitSize = registry.register("tributary_group_commit_size",
            new Histogram(new SlidingTimeWindowArrayReservoir(1, TimeUnit.MINUTES)));

    /** Chunks evicted from the cache (central has them), and their sealed bytes. */
    public final Counter cacheEvictions = registry.counter("tributary_cache_evictions");
    public final Counter cacheEvictedBytes = registry.counter("tributary_cache_evicted_bytes");
    /** Writes refused with 503 because the cache was full of data central does not have yet. */
    public final Counter cacheFullRefusals = registry.counter("tributary_cache_full_refusals");

    /**
     * Traffic usage efficiency: bytes sent upstream for each byte clients changed (WebDAV bodies and
     * LAN writes, counting what dedupe kept off the LAN). Below 1 is dedupe, deltas and compression
     * at work; 0 before any change.
     */
    public final com.codahale.metrics.Gauge<Double> upstreamEfficiency = registry.gauge("tributary_upstream_efficiency_ratio",
            () -> () -> {
                long changed = webdavBytesIn.getCount() + lanBytesIn.getCount() + lanBytesDeduplicated.getCount();
                return changed == 0 ? 0.0 : (double) upstreamBytes.getCount() / changed;
            });

    /** Chunk reads served from the local store; {@link #cacheFills} counts those fetched from central. */
    public final Counter cacheHits = registry.counter("tributary_cache_hits");
    /** Share of chunk reads served locally: hits / (hits + fills); 1 before any read. */
    public final com.codahale.metrics.Gauge<Double> cacheHitRatio = registry.gauge("tributary_cache_hit_ratio", () -> () -> {
        long reads = cacheHits.getCount() + cacheFills.getCount();
        return reads == 0 ? 1.0 : (double) cacheHits.getCount() / reads;
    });
    /** Deduplication: logical chunk bytes written per chunk byte stored; 1 before any write. */
    public final com.codahale.metrics.Gauge<Double> dedupeRatio = registry.gauge("tributary_dedupe_ratio", () -> () -> {
        long stored = chunkStoredBytes.getCount();
        return stored == 0 ? 1.0 : (double) chunkLogicalBytes.getCount() / stored;
    });

    /** Registers a gauge read on each scrape. */
    public void gauge(String name, java.util.function.LongSupplier value) {
        registry.gauge(name, () -> value::getAsLong);
    }

    /** Registers a gauge with a fractional value, read on each scrape. */
    public void decimalGauge(String name, java.util.function.DoubleSupplier value) {
        registry.gauge(name, () -> value::getAsDouble);
    }

    public MetricRegistry registry() {
        return registry;
    }
}
