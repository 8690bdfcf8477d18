package io.tributary.gateway.webdav;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import io.tributary.gateway.share.Entry;
import io.tributary.gateway.share.ShareNamespace;
import io.tributary.gateway.share.WriteResult;

import java.io.InputStream;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * PUT: streams the body into a new version of the file, never holding it whole; the namespace
 * answers once it is durable. A declared length over the limit is refused before a byte is read;
 * a chunked body over it is cut off by the namespace.
 */
final class PutHandler implements DavMethod {
    @Override
    public void handle(DavRequest request, ServerResponse res) throws Exception {
        DavAddress target = request.target();
        if (target.path().isRoot()) {
            throw DavException.of(Status.METHOD_NOT_ALLOWED_405, target + " is a share's root; PUT files inside it")
                    .header("Allow", OptionsHandler.COLLECTION_ALLOW);
        }
        if (request.header(HeaderNames.CONTENT_RANGE).isPresent()) {
            // RFC 9110 section 14.5: a server that does not do partial PUT must refuse it, not write the part.
            throw DavException.badRequest("partial PUT (Content-Range) is not supported; send the whole file");
        }
        long max = request.limits().maxUploadBytes();
        OptionalLong declared = request.http().headers().contentLength();
        if (declared.isPresent() && declared.getAsLong() > max) {
            throw DavException.of(Status.REQUEST_ENTITY_TOO_LARGE_413,
                    "the file is " + declared.getAsLong() + " bytes; the limit is " + max);
        }
        ShareNamespace ns = request.namespace();
        Optional<Entry> existing = ns.stat(target.path());
        if (existing.isPresent() && existing.get().directory()) {
            throw DavException.of(Status.METHOD_NOT_ALLOWED_405, target + " is a collection; PUT cannot replace it")
                    .header("Allow", OptionsHandler.COLLECTION_ALLOW);
        }
        Optional<Status> condition = HttpConditions.evaluate(request, existing, false);
        if (condition.isPresent()) {
            throw DavException.of(condition.get(), "the conditional headers do not hold for " + target);
        }
        WriteCheck.preconditions(request);
        WriteCheck.writable(request, target, false);
        if (existing.isEmpty()) {
            WriteCheck.membershipWritable(request, target);
        }
        InputStream body = request.http().content().hasEntity()
                ? request.http().content().inputStream() : InputStream.nullInputStream();
        WriteResult result = ns.write(target.path(),
                new CountedInputStream(body, request.context().metrics().webdavBytesIn), max);
        res.header(HeaderNames.ETAG, result.entry().etag());
        res.status(result.created() ? Status.CREATED_201 : Status.NO_CONTENT_204).send();
    }
}
