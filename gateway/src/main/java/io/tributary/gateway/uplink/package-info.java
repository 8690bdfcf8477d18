/**
 * The gateway's link to central. The uplink tails the journal from the last position central
 * acknowledged, coalesces what it reads, sends only the chunks central lacks, commits the
 * operations and advances on each acknowledgement; it reconnects with backoff and resumes
 * exactly where central stopped. The downlink applies other branches' changes to the local
 * namespace as they arrive, and {@link io.tributary.gateway.uplink.CentralChunks} fetches chunks
 * that are not cached here. Reads {@code journal}, writes through {@code share}; nothing below
 * calls up into this package.
 */
package io.tributary.gateway.uplink;
