package io.tributary.gateway.webdav;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import io.tributary.gateway.share.ActiveLock;
import io.tributary.gateway.share.Entry;
import io.tributary.gateway.share.LockManager;
import io.tributary.gateway.share.ShareException;
import io.tributary.gateway.share.ShareNamespace;
import org.w3c.dom.Document;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * LOCK (RFC 4918 section 9.10): a body asks for a new lock, no body refreshes one named in the If
 * header. Locking an unmapped URL creates an empty file there (section 7.3), which is what Windows
 * and Office expect before they write a new document.
 */
final class LockHandler implements DavMethod {
    @Override
    public void handle(DavRequest request, ServerResponse res) throws IOException {
        Optional<Document> body = SecureXml.readBody(request.http(), request.limits().maxXmlBodyBytes());
        Duration timeout = Timeout.parse(request.header(DavHeaders.TIMEOUT).orElse(null));
        if (body.isEmpty()) {
            refresh(request, res, timeout);
        } else {
            lock(request, res, LockRequest.parse(body.get()), timeout);
        }
    }

    private static void lock(DavRequest request, ServerResponse res, LockRequest asked, Duration timeout) {
        DavAddress target = request.target();
        Depth depth = Depth.parse(request.header(DavHeaders.DEPTH).orElse(null), Depth.INFINITY);
        if (depth == Depth.ONE) {
            throw DavException.badRequest("LOCK takes Depth 0 or infinity, not 1");
        }
        ShareNamespace ns = request.namespace();
        LockManager locks = ns.locks();
        WriteCheck.preconditions(request);
        Optional<Entry> existing = ns.stat(target.path());
        if (existing.isEmpty()) {
            WriteCheck.writable(request, target, false);
            WriteCheck.membershipWritable(request, target);
        }
        ActiveLock lock;
        try {
            lock = locks.lock(target.path(), asked.exclusive(), depth == Depth.INFINITY, asked.ownerXml(),
                    request.principal(), timeout);
        } catch (ShareException e) {
            if (e.kind() != ShareException.Kind.LOCKED) {
                throw e;
            }
            // A new deep lock also conflicts with locks below it, so those roots are named too.
            List<ActiveLock> conflicting = new ArrayList<>(locks.covering(target.path()));
            if (depth == Depth.INFINITY) {
                conflicting.addAll(locks.within(target.path()));
            }
            List<String> roots = conflicting.stream().map(l -> target.at(l.root()).href(false)).distinct().toList();
            throw DavException.condition(Status.LOCKED_423, "no-conflicting-lock", roots, e.getMessage());
        }
        boolean created = false;
        if (existing.isEmpty()) {
            // Locked first, then created: nobody can slip a write in between.
            try {
                ns.write(target.path(), InputStream.nullInputStream(), 0);
                created = true;
            } catch (RuntimeException e) {
                locks.unlock(target.path(), lock.token());
                throw e;
            }
        }
        res.header(DavHeaders.LOCK_TOKEN, "<" + lock.token() + ">");
        send(res, created ? Status.CREATED_201 : Status.OK_200, locks.covering(target.path()), target.share());
    }

    private static void refresh(DavRequest request, ServerResponse res, Duration timeout) {
        DavAddress target = request.target();
        IfHeader ifHeader = request.ifHeader().orElseThrow(() -> DavException.badRequest(
                "a LOCK without a body refreshes a lock and needs an If header with the lock's token"));
        WriteCheck.preconditions(request);
        LockManager locks = request.namespace().locks();
        for (String token : ifHeader.submittedTokens()) {
            Optional<ActiveLock> held = locks.byToken(token);
            if (held.isEmpty() || !held.get().principal().equals(request.principal())) {
                continue;  // someone else's token refreshes nothing
            }
            Optional<ActiveLock> refreshed = locks.refresh(target.path(), token, timeout);
            if (refreshed.isPresent()) {
                send(res, Status.OK_200, List.of(refreshed.get()), target.share());
                return;
            }
        }
        throw DavException.condition(Status.PRECONDITION_FAILED_412, "lock-token-matches-request-uri", List.of(),
                "no lock of yours named in the If header covers " + target);
    }

    private static void send(ServerResponse res, Status status, List<ActiveLock> locks, String share) {
        String body = DavXml.DECLARATION + "<D:prop xmlns:D=\"DAV:\">" + LockXml.lockDiscovery(locks, share)
                + "</D:prop>\n";
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, DavXml.CONTENT_TYPE);
        res.send(body.getBytes(StandardCharsets.UTF_8));
    }
}
