package io.tributary.gateway.webdav;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import io.tributary.gateway.share.ActiveLock;
import io.tributary.gateway.share.LockManager;

import java.util.List;
import java.util.Optional;

/** UNLOCK (RFC 4918 section 9.11): removes the lock named in Lock-Token, if it covers the request URI. */
final class UnlockHandler implements DavMethod {
    @Override
    public void handle(DavRequest request, ServerResponse res) {
        DavAddress target = request.target();
        String token = parseLockToken(request.header(DavHeaders.LOCK_TOKEN).orElseThrow(
                () -> DavException.badRequest("UNLOCK needs a Lock-Token header")));
        LockManager locks = request.namespace().locks();
        Optional<ActiveLock> lock = locks.byToken(token);
        if (lock.isPresent() && !lock.get().principal().equals(request.principal())) {
            throw DavException.of(Status.FORBIDDEN_403, "the lock " + token + " belongs to another user");
        }
        if (!locks.unlock(target.path(), token)) {
            throw DavException.condition(Status.CONFLICT_409, "lock-token-matches-request-uri", List.of(),
                    "no live lock " + token + " covers " + target);
        }
        res.status(Status.NO_CONTENT_204).send();
    }

    /** The token inside {@code <...>}, as Lock-Token carries it (RFC 4918 section 10.5). */
    static String parseLockToken(String header) {
        String v = header.strip();
        if (v.length() < 3 || v.charAt(0) != '<' || v.charAt(v.length() - 1) != '>') {
            throw DavException.badRequest("Lock-Token must be a token in angle brackets, like <urn:uuid:...>");
        }
        return v.substring(1, v.length() - 1);
    }
}
