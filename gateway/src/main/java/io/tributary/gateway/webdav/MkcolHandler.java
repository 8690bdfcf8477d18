package io.tributary.gateway.webdav;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import io.tributary.gateway.share.Entry;
import io.tributary.gateway.share.ShareNamespace;

import java.util.Optional;

/** MKCOL: creates one collection. Bodies (RFC 4918 leaves their meaning open) are refused with 415. */
final class MkcolHandler implements DavMethod {
    @Override
    public void handle(DavRequest request, ServerResponse res) {
        DavAddress target = request.target();
        if (request.http().content().hasEntity()) {
            throw DavException.of(Status.UNSUPPORTED_MEDIA_TYPE_415, "MKCOL with a request body is not supported");
        }
        ShareNamespace ns = request.namespace();
        Optional<Entry> existing = target.path().isRoot() ? Optional.empty() : ns.stat(target.path());
        if (target.path().isRoot() || existing.isPresent()) {
            boolean file = existing.isPresent() && !existing.get().directory();
            throw DavException.of(Status.METHOD_NOT_ALLOWED_405, target + " already exists")
                    .header("Allow", file ? OptionsHandler.FILE_ALLOW : OptionsHandler.COLLECTION_ALLOW);
        }
        WriteCheck.preconditions(request);
        WriteCheck.writable(request, target, false);
        WriteCheck.membershipWritable(request, target);
        ns.mkdir(target.path());
        res.status(Status.CREATED_201).send();
    }
}
