/**
 * Chunks, the unit of dedupe, storage and shipping: content-defined chunking with FastCDC, chunk
 * ids as keyed hashes of the plaintext, sealing (zstd when it pays, then AES-256-GCM), and the
 * gateway's store of sealed chunks built on them.
 */
package io.tributary.gateway.chunk;
