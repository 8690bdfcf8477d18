package io.tributary.gateway.share;

/** The file as stored after a write, and whether the write created it. */
public record WriteResult(Entry entry, boolean created) {
}
