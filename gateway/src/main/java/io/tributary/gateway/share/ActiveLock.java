package io.tributary.gateway.share;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A granted write lock.
 *
 * @param token     {@code urn:uuid:<uuid>}, unique within the share and never reused
 * @param root      the path the lock was taken on
 * @param exclusive exclusive rather than shared
 * @param deep      Depth infinity: the lock also covers everything below {@code root}
 * @param ownerXml  the client's DAV:owner element as XML text, or null when it sent none
 * @param principal the authenticated user holding the lock; only their requests may use the token
 * @param timeout   the granted (possibly capped) timeout
 * @param expires   when the lock lapses unless refreshed
 */
public record ActiveLock(String token, SharePath root, boolean exclusive, boolean deep, String ownerXml,
                         String principal, Duration timeout, Instant expires) {
    public ActiveLock {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(expires, "expires");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("lock timeout must be positive: " + timeout);
        }
    }

    /** True if this lock applies to {@code path}: it is the root, or the lock is deep and path lies below. */
    public boolean covers(SharePath path) {
        return deep ? path.startsWith(root) : path.equals(root);
    }

    /** True until {@code expires}; a lock is dead from that instant on. */
    public boolean isLiveAt(Instant now) {
        return now.isBefore(expires);
    }
}
