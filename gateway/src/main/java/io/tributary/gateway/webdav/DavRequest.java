package io.tributary.gateway.webdav;

import io.helidon.http.HeaderName;
import io.helidon.webserver.http.ServerRequest;
import io.tributary.gateway.share.ShareNamespace;

import java.util.Optional;

/**
 * One authenticated request, its target resolved: what a {@link DavMethod} works with.
 * Built by {@link DavEndpoint} only after authentication, path decoding and share lookup succeeded.
 */
final class DavRequest {
    private final ServerRequest http;
    private final DavContext context;
    private final String principal;
    private final DavAddress target;
    private final ShareNamespace namespace;
    private final Origin origin;
    private final IfHeader ifHeader;
    private boolean streaming;

    DavRequest(ServerRequest http, DavContext context, String principal, DavAddress target,
               ShareNamespace namespace, Origin origin, IfHeader ifHeader) {
        this.http = http;
        this.context = context;
        this.principal = principal;
        this.target = target;
        this.namespace = namespace;
        this.origin = origin;
        this.ifHeader = ifHeader;
    }

    ServerRequest http() {
        return http;
    }

    String method() {
        return http.prologue().method().text();
    }

    boolean isHead() {
        return method().equals("HEAD");
    }

    /** The authenticated user: lock holder and the principal locks are checked against. */
    String principal() {
        return principal;
    }

    DavAddress target() {
        return target;
    }

    /** The target's share; only methods that serve the service root see this fail. */
    ShareNamespace namespace() {
        if (namespace == null) {
            throw new IllegalStateException("the service root has no namespace");
        }
        return namespace;
    }

    Optional<ShareNamespace> namespaceOf(String share) {
        return share == null ? Optional.empty() : context.shares().get(share);
    }

    DavContext context() {
        return context;
    }

    WebDavLimits limits() {
        return context.limits();
    }

    Origin origin() {
        return origin;
    }

    /** The parsed If header, when the request has one. */
    Optional<IfHeader> ifHeader() {
        return Optional.ofNullable(ifHeader);
    }

    Optional<String> header(HeaderName name) {
        return http.headers().first(name);
    }

    /** Recorded before the body starts: from then on an error can only abort the connection. */
    void startStreaming() {
        streaming = true;
    }

    boolean streaming() {
        return streaming;
    }
}
