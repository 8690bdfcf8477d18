/**
 * Block deltas: a new chunk told as copies of blocks of old bytes the receiver has, plus the
 * literal bytes between them, as rsync tells files. The receiver describes its old bytes by
 * {@link io.tributary.gateway.delta.BlockSignatures} (a rolling weak sum and a strong hash per
 * block); the sender, which no longer has those bytes, finds them in its new chunk with
 * {@link io.tributary.gateway.delta.BlockDelta#encode} and the receiver rebuilds the chunk with
 * {@link io.tributary.gateway.delta.BlockDelta#apply}, checking every reference.
 */
package io.tributary.gateway.delta;
