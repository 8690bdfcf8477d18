package io.tributary.gateway.webdav;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import io.tributary.gateway.share.Entry;
import io.tributary.gateway.share.ShareNamespace;

import java.util.Locale;
import java.util.Optional;

/**
 * COPY and MOVE within one share (RFC 4918 sections 9.8 and 9.9). Both are one namespace change, so
 * they succeed or fail whole. MOVE needs the locks of everything it takes away and drops them
 * afterwards; both need the locks of whatever they replace at the destination.
 */
final class CopyMoveHandler implements DavMethod {
    private final boolean move;

    /** @param move MOVE rather than COPY */
    CopyMoveHandler(boolean move) {
        this.move = move;
    }

    @Override
    public void handle(DavRequest request, ServerResponse res) {
        String verb = move ? "MOVE" : "COPY";
        DavAddress source = request.target();
        if (source.path().isRoot()) {
            throw DavException.of(Status.FORBIDDEN_403, source + " is a share's root and cannot be "
                    + (move ? "moved" : "copied"));
        }
        String header = request.header(DavHeaders.DESTINATION)
                .orElseThrow(() -> DavException.badRequest(verb + " needs a Destination header"));
        DavAddress destination = Destination.resolve(header, request.origin());
        if (destination.isServiceRoot() || !destination.share().equals(source.share())) {
            throw DavException.of(Status.BAD_GATEWAY_502, "the Destination " + destination
                    + " is outside the share " + source.share() + "; " + verb + " works within one share");
        }
        if (destination.path().isRoot()) {
            throw DavException.of(Status.FORBIDDEN_403, "the Destination is the share's root, which cannot be replaced");
        }
        if (destination.path().equals(source.path())) {
            throw DavException.of(Status.FORBIDDEN_403, "the source and the Destination are the same resource");
        }
        boolean overwrite = overwrite(request.header(DavHeaders.OVERWRITE).orElse(null));
        ShareNamespace ns = request.namespace();
        Entry entry = ns.stat(source.path()).orElseThrow(() -> GetHandler.notFound(source));
        boolean recursive = true;
        if (entry.directory()) {
            Depth depth = Depth.parse(request.header(DavHeaders.DEPTH).orElse(null), Depth.INFINITY);
            if (move && depth != Depth.INFINITY) {
                throw DavException.badRequest("MOVE of a collection always has Depth: infinity (RFC 4918 section 9.9.2)");
            }
            if (depth == Depth.ONE) {
                throw DavException.badRequest("COPY of a collection takes Depth 0 or infinity, not 1");
            }
            recursive = depth == Depth.INFINITY;
            if (destination.path().startsWith(source.path())) {
                throw DavException.of(Status.FORBIDDEN_403, "cannot " + verb.toLowerCase(Locale.ROOT) + " "
                        + source + " into itself (" + destination + ")");
            }
        }
        Optional<Entry> existing = ns.stat(destination.path());
        if (existing.isPresent() && !overwrite) {
            throw DavException.of(Status.PRECONDITION_FAILED_412,
                    destination + " exists and the request says Overwrite: F");
        }
        WriteCheck.preconditions(request);
        if (move) {
            WriteCheck.writable(request, source, true);
            WriteCheck.membershipWritable(request, source);
        }
        WriteCheck.writable(request, destination, existing.isPresent());
        WriteCheck.membershipWritable(request, destination);
        boolean replaced = move
                ? ns.move(source.path(), destination.path(), overwrite)
                : ns.copy(source.path(), destination.path(), overwrite, recursive);
        if (move) {
            ns.locks().release(source.path());
        }
        res.status(replaced ? Status.NO_CONTENT_204 : Status.CREATED_201).send();
    }

    /** The Overwrite header: T (the default) or F. */
    static boolean overwrite(String header) {
        if (header == null) {
            return true;
        }
        return switch (header.strip()) {
            case "T", "t" -> true;
            case "F", "f" -> false;
            default -> throw DavException.badRequest("Overwrite must be T or F, not '" + header + "'");
        };
    }
}
