package io.tributary.central.meta;

/** A share and the revision of its last change. */
public record ShareRevision(String share, long revision) {
}
