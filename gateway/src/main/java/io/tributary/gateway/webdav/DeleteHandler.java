package io.tributary.gateway.webdav;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import io.tributary.gateway.share.Entry;
import io.tributary.gateway.share.ShareNamespace;

import java.util.Optional;

/**
 * DELETE: removes a file, or a collection with everything under it, in one namespace change; so it
 * succeeds or fails whole and never needs a multistatus. Every lock below must be held by the
 * requester, and locks rooted at or below the resource go with it.
 */
final class DeleteHandler implements DavMethod {
    @Override
    public void handle(DavRequest request, ServerResponse res) {
        DavAddress target = request.target();
        if (target.path().isRoot()) {
            throw DavException.of(Status.FORBIDDEN_403, target + " is a share's root and cannot be deleted");
        }
        ShareNamespace ns = request.namespace();
        Entry entry = ns.stat(target.path()).orElseThrow(() -> GetHandler.notFound(target));
        if (entry.directory()
                && Depth.parse(request.header(DavHeaders.DEPTH).orElse(null), Depth.INFINITY) != Depth.INFINITY) {
            throw DavException.badRequest("DELETE of a collection always has Depth: infinity (RFC 4918 section 9.6.1)");
        }
        Optional<Status> condition = HttpConditions.evaluate(request, Optional.of(entry), false);
        if (condition.isPresent()) {
            throw DavException.of(condition.get(), "the conditional headers do not hold for " + target);
        }
        WriteCheck.preconditions(request);
        WriteCheck.writable(request, target, true);
        WriteCheck.membershipWritable(request, target);
        ns.delete(target.path());
        ns.locks().release(target.path());
        res.status(Status.NO_CONTENT_204).send();
    }
}
