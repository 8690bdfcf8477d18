/**
 * The chunk pipeline: content-defined chunking with FastCDC, chunk ids as keyed hashes of the
 * plaintext, and sealing (zstd when it pays, then AES-256-GCM) of what is stored and shipped. These
 * are the primitives the upload path strings together; they hold no state beyond one stream.
 */
package io.tributary.gateway.chunk;
