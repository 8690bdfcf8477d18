package io.tributary.gateway.webdav;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.tributary.gateway.auth.Principal;
import io.tributary.gateway.auth.ShareAccess;
import io.tributary.gateway.keys.TenantErasedException;
import io.tributary.gateway.share.ShareException;
import io.tributary.gateway.share.ShareNamespace;
import io.tributary.proto.log.LogContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Serves one method: authenticates, resolves the target, runs the {@link DavMethod}, and turns every
 * refusal into its response. Every route goes through here, so no request skips authentication or
 * the metrics, and no stack trace ever reaches a client.
 */
final class DavEndpoint implements Handler {
    /** What the service root allows: it lists the shares and is otherwise read-only. */
    static final String SERVICE_ROOT_ALLOW = "OPTIONS, GET, HEAD, PROPFIND";

    static final io.helidon.http.HeaderName REQUEST_ID = HeaderNames.create("X-Request-Id");
    private static final Status HEADERS_TOO_LARGE = Status.create(431, "Request Header Fields Too Large");
    private static final Logger LOG = Logger.getLogger(DavEndpoint.class.getName());

    private final DavContext context;
    private final DavMethod method;
    private final boolean servesServiceRoot;

    /** @param servesServiceRoot whether {@code method} also answers on {@code /}, the list of shares */
    /** Methods that change nothing: a share's readers may use them; every other method needs write access. */
    private static final Set<String> READING = Set.of("GET", "HEAD", "OPTIONS", "PROPFIND");
    /** The audit action of each method that reads content or changes the share. */
    private static final Map<String, String> AUDITED = Map.of("GET", "file.read", "PUT", "file.write",
            "DELETE", "file.delete", "MOVE", "file.move", "COPY", "file.copy", "MKCOL", "folder.create",
            "PROPPATCH", "file.properties");

    DavEndpoint(DavContext context, DavMethod method, boolean servesServiceRoot) {
        this.context = context;
        this.method = method;
        this.servesServiceRoot = servesServiceRoot;
    }

    @Override
    public void handle(ServerRequest http, ServerResponse res) throws Exception {
        // Every log line written while this request is served carries its id; the client sees it too.
        String requestId = LogContext.requestIdFrom(http.headers().first(REQUEST_ID).orElse(null));
        res.header(REQUEST_ID, requestId);
        try (LogContext.Scope scope = LogContext.request(requestId)) {
            serve(http, res);
        }
    }

    private void serve(ServerRequest http, ServerResponse res) throws Exception {
        context.metrics().webdavRequests.inc();
        String methodName = http.prologue().method().text();
        boolean head = methodName.equals("HEAD");
        DavRequest request = null;
        Principal who = null;
        try {
            who = authenticate(http);
            LogContext.put("user", who.name());
            request = resolve(http, who);
            method.handle(request, res);
        } catch (DavException e) {
            answer(res, e, head);
        } catch (ShareException e) {
            answer(res, ShareRefusal.of(e, methodName), head);
        } catch (Exception e) {
            if ((request != null && request.streaming()) || res.isSent()) {
                // Headers are out; only closing the connection tells the client the body is incomplete.
                LOG.log(Level.FINE, "WebDAV " + methodName + " aborted while streaming", e);
                throw e;
            }
            if (e instanceof IOException || e instanceof UncheckedIOException) {
                LOG.log(Level.FINE, "WebDAV " + methodName + " failed on the connection", e);
            } else {
                LOG.log(Level.SEVERE, "WebDAV " + methodName + " " + http.path().absolute().rawPath() + " failed", e);
            }
            answer(res, DavException.of(Status.INTERNAL_SERVER_ERROR_500,
                    "internal server error; the gateway's log has the details"), head);
        } finally {
            int code = res.status().code();
            if (code >= 500) {
                context.metrics().webdavServerErrors.inc();
            } else if (code >= 400) {
                context.metrics().webdavClientErrors.inc();
            }
            String action = AUDITED.get(methodName);
            if (who != null && action != null) {
                audit(http, who, action, code);
            }
        }
    }

    /** Records a signed-in user's read or change, whatever its outcome: a refusal is worth as much as a success. */
    private void audit(ServerRequest http, Principal who, String action, int code) {
        String detail = "HTTP " + code;
        Optional<String> destination = http.headers().first(DavHeaders.DESTINATION);
        if (destination.isPresent() && (action.equals("file.move") || action.equals("file.copy"))) {
            detail += " to " + destination.get();
        }
        String target;
        try {
            target = http.path().absolute().path();
        } catch (RuntimeException e) {
            target = http.path().absolute().rawPath();
        }
        context.audit().record(who.name(), action, target, http.remotePeer().host(), detail);
    }

    private Principal authenticate(ServerRequest http) {
        long headerBytes = 0;
        for (Header header : http.headers()) {
            headerBytes += header.name().length() + header.values().length() + 4;
        }
        if (headerBytes > WebDavLimits.MAX_HEADERS_BYTES) {
            throw DavException.of(HEADERS_TOO_LARGE, "the request headers are " + headerBytes
                    + " bytes; the limit is " + WebDavLimits.MAX_HEADERS_BYTES);
        }
        String authorization = http.headers().first(HeaderNames.AUTHORIZATION).orElse(null);
        return context.authenticator().authenticate(authorization, http.remotePeer().host())
                .orElseThrow(() -> DavException.of(Status.UNAUTHORIZED_401, "authentication required")
                        .header("WWW-Authenticate", "Basic realm=\"Tributary\""));
    }

    private DavRequest resolve(ServerRequest http, Principal who) {
        Optional<TenantErasedException> erased = context.erasure().erased();
        if (erased.isPresent()) {
            throw DavException.of(Status.GONE_410, "this gateway's shares are erased: " + erased.get().getMessage());
        }
        if (http.prologue().fragment().hasValue()) {
            // RFC 9112: a request target has no fragment. Acting on the path without it could
            // delete more than the client meant; a client that sends one is confused.
            throw DavException.badRequest("the request URI carries a fragment ('#...'), which HTTP does not allow");
        }
        String raw = http.path().absolute().rawPath();
        // "OPTIONS *" asks about the server as a whole, which is what the service root describes.
        DavAddress target = DavAddress.parse(raw.equals("*") ? "/" : raw);
        if (!target.isServiceRoot()) {
            LogContext.put("share", target.share());
        }
        ShareNamespace namespace = null;
        if (target.isServiceRoot()) {
            if (!servesServiceRoot) {
                throw DavException.of(Status.METHOD_NOT_ALLOWED_405,
                        "/ lists the shares and is read-only; use a path inside a share")
                        .header("Allow", SERVICE_ROOT_ALLOW);
            }
        } else {
            namespace = context.shares().get(target.share()).orElseThrow(() -> DavException.of(
                    Status.NOT_FOUND_404, "there is no share named '" + target.share() + "'"));
            ShareAccess.Level needed = READING.contains(http.prologue().method().text()) ? ShareAccess.Level.READ : ShareAccess.Level.WRITE;
            ShareAccess.Level granted = context.access().of(target.share(), who);
            if (!granted.allows(needed)) {
                context.metrics().accessDenied.inc();
                throw DavException.of(Status.FORBIDDEN_403, "'" + who.name() + "' may "
                        + (granted == ShareAccess.Level.NONE ? "not use" : "only read") + " the share '" + target.share() + "'");
            }
        }
        IfHeader ifHeader = null;
        Optional<String> ifValue = http.headers().first(DavHeaders.IF);
        if (ifValue.isPresent()) {
            try {
                ifHeader = IfHeader.parse(ifValue.get());
            } catch (IllegalArgumentException e) {
                throw DavException.badRequest("malformed If header: " + e.getMessage());
            }
        }
        Origin origin = Origin.of(http.isSecure() ? "https" : "http", http.authority());
        return new DavRequest(http, context, who.name(), target, namespace, origin, ifHeader);
    }

    private static void answer(ServerResponse res, DavException e, boolean head) {
        if (res.isSent()) {
            LOG.log(Level.FINE, "response already sent; dropping " + e.status().code() + " " + e.getMessage());
            return;
        }
        ErrorBody.send(res, e, head);
    }
}
