package io.tributary.gateway.webdav;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import io.tributary.gateway.share.Entry;
import io.tributary.gateway.share.ShareNamespace;
import io.tributary.gateway.share.SharePath;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * GET and HEAD. A file is streamed from the namespace in 64 KiB pieces, with a single byte range
 * served as a 206. A collection, and the service root, answer with a small HTML listing of their
 * members ({@link CollectionPage}), bounded like a PROPFIND.
 */
final class GetHandler implements DavMethod {
    private static final int BUFFER_BYTES = 64 * 1024;

    @Override
    public void handle(DavRequest request, ServerResponse res) throws IOException {
        DavAddress target = request.target();
        if (target.isServiceRoot()) {
            List<CollectionPage.Link> links = new ArrayList<>();
            int omitted = 0;
            for (ShareNamespace share : request.context().shares().all()) {
                if (links.size() < request.limits().maxPropfindEntries()) {
                    links.add(new CollectionPage.Link(new DavAddress(share.name(), SharePath.ROOT).href(true), share.name() + "/"));
                } else {
                    omitted++;
                }
            }
            sendPage(request, res, "Shares", links, omitted);
            return;
        }
        ShareNamespace ns = request.namespace();
        Entry found = ns.stat(target.path()).orElseThrow(() -> notFound(target));
        if (found.directory()) {
            sendListing(request, res, ns, target);
            return;
        }
        // Headers and body from one snapshot: a version that lands meanwhile cannot cut the body short.
        try (ShareNamespace.OpenedFile file = ns.open(target.path())) {
            send(request, res, target, file);
        }
    }

    private static void send(DavRequest request, ServerResponse res, DavAddress target, ShareNamespace.OpenedFile file)
            throws IOException {
        Entry entry = file.entry();
        res.header(HeaderNames.ETAG, entry.etag());
        if (entry.modified() != null) {
            res.header(HeaderNames.LAST_MODIFIED, HttpDates.rfc1123(entry.modified()));
        }
        res.header(HeaderNames.ACCEPT_RANGES, "bytes");
        Optional<Status> condition = HttpConditions.evaluate(request, Optional.of(entry), true);
        if (condition.isPresent()) {
            if (condition.get().code() == Status.NOT_MODIFIED_304_CODE) {
                res.status(Status.NOT_MODIFIED_304).send();
                return;
            }
            throw DavException.of(condition.get(), "the conditional headers do not hold for " + target);
        }
        long size = entry.size();
        ByteRange range = rangeHonoured(request, entry)
                ? ByteRange.select(request.header(HeaderNames.RANGE).orElse(null), size) : new ByteRange.Whole();
        long offset = 0;
        long length = size;
        switch (range) {
            case ByteRange.Whole whole -> res.status(Status.OK_200);
            case ByteRange.Part part -> {
                offset = part.first();
                length = part.length();
                res.status(Status.PARTIAL_CONTENT_206);
                res.header(HeaderNames.CONTENT_RANGE, "bytes " + part.first() + "-" + part.last() + "/" + size);
            }
            case ByteRange.Unsatisfiable none -> throw DavException.of(Status.REQUESTED_RANGE_NOT_SATISFIABLE_416,
                    "the requested range lies outside the file's " + size + " bytes")
                    .header("Content-Range", "bytes */" + size);
        }
        res.header(HeaderNames.CONTENT_TYPE, ContentTypes.forName(entry.name()));
        res.contentLength(length);
        if (request.isHead() || length == 0) {
            res.send();
            return;
        }
        stream(request, res, file, target.path(), offset, length, length != size);
    }

    private static void stream(DavRequest request, ServerResponse res, ShareNamespace.OpenedFile file, SharePath path,
                               long offset, long length, boolean partial) throws IOException {
        try (InputStream in = file.stream(offset, partial ? length : -1)) {
            request.startStreaming();
            try (OutputStream out = res.outputStream()) {
                byte[] buffer = new byte[Math.clamp(length, 1, BUFFER_BYTES)];
                long remaining = length;
                while (remaining > 0) {
                    int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
                    if (n < 0) {
                        throw new IOException(path + " ended " + remaining + " bytes before its recorded size");
                    }
                    out.write(buffer, 0, n);
                    remaining -= n;
                    request.context().metrics().webdavBytesOut.inc(n);
                }
            }
        }
    }

    /** If-Range: serve the range only if the representation is still the one the client has part of. */
    private static boolean rangeHonoured(DavRequest request, Entry entry) {
        Optional<String> ifRange = request.header(HeaderNames.IF_RANGE);
        if (ifRange.isEmpty()) {
            return true;
        }
        String v = ifRange.get().strip();
        if (v.startsWith("\"") || v.startsWith("W/")) {
            return v.equals(entry.etag());
        }
        return entry.modified() != null && HttpDates.parseRfc1123(v)
                .map(d -> d.equals(entry.modified().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)))
                .orElse(false);
    }

    private static void sendListing(DavRequest request, ServerResponse res, ShareNamespace ns, DavAddress target) {
        List<CollectionPage.Link> links = new ArrayList<>();
        if (!target.path().isRoot()) {
            links.add(new CollectionPage.Link(target.at(target.path().parent()).href(true), "../"));
        }
        List<Entry> children = ns.list(target.path());
        int shown = Math.min(children.size(), request.limits().maxPropfindEntries());
        for (Entry child : children.subList(0, shown)) {
            DavAddress address = target.at(target.path().child(child.name()));
            links.add(new CollectionPage.Link(address.href(child.directory()),
                    child.name() + (child.directory() ? "/" : "")));
        }
        sendPage(request, res, "Index of " + target, links, children.size() - shown);
    }

    private static void sendPage(DavRequest request, ServerResponse res, String title,
                                 List<CollectionPage.Link> links, int omitted) {
        byte[] page = CollectionPage.render(title, links, omitted);
        res.header(HeaderNames.CONTENT_TYPE, CollectionPage.CONTENT_TYPE);
        res.header("Content-Security-Policy", CollectionPage.CONTENT_SECURITY_POLICY);
        if (request.isHead()) {
            res.contentLength(page.length);
            res.send();
        } else {
            res.send(page);
        }
    }

    static DavException notFound(DavAddress target) {
        return DavException.of(Status.NOT_FOUND_404, target + " does not exist");
    }
}
