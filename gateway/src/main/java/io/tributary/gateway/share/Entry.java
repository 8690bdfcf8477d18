package io.tributary.gateway.share;

import java.time.Instant;

/**
 * What the namespace knows of one file or directory.
 *
 * @param nodeId   stable id of the node; survives renames
 * @param version  bumped on every content or metadata change; the ETag is derived from it
 */
public record Entry(long nodeId, String name, boolean directory, long size, Instant modified, Instant created,
                    long version) {

    /** A strong ETag: node and version, so a rename keeps it and a rewrite changes it. */
    public String etag() {
        return "\"" + Long.toHexString(nodeId) + "-" + Long.toHexString(version) + "\"";
    }
}
