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
    public final Counter authFailures = registry.counter("tributary_auth_failures");
    /** Commits that shared one durable flush: the size of each group commit. */
    public final Histogram groupCommitSize = registry.register("tributary_group_commit_size",
            new Histogram(new SlidingTimeWindowArrayReservoir(1, TimeUnit.MINUTES)));

    public MetricRegistry registry() {
        return registry;
    }
}
