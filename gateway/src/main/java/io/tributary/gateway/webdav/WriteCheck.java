package io.tributary.gateway.webdav;

import io.helidon.http.Status;
import io.tributary.gateway.share.ActiveLock;
import io.tributary.gateway.share.LockManager;
import io.tributary.gateway.share.ShareException;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The checks every write method makes before changing anything: the If header must match (else 412),
 * and every lock on what the request changes must be one whose token the request submitted (else 423
 * naming the lock roots, RFC 4918 section 16 "lock-token-submitted").
 */
final class WriteCheck {
    private WriteCheck() {
    }

    /** Evaluates the If header, when there is one; call once per request. */
    static void preconditions(DavRequest request) {
        if (request.ifHeader().isPresent() && !request.ifHeader().get().matches(new IfState(request))) {
            throw DavException.of(Status.PRECONDITION_FAILED_412,
                    "the If header's conditions do not hold: " + request.ifHeader().get());
        }
    }

    /**
     * Requires that the request may modify {@code address}.
     *
     * @param recursive also everything below it (DELETE, MOVE, and COPY or MOVE over a collection)
     */
    static void writable(DavRequest request, DavAddress address, boolean recursive) {
        LockManager locks = request.namespaceOf(address.share()).orElseThrow().locks();
        Set<String> tokens = request.ifHeader().map(IfHeader::submittedTokens).orElse(Set.of());
        try {
            locks.checkWritable(address.path(), tokens, request.principal(), recursive);
        } catch (ShareException e) {
            if (e.kind() != ShareException.Kind.LOCKED) {
                throw e;
            }
            Set<String> roots = new LinkedHashSet<>();
            List<ActiveLock> blocking = locks.covering(address.path());
            for (ActiveLock lock : blocking) {
                roots.add(address.at(lock.root()).href(false));
            }
            if (recursive) {
                for (ActiveLock lock : locks.within(address.path())) {
                    if (!tokens.contains(lock.token())) {
                        roots.add(address.at(lock.root()).href(false));
                    }
                }
            }
            throw DavException.condition(Status.LOCKED_423, "lock-token-submitted", List.copyOf(roots), e.getMessage());
        }
    }

    /**
     * Requires that the request may add or remove {@code address} in its parent collection: a lock on
     * the parent, even a depth-0 one, protects its membership (RFC 4918 section 7.4).
     */
    static void membershipWritable(DavRequest request, DavAddress address) {
        if (!address.path().isRoot()) {
            writable(request, address.at(address.path().parent()), false);
        }
    }
}
